//! Trains DCGAN at 128x128: on the embedded procedural paintings by default, or on
//! `--data DIR`. Run with `--help` for the options.
//!
//! ```sh
//! cargo run --release --example dcgan128
//! cargo run --release --example dcgan128 -- --data path/to/paintings --epochs 20
//! cargo run --release --example dcgan128 --features cuda -- --device cuda
//! ```

fn main() {
    gan::dcgan::cli_main(128);
}
