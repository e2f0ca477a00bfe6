//! The `gan` program: train GANs that make paintings, list them, generate, interpolate, score
//! and measure FID. `gan --help` says how. Its modules only parse arguments, call the library
//! and print.

mod cli;
#[cfg(feature = "studio")]
mod studio;

fn main() {
    if let Err(err) = cli::run(&<cli::Cli as clap::Parser>::parse()) {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
