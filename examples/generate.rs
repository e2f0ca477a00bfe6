//! Writes images from a trained checkpoint: `--count` images and their grid, the same images
//! for the same `--seed`. Run with `--help` for the options.
//!
//! ```sh
//! cargo run --release --example generate -- runs/dcgan64 --count 16 --seed 7
//! ```

fn main() {
    gan::generate::cli_main();
}
