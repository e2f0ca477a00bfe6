//! Trains WGAN-GP at 64x64 (`--size 128` for 128x128) with the exact gradient penalty: a
//! LayerNorm critic, 5 critic steps per generator step, λ = 10, Adam(1e-4, (0.5, 0.9)). Each
//! step logs the Wasserstein estimate and the mean gradient norm.
//!
//! ```sh
//! cargo run --release --example wgan_gp64
//! cargo run --release --example wgan_gp64 -- --size 128 --data path/to/paintings --epochs 20
//! ```

fn main() {
    gan::wgan::cli_main();
}
