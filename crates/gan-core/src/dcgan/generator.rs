//! The DCGAN generator: a stack of transposed convolutions from a latent vector to an image.

use super::init::{CONV_INIT, batch_norm};
use super::stride2_stages;

use crate::conv::conv_transpose2d_layer;
use crate::error::{check_nonzero, check_weights, doubling_widths};
use crate::params::initialize_now;
use crate::{ConfigError, Generator};
use burn::nn::BatchNorm;
use burn::nn::conv::{ConvTranspose2d, ConvTranspose2dConfig};
use burn::prelude::*;
use burn::tensor::activation::tanh;

/// Configuration of a [`DcganGenerator`].
#[derive(Config, Debug, PartialEq)]
pub struct DcganGeneratorConfig {
    /// Length of the latent vector `z` (`nz` in PyTorch's example).
    #[config(default = 100)]
    pub latent_dim: usize,
    /// Feature maps of the last hidden block (`ngf`); earlier blocks have multiples of it.
    #[config(default = 64)]
    pub feature_maps: usize,
    /// Image channels (`nc`): 3 for RGB.
    #[config(default = 3)]
    pub channels: usize,
    /// Output height and width: a power of two from 32 to 256.
    #[config(default = 64)]
    pub image_size: usize,
}

/// One upsampling block: transposed convolution, BatchNorm, ReLU.
#[derive(Module, Debug)]
pub struct UpBlock {
    /// Transposed convolution, kernel 4, no bias.
    pub conv: ConvTranspose2d,
    /// Batch normalisation of its output.
    pub norm: BatchNorm,
}

impl UpBlock {
    /// `[B, C_in, H, W]` to `[B, C_out, H', W']`.
    pub fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        crate::batch_norm::batch_norm_relu(&self.norm, conv_transpose2d_layer(&self.conv, input))
    }
}

/// The DCGAN generator. `[B, latent_dim]` noise in, `[B, channels, size, size]` images in
/// `[-1, 1]` out.
#[derive(Module, Debug)]
pub struct DcganGenerator {
    /// The 1x1 to 4x4 projection, then the stride-2 upsampling blocks.
    pub blocks: Vec<UpBlock>,
    /// The last stride-2 transposed convolution to `channels`, followed by tanh.
    pub output: ConvTranspose2d,
    /// Length of the latent vector.
    pub latent_dim: usize,
    /// `[channels, height, width]` of the output.
    pub image_shape: [usize; 3],
}

impl DcganGeneratorConfig {
    /// Checks the configuration without building anything.
    pub fn validate(&self) -> Result<usize, ConfigError> {
        check_nonzero("latent_dim", self.latent_dim)?;
        check_nonzero("feature_maps", self.feature_maps)?;
        check_nonzero("channels", self.channels)?;
        let stages = stride2_stages("DCGAN generator", self.image_size)?;
        let mut widths = vec![self.latent_dim as u128];
        widths.extend(doubling_widths(self.feature_maps, stages).into_iter().rev());
        widths.push(self.channels as u128);
        check_weights("DCGAN generator", &widths, 16)?;
        Ok(stages)
    }

    /// Builds the generator on `device` with the paper's initialisation.
    ///
    /// Errors when the image size is not a power of two from 32 to 256, or a size is zero.
    pub fn init(&self, device: &Device) -> Result<DcganGenerator, ConfigError> {
        let stages = self.validate()?;
        let width = |stage: usize| self.feature_maps << (stages - 1 - stage);
        let up = |c_in: usize, c_out: usize, stride: usize, padding: usize| {
            ConvTranspose2dConfig::new([c_in, c_out], [4, 4])
                .with_stride([stride, stride])
                .with_padding([padding, padding])
                .with_bias(false)
                .with_initializer(CONV_INIT)
                .init(device)
        };
        let mut blocks = Vec::with_capacity(stages);
        blocks.push(UpBlock {
            conv: up(self.latent_dim, width(0), 1, 0),
            norm: batch_norm(width(0), device),
        });
        for stage in 1..stages {
            blocks.push(UpBlock {
                conv: up(width(stage - 1), width(stage), 2, 1),
                norm: batch_norm(width(stage), device),
            });
        }
        Ok(initialize_now(DcganGenerator {
            blocks,
            output: up(self.feature_maps, self.channels, 2, 1),
            latent_dim: self.latent_dim,
            image_shape: [self.channels, self.image_size, self.image_size],
        }))
    }
}

impl DcganGenerator {
    /// Generates images.
    ///
    /// - `latent`: `[batch, latent_dim]`
    /// - returns: `[batch, channels, size, size]` in `[-1, 1]`
    pub fn forward(&self, latent: Tensor<2>) -> Tensor<4> {
        let [batch, latent_dim] = latent.dims();
        let mut x = latent.reshape([batch, latent_dim, 1, 1]);
        for block in &self.blocks {
            x = block.forward(x);
        }
        tanh(conv_transpose2d_layer(&self.output, x))
    }
}

impl Generator for DcganGenerator {
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
