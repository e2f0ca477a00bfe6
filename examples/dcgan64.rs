//! Trains DCGAN at 64x64: on the embedded procedural paintings by default, or on
//! `--data DIR`. Run with `--help` for the options.
//!
//! ```sh
//! cargo run --release --example dcgan64
//! cargo run --release --example dcgan64 -- --data path/to/paintings --epochs 20
//! cargo run --release --example dcgan64 --features cuda -- --device cuda
//! ```

fn main() {
    gan::dcgan::cli_main(64);
}
