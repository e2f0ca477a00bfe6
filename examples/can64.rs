//! Trains CAN, the Creative Adversarial Network, at 64x64 (`--size 128` for 128x128): the
//! discriminator learns the styles of the data (the embedded paintings' five, or the
//! sub-folders of `--data DIR`), the generator is pushed towards style ambiguity. Each step
//! logs the style accuracy on real images and the entropy of the styles D sees in the fakes.
//!
//! ```sh
//! cargo run --release --example can64
//! cargo run --release --example can64 -- --size 128 --data path/to/wikiart --epochs 10
//! ```

fn main() {
    gan::can::cli_main();
}
