//! The fully connected discriminator: every pixel through hidden layers to one logit.

use crate::activation::leaky_relu;
use crate::error::{check_nonzero, check_weights};
use crate::params::initialize_now;
use crate::{ConfigError, Discriminator};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

/// Configuration of an [`MlpDiscriminator`].
#[derive(Config, Debug, PartialEq)]
pub struct MlpDiscriminatorConfig {
    /// Widths of the hidden layers, in order.
    #[config(default = "vec![512, 256]")]
    pub hidden: Vec<usize>,
    /// Image channels.
    #[config(default = 3)]
    pub channels: usize,
    /// Input height and width.
    #[config(default = 32)]
    pub image_size: usize,
}

/// Fully connected discriminator: `[B, channels, size, size]` to `[B, 1]` logits. Hidden
/// layers use LeakyReLU(0.2).
#[derive(Module, Debug)]
pub struct MlpDiscriminator {
    /// Hidden layers, each followed by LeakyReLU(0.2).
    pub hidden: Vec<Linear>,
    /// The layer to one logit.
    pub output: Linear,
    /// `[channels, height, width]` of the input.
    pub image_shape: [usize; 3],
}

impl MlpDiscriminatorConfig {
    /// Builds the discriminator on `device`. Errors when a size is zero.
    pub fn init(&self, device: &Device) -> Result<MlpDiscriminator, ConfigError> {
        check_nonzero("channels", self.channels)?;
        check_nonzero("image_size", self.image_size)?;
        for &width in &self.hidden {
            check_nonzero("hidden width", width)?;
        }
        let mut widths =
            vec![(self.channels as u128).saturating_mul((self.image_size as u128).pow(2))];
        widths.extend(self.hidden.iter().map(|&w| w as u128));
        widths.push(1);
        check_weights("fully connected discriminator", &widths, 1)?;
        let mut widths = vec![self.channels * self.image_size * self.image_size];
        widths.extend(&self.hidden);
        let hidden = widths
            .windows(2)
            .map(|pair| LinearConfig::new(pair[0], pair[1]).init(device))
            .collect();
        Ok(initialize_now(MlpDiscriminator {
            hidden,
            output: LinearConfig::new(widths[widths.len() - 1], 1).init(device),
            image_shape: [self.channels, self.image_size, self.image_size],
        }))
    }
}

impl MlpDiscriminator {
    /// - `images`: `[batch, channels, size, size]`
    /// - returns: `[batch, 1]` logits
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let mut x: Tensor<2> = images.flatten(1, 3);
        for layer in &self.hidden {
            x = leaky_relu(layer.forward(x), 0.2);
        }
        self.output.forward(x)
    }
}

impl Discriminator for MlpDiscriminator {
    fn image_shape(&self) -> [usize; 3] {
        self.image_shape
    }

    fn logits(&self, images: Tensor<4>) -> Tensor<2> {
        self.forward(images)
    }
}
