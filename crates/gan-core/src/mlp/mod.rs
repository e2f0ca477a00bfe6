//! The fully connected GAN of Goodfellow et al. 2014 ("Generative Adversarial Nets"), for small
//! images: each pixel is one input or output unit, so it suits 16x16 to 64x64.

mod discriminator;
mod generator;

pub use discriminator::{MlpDiscriminator, MlpDiscriminatorConfig};
pub use generator::{MlpGenerator, MlpGeneratorConfig};
