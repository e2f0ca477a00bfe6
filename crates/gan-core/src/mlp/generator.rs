//! The fully connected generator: latent vector through hidden layers to every pixel.

use crate::activation::leaky_relu;
use crate::error::{check_nonzero, check_weights};
use crate::params::initialize_now;
use crate::{ConfigError, Generator};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::tanh;

/// Configuration of an [`MlpGenerator`].
#[derive(Config, Debug, PartialEq)]
pub struct MlpGeneratorConfig {
    /// Length of the latent vector `z`.
    #[config(default = 100)]
    pub latent_dim: usize,
    /// Widths of the hidden layers, in order.
    #[config(default = "vec![256, 512, 1024]")]
    pub hidden: Vec<usize>,
    /// Image channels.
    #[config(default = 3)]
    pub channels: usize,
    /// Output height and width.
    #[config(default = 32)]
    pub image_size: usize,
}

/// Fully connected generator: `[B, latent_dim]` to `[B, channels, size, size]` in `[-1, 1]`.
/// Hidden layers use LeakyReLU(0.2), the output tanh.
#[derive(Module, Debug)]
pub struct MlpGenerator {
    /// Hidden layers, each followed by LeakyReLU(0.2).
    pub hidden: Vec<Linear>,
    /// The layer to `channels * size * size` outputs, followed by tanh.
    pub output: Linear,
    /// Length of the latent vector.
    pub latent_dim: usize,
    /// `[channels, height, width]` of the output.
    pub image_shape: [usize; 3],
}

impl MlpGeneratorConfig {
    /// Builds the generator on `device`. Errors when a size is zero.
    pub fn init(&self, device: &Device) -> Result<MlpGenerator, ConfigError> {
        check_nonzero("latent_dim", self.latent_dim)?;
        check_nonzero("channels", self.channels)?;
        check_nonzero("image_size", self.image_size)?;
        for &width in &self.hidden {
            check_nonzero("hidden width", width)?;
        }
        let mut widths = vec![self.latent_dim as u128];
        widths.extend(self.hidden.iter().map(|&w| w as u128));
        widths.push((self.channels as u128).saturating_mul((self.image_size as u128).pow(2)));
        check_weights("fully connected generator", &widths, 1)?;
        let mut widths = vec![self.latent_dim];
        widths.extend(&self.hidden);
        let hidden = widths
            .windows(2)
            .map(|pair| LinearConfig::new(pair[0], pair[1]).init(device))
            .collect();
        let pixels = self.channels * self.image_size * self.image_size;
        Ok(initialize_now(MlpGenerator {
            hidden,
            output: LinearConfig::new(*widths.last().unwrap_or(&self.latent_dim), pixels)
                .init(device),
            latent_dim: self.latent_dim,
            image_shape: [self.channels, self.image_size, self.image_size],
        }))
    }
}

impl MlpGenerator {
    /// - `latent`: `[batch, latent_dim]`
    /// - returns: `[batch, channels, size, size]` in `[-1, 1]`
    pub fn forward(&self, latent: Tensor<2>) -> Tensor<4> {
        let batch = latent.dims()[0];
        let mut x = latent;
        for layer in &self.hidden {
            x = leaky_relu(layer.forward(x), 0.2);
        }
        let [c, h, w] = self.image_shape;
        tanh(self.output.forward(x)).reshape([batch, c, h, w])
    }
}

impl Generator for MlpGenerator {
    fn latent_dim(&self) -> usize {
        self.latent_dim
    }

    fn image_shape(&self) -> [usize; 3] {
        self.image_shape
    }

    fn generate(&self, latent: Tensor<2>) -> Tensor<4> {
        self.forward(latent)
    }
}
