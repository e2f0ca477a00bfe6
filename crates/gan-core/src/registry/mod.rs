//! The typed registry of what can be trained: which GAN variants exist ([`Architecture`]),
//! which generator and discriminator configurations they use ([`GeneratorConfig`],
//! [`DiscriminatorConfig`], serde-tagged so checkpoints record them), and generator and
//! discriminator values that dispatch over every architecture ([`GeneratorModel`],
//! [`DiscriminatorModel`]), for code that works with whatever a checkpoint holds.
//!
//! Adding a network: a variant in the config enum and the model enum of its role.

mod architecture;
mod discriminator;
mod generator;

pub use architecture::{Architecture, UnknownArchitecture};
pub use discriminator::{DiscriminatorConfig, DiscriminatorModel, Judgement};
pub use generator::{GeneratorConfig, GeneratorModel};
