//! The two roles of a GAN as traits, so that the training loop, sampling and checkpoints work
//! with any architecture (DCGAN, fully connected, and later critics).

use crate::ConfigError;
use burn::prelude::*;

/// A model's configuration: serialisable (checkpoints record it) and able to build the model.
/// Every config in gan-core implements it, so code can take "a generator config and a
/// discriminator config" generically.
pub trait ModelConfig: serde::Serialize {
    /// The module it builds.
    type Model: Module;

    /// Builds the model on `device` (the same as the config's own `init`).
    fn init_model(&self, device: &Device) -> Result<Self::Model, ConfigError>;
}

/// Implements [`ModelConfig`] by the config's own `init`.
macro_rules! model_config {
    ($($config:ty => $model:ty),* $(,)?) => {$(
        impl ModelConfig for $config {
            type Model = $model;
            fn init_model(&self, device: &Device) -> Result<$model, ConfigError> {
                self.init(device)
            }
        }
    )*};
}

model_config!(
    crate::dcgan::DcganGeneratorConfig => crate::dcgan::DcganGenerator,
    crate::dcgan::DcganDiscriminatorConfig => crate::dcgan::DcganDiscriminator,
    crate::mlp::MlpGeneratorConfig => crate::mlp::MlpGenerator,
    crate::mlp::MlpDiscriminatorConfig => crate::mlp::MlpDiscriminator,
    crate::can::CanDiscriminatorConfig => crate::can::CanDiscriminator,
    crate::wgan::DcganCriticConfig => crate::wgan::DcganCritic,
);

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

    /// The logits and the exact gradient of their sum with respect to the images, as an
    /// ordinary differentiable computation (so penalties on it, such as R1, get exact
    /// weight gradients from first-order autodiff), or `None` when this discriminator has
    /// none (BatchNorm couples a batch's images; CAN and MLP discriminators do not state one).
    ///
    /// - `images`: `[batch, channels, height, width]`
    /// - returns: logits `[batch, 1]` and gradient `[batch, channels, height, width]`
    fn exact_input_gradient(&self, images: Tensor<4>) -> Option<(Tensor<2>, Tensor<4>)> {
        let _ = images;
        None
    }
}
