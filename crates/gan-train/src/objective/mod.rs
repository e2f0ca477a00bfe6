//! Objectives: what makes one GAN variant differ from another. Each is one file; the training
//! loop is shared.
//!
//! - [`Objective`] (in `definition.rs`): the trait, and what each side of a step reports;
//! - [`NonSaturating`]: DCGAN's; [`CreativeAdversarial`]: CAN's; [`WassersteinGp`]: WGAN-GP's;
//!   [`Hinge`]: SNGAN's and BigGAN's, for the small-data recipe;
//! - [`r1`]: the R1 penalty, an option of [`Hinge`] and [`NonSaturating`];
//! - [`Augmented`]: DiffAugment around any of them (the loop applies it with
//!   `TrainingConfig::augment`);
//! - [`ObjectiveConfig`]: the built-in objectives as one serialisable value, as
//!   [`Experiment`](crate::experiment::Experiment) and checkpoints record them.
//!
//! A new objective is a type that implements [`Objective`] for its discriminator type, trained
//! with [`train`](crate::trainer::train) (see `examples/custom_objective.rs`).

pub mod augmented;
pub mod config;
pub mod creative;
pub mod definition;
pub mod hinge;
pub mod non_saturating;
pub mod r1;
pub mod wasserstein;

pub use augmented::Augmented;
pub use config::ObjectiveConfig;
pub use creative::CreativeAdversarial;
pub use definition::{DiscriminatorStep, GeneratorStep, Objective};
pub use hinge::Hinge;
pub use non_saturating::NonSaturating;
pub use wasserstein::{PenaltyGradient, WassersteinGp};
