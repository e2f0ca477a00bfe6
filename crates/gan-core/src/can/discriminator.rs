//! The CAN discriminator: a DCGAN trunk with a real/fake head and a style-classification head.

use crate::activation::leaky_relu;
use crate::dcgan::{DcganDiscriminator, DcganDiscriminatorConfig};
use crate::error::{check_nonzero, check_weights, doubling_widths};
use crate::params::initialize_now;
use crate::{ConfigError, Discriminator};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

/// Configuration of a [`CanDiscriminator`].
///
/// ```no_run
/// use gan_core::can::CanDiscriminatorConfig;
/// let device = gan_core::device::parse_device("cpu").unwrap();
/// let discriminator = CanDiscriminatorConfig::new(27).with_image_size(128).init(&device).unwrap();
/// ```
#[derive(Config, Debug, PartialEq)]
pub struct CanDiscriminatorConfig {
    /// K, the number of styles (the data set's classes): at least 2.
    pub num_styles: usize,
    /// Feature maps of the trunk's first block (`ndf`).
    #[config(default = 64)]
    pub feature_maps: usize,
    /// Image channels.
    #[config(default = 3)]
    pub channels: usize,
    /// Input height and width: a power of two from 32 to 256.
    #[config(default = 64)]
    pub image_size: usize,
    /// Widths of the style head's hidden layers (the paper uses 1024 and 512).
    #[config(default = "vec![1024, 512]")]
    pub style_hidden: Vec<usize>,
}

/// Both heads' outputs for a batch.
#[derive(Debug, Clone)]
pub struct CanOutput {
    /// `[B, 1]` real/fake logits.
    pub real_fake: Tensor<2>,
    /// `[B, K]` style logits (softmax gives D's style distribution).
    pub styles: Tensor<2>,
}

/// The CAN discriminator: `[B, C, size, size]` images to a real/fake logit and K style logits.
#[derive(Module, Debug)]
pub struct CanDiscriminator {
    /// The DCGAN discriminator whose trunk is shared and whose last convolution is the
    /// real/fake head.
    pub base: DcganDiscriminator,
    /// Hidden layers of the style head, each followed by LeakyReLU(0.2).
    pub style_hidden: Vec<Linear>,
    /// The layer to K style logits.
    pub style_output: Linear,
    /// K.
    pub num_styles: usize,
}

impl CanDiscriminatorConfig {
    /// Builds the discriminator with DCGAN's initialisation for the trunk.
    ///
    /// Errors when K < 2, the image size is unsupported, or a width is zero.
    pub fn init(&self, device: &Device) -> Result<CanDiscriminator, ConfigError> {
        if self.num_styles < 2 {
            return Err(ConfigError::OutOfRange {
                field: "number of styles",
                range: "2 or more",
                value: self.num_styles as f64,
            });
        }
        for &width in &self.style_hidden {
            check_nonzero("style head width", width)?;
        }
        let stages = crate::dcgan::stride2_stages("CAN discriminator", self.image_size)?;
        let trunk = doubling_widths(self.feature_maps, stages)
            .last()
            .copied()
            .unwrap_or(0);
        let mut head = vec![trunk.saturating_mul(16)];
        head.extend(self.style_hidden.iter().map(|&w| w as u128));
        head.push(self.num_styles as u128);
        check_weights("CAN style head", &head, 1)?;
        let base = DcganDiscriminatorConfig::new()
            .with_feature_maps(self.feature_maps)
            .with_channels(self.channels)
            .with_image_size(self.image_size)
            .init(device)?;
        let trunk_channels = self.feature_maps << base.blocks.len();
        let mut widths = vec![trunk_channels * 16];
        widths.extend(&self.style_hidden);
        let style_hidden = widths
            .windows(2)
            .map(|pair| LinearConfig::new(pair[0], pair[1]).init(device))
            .collect();
        Ok(initialize_now(CanDiscriminator {
            base,
            style_hidden,
            style_output: LinearConfig::new(widths[widths.len() - 1], self.num_styles).init(device),
            num_styles: self.num_styles,
        }))
    }
}

impl CanDiscriminator {
    /// Both heads on one pass through the trunk.
    ///
    /// - `images`: `[batch, channels, size, size]`
    /// - returns: real/fake logits `[batch, 1]` and style logits `[batch, K]`
    pub fn forward(&self, images: Tensor<4>) -> CanOutput {
        let features = self.base.features(images);
        CanOutput {
            styles: self.style_head(features.clone()),
            real_fake: self.base.real_fake_head(features),
        }
    }

    /// The style logits alone, `[batch, K]`.
    pub fn style_logits(&self, images: Tensor<4>) -> Tensor<2> {
        self.style_head(self.base.features(images))
    }

    fn style_head(&self, features: Tensor<4>) -> Tensor<2> {
        let mut x: Tensor<2> = features.flatten(1, 3);
        for layer in &self.style_hidden {
            x = leaky_relu(layer.forward(x), 0.2);
        }
        self.style_output.forward(x)
    }
}

impl Discriminator for CanDiscriminator {
    fn image_shape(&self) -> [usize; 3] {
        self.base.image_shape
    }

    fn logits(&self, images: Tensor<4>) -> Tensor<2> {
        self.base.forward(images)
    }
}
