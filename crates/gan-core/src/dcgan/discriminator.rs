//! The DCGAN discriminator: strided convolutions from an image to one real/fake logit.

use super::init::{CONV_INIT, batch_norm};
use super::stride2_stages;
use crate::activation::leaky_relu;
use crate::error::{check_nonzero, check_weights, doubling_widths};
use crate::params::initialize_now;
use crate::spectral_norm::SpectralNorm;
use crate::{ConfigError, Discriminator};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, PaddingConfig2d};
use burn::prelude::*;

/// Slope of the LeakyReLU for negative inputs, as in the paper.
pub const LEAKY_SLOPE: f64 = 0.2;

/// Configuration of a [`DcganDiscriminator`].
#[derive(Config, Debug, PartialEq)]
pub struct DcganDiscriminatorConfig {
    /// Feature maps of the first block (`ndf`); later blocks have multiples of it.
    #[config(default = 64)]
    pub feature_maps: usize,
    /// Image channels (`nc`): 3 for RGB.
    #[config(default = 3)]
    pub channels: usize,
    /// Input height and width: a power of two from 32 to 256.
    #[config(default = 64)]
    pub image_size: usize,
    /// Spectral normalisation of every convolution instead of BatchNorm (SNGAN's discriminator,
    /// Miyato et al. 2018): each image is judged alone, whatever else is in its batch.
    #[config(default = false)]
    pub spectral_norm: bool,
}

/// One downsampling block: stride-2 convolution, BatchNorm (or a spectrally normalised
/// convolution), LeakyReLU(0.2).
#[derive(Module, Debug)]
pub struct DownBlock {
    /// Convolution, kernel 4, stride 2, padding 1, no bias.
    pub conv: Conv2d,
    /// Batch normalisation of its output (`None` with spectral normalisation).
    pub norm: Option<BatchNorm>,
    /// The convolution's spectral normalisation, when on.
    pub spectral: Option<SpectralNorm>,
}

impl DownBlock {
    /// `[B, C_in, H, W]` to `[B, C_out, H/2, W/2]`.
    pub fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        let x = convolve(&self.conv, self.spectral.as_ref(), input);
        let x = match &self.norm {
            Some(norm) => crate::batch_norm::batch_norm(norm, x),
            None => x,
        };
        leaky_relu(x, LEAKY_SLOPE)
    }
}

/// `conv`'s forward pass, spectrally normalised when `spectral` is given.
fn convolve(conv: &Conv2d, spectral: Option<&SpectralNorm>, input: Tensor<4>) -> Tensor<4> {
    match spectral {
        Some(spectral) => spectral.conv2d(conv, input),
        None => crate::conv::conv2d_layer(conv, input),
    }
}

/// The DCGAN discriminator. `[B, channels, size, size]` images in, `[B, 1]` logits out (the
/// sigmoid of PyTorch's example is folded into the loss, for numerical stability).
#[derive(Module, Debug)]
pub struct DcganDiscriminator {
    /// First stride-2 convolution (no BatchNorm), followed by LeakyReLU.
    pub input: Conv2d,
    /// Stride-2 convolution blocks with BatchNorm.
    pub blocks: Vec<DownBlock>,
    /// The 4x4 to 1x1 convolution to one logit.
    pub output: Conv2d,
    /// Spectral normalisation of `input` and `output`, in that order, when on (empty
    /// otherwise; the blocks hold their own).
    pub spectral: Vec<SpectralNorm>,
    /// `[channels, height, width]` of the input.
    pub image_shape: [usize; 3],
}

impl DcganDiscriminatorConfig {
    /// Checks the configuration without building anything.
    pub fn validate(&self) -> Result<usize, ConfigError> {
        check_nonzero("feature_maps", self.feature_maps)?;
        check_nonzero("channels", self.channels)?;
        let stages = stride2_stages("DCGAN discriminator", self.image_size)?;
        let mut widths = vec![self.channels as u128];
        widths.extend(doubling_widths(self.feature_maps, stages));
        widths.push(1);
        check_weights("DCGAN discriminator", &widths, 16)?;
        Ok(stages)
    }

    /// Builds the discriminator on `device` with the paper's initialisation.
    ///
    /// Errors when the image size is not a power of two from 32 to 256, or a size is zero.
    pub fn init(&self, device: &Device) -> Result<DcganDiscriminator, ConfigError> {
        let stages = self.validate()?;
        let width = |stage: usize| self.feature_maps << stage;
        let conv = |c_in: usize, c_out: usize, stride: usize, padding: usize| {
            Conv2dConfig::new([c_in, c_out], [4, 4])
                .with_stride([stride, stride])
                .with_padding(PaddingConfig2d::Explicit(
                    padding, padding, padding, padding,
                ))
                .with_bias(false)
                .with_initializer(CONV_INIT)
                .init(device)
        };
        let spectral = |conv: &Conv2d| {
            self.spectral_norm
                .then(|| SpectralNorm::init(&conv.weight.val()))
        };
        let blocks = (1..stages)
            .map(|stage| {
                let conv = conv(width(stage - 1), width(stage), 2, 1);
                DownBlock {
                    norm: (!self.spectral_norm).then(|| batch_norm(width(stage), device)),
                    spectral: spectral(&conv),
                    conv,
                }
            })
            .collect();
        let input = conv(self.channels, width(0), 2, 1);
        let output = conv(width(stages - 1), 1, 1, 0);
        let spectral = [spectral(&input), spectral(&output)]
            .into_iter()
            .flatten()
            .collect();
        Ok(initialize_now(DcganDiscriminator {
            input,
            blocks,
            output,
            spectral,
            image_shape: [self.channels, self.image_size, self.image_size],
        }))
    }
}

impl DcganDiscriminator {
    /// Scores images.
    ///
    /// - `images`: `[batch, channels, size, size]`
    /// - returns: `[batch, 1]` logits
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        self.real_fake_head(self.features(images))
    }

    /// The convolutional trunk: everything but the last convolution.
    ///
    /// - `images`: `[batch, channels, size, size]`
    /// - returns: `[batch, feature_maps * size / 8, 4, 4]`
    pub fn features(&self, images: Tensor<4>) -> Tensor<4> {
        let mut x = leaky_relu(
            convolve(&self.input, self.spectral.first(), images),
            LEAKY_SLOPE,
        );
        for block in &self.blocks {
            x = block.forward(x);
        }
        x
    }

    /// The real/fake head on the trunk's features.
    ///
    /// - `features`: `[batch, C, 4, 4]` from [`features`](Self::features)
    /// - returns: `[batch, 1]` logits
    pub fn real_fake_head(&self, features: Tensor<4>) -> Tensor<2> {
        let batch = features.dims()[0];
        convolve(&self.output, self.spectral.get(1), features).reshape([batch, 1])
    }
}

impl Discriminator for DcganDiscriminator {
    fn image_shape(&self) -> [usize; 3] {
        self.image_shape
    }

    fn logits(&self, images: Tensor<4>) -> Tensor<2> {
        self.forward(images)
    }

    fn exact_input_gradient(&self, images: Tensor<4>) -> Option<(Tensor<2>, Tensor<4>)> {
        self.has_exact_input_gradient()
            .then(|| crate::wgan::InputGradient::scores_and_input_gradient(self, images))
    }
}
