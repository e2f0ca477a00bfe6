//! The `gan` program: train GANs that make paintings, list them, generate, interpolate and
//! score. `gan --help` says how; the work is done by the `gan` library ([`gan::cli`]).

fn main() {
    gan::cli::main();
}
