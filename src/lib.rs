//! # gan
//!
//! Generative adversarial networks that make paintings, on Burn. This crate ties the workspace
//! together for the examples and the command line:
//!
//! - [`gan_core`]: generator, discriminator and losses;
//! - [`gan_data`]: art data sets and batching;
//! - [`gan_train`]: the training loop, checkpoints and samples;
//! - [`train_args`]: the options and steps every training program shares;
//! - [`dcgan`]: DCGAN training from command-line arguments (`examples/dcgan64.rs`);
//! - [`can`]: CAN training from command-line arguments (`examples/can64.rs`);
//! - [`wgan`]: WGAN-GP training from command-line arguments (`examples/wgan_gp64.rs`);
//! - [`generate`]: images from a checkpoint (`examples/generate.rs`).

pub mod can;
pub mod dcgan;
mod error;
pub mod generate;
pub mod train_args;
pub mod wgan;

pub use error::Error;
pub use gan_core;
pub use gan_data;
pub use gan_train;
