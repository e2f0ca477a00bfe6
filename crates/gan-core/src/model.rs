//! The two roles of a GAN as traits, so that the training loop, sampling and checkpoints work
//! with any architecture (DCGAN, fully connected, and later critics).

use burn::prelude::*;

/// A generator maps latent noise to images.
pub trait Generator: Module {
    /// Length of the latent vector `z`.
    fn latent_dim(&self) -> usize;

    /// The image shape `[channels, height, width]` it produces.
    fn image_shape(&self) -> [usize; 3];

    /// Generates images from latent noise.
    ///
    /// - `latent`: `[batch, latent_dim]`
    /// - returns: `[batch, channels, height, width]`, values in `[-1, 1]`
    fn generate(&self, latent: Tensor<2>) -> Tensor<4>;
}

/// A discriminator scores images as real or fake.
pub trait Discriminator: Module {
    /// The image shape `[channels, height, width]` it accepts.
    fn image_shape(&self) -> [usize; 3];

    /// The real/fake logit of each image (before any sigmoid).
    ///
    /// - `images`: `[batch, channels, height, width]`
    /// - returns: `[batch, 1]`
    fn logits(&self, images: Tensor<4>) -> Tensor<2>;
}
