//! # gan-train
//!
//! How a GAN learns, and what a run leaves behind.
//!
//! - [`experiment`]: the front door. An [`Experiment`] is a whole run as configurations
//!   (generator, discriminator, objective, data, training settings, run folder), trained by
//!   one `train(&device)` call; DCGAN, CAN and WGAN-GP are presets of it.
//! - [`trainer`]: the one training loop, [`train`], for people who bring their own modules:
//!   steps over a training state with periodic hooks (metrics, FID, sample grid, checkpoint).
//! - [`objective`]: what differs between GAN variants. [`NonSaturating`] is DCGAN's,
//!   [`CreativeAdversarial`] is CAN's, [`WassersteinGp`] is WGAN-GP's; a new variant is a type
//!   implementing [`Objective`].
//! - [`checkpoint`]: weights and optimizer states in Burn's burnpack format (plain tensors, no
//!   code) plus typed JSON metadata, written so that a crash mid-save never destroys the last
//!   good checkpoint; [`Checkpoint::open`] turns any checkpoint back into its generator or
//!   discriminator.
//! - [`output`]: the run folder ([`RunFolder`]) and what is written into it: metrics, FID log,
//!   learning curve, progress GIF.
//! - [`generation`], [`latent_walk`], [`judge`], [`runs`]: using trained models: batched
//!   generation from a seed, spherical latent walks, the discriminator's verdict on images,
//!   and finding trained runs.
//! - [`upscale`]: Real-ESRGAN 4x upscaling of images and image files ([`Upscaler`]), with the
//!   official weights checked by SHA-256.
//! - [`fid_evaluation`]: FID during training (`TrainingConfig::fid`), on [`gan_metrics`].
//! - [`random`]: every random stream of a run, and the reproducibility contract.
//! - [`average`]: the moving average of the generator's weights (`TrainingConfig::ema`).
//!
//! ## Where to add things
//! - a GAN variant: an objective file in `objective/` and a preset in `experiment/presets.rs`
//!   (networks in gan-core, registered in its `registry`);
//! - a data source: gan-data's `DataSource`;
//! - a metric during training: a hook in `trainer/hooks.rs`, its file in `output/run_folder.rs`.

pub mod average;
pub mod checkpoint;
pub mod config;
pub mod delayed_progress;
pub mod error;
pub mod experiment;
pub mod fid_evaluation;
pub mod generation;
pub mod judge;
pub mod latent_walk;
pub mod objective;
pub mod output;
pub mod random;
pub mod runs;
pub mod sample;
pub mod trainer;
pub mod upscale;

mod atomic;
mod progress;

pub use average::EmaConfig;
pub use checkpoint::{Checkpoint, ModelSpec};
pub use config::{AdamSettings, TrainingConfig};
pub use delayed_progress::DelayedProgress;
pub use error::TrainError;
pub use experiment::{Experiment, ResumeRequest};
pub use fid_evaluation::{FidEvaluationConfig, FidEvaluator};
pub use generation::GenerationConfig;
pub use latent_walk::LatentWalkConfig;
pub use objective::{
    Augmented, CreativeAdversarial, DiscriminatorStep, GeneratorStep, Hinge, NonSaturating,
    Objective, ObjectiveConfig, PenaltyGradient, WassersteinGp,
};
pub use output::{
    FidLog, FidPoint, LearningCurveConfig, MetricsLog, ProgressGifConfig, RunFolder, StepMetrics,
};
pub use random::{LATENT_STREAM, StepRandom, fid_noise_seed, fixed_noise_seed};
pub use trainer::{
    RunOptions, StopSignal, TrainedModels, TrainingSummary, discriminator_update, generator_update,
    train,
};
pub use upscale::{Tiling, Upscaler};
