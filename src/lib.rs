//! # gan
//!
//! Generative adversarial networks that make paintings, on Burn. This crate ties the workspace
//! together for the `gan` program and the examples, which make the same calls:
//!
//! - [`gan_core`]: generator, discriminator and losses;
//! - [`gan_data`]: art data sets and batching;
//! - [`gan_train`]: the training loop, checkpoints and samples;
//! - [`train_args`]: the options and steps every training program shares;
//! - [`dcgan`]: DCGAN training from command-line arguments (`examples/dcgan64.rs`);
//! - [`can`]: CAN training from command-line arguments (`examples/can64.rs`);
//! - [`wgan`]: WGAN-GP training from command-line arguments (`examples/wgan_gp64.rs`);
//! - [`generate`]: images from a checkpoint (`gan generate`, `examples/generate.rs`);
//! - [`interpolate`]: a latent-space walk as a GIF (`gan interpolate`);
//! - [`score`]: the discriminator's verdict on images (`gan score`);
//! - [`models`]: the trained models under a folder (`gan models`);
//! - [`plot`]: a run's learning curve and progress GIF (`gan plot`);
//! - [`cli`]: the `gan` program's command line.

pub mod can;
pub mod cli;
pub mod dcgan;
mod error;
pub mod fid;
pub mod generate;
pub mod interpolate;
pub mod models;
pub mod plot;
pub mod score;
pub mod train_args;
pub mod wgan;

pub use error::Error;
pub use gan_core;
pub use gan_data;
pub use gan_train;
