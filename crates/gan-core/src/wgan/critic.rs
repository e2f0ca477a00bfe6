//! The WGAN-GP critic: DCGAN's discriminator without BatchNorm (none, or per-sample LayerNorm),
//! a linear output, and an explicit input gradient.

use super::InputGradient;
use super::layer_norm::{LayerNormCache, SampleLayerNorm};
use crate::conv::{conv_transpose2d, conv2d_layer};
use crate::dcgan::stride2_stages;
use crate::error::{check_nonzero, check_weights, doubling_widths};
use crate::params::initialize_now;
use crate::{ConfigError, Discriminator};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Initializer, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::ops::ConvTransposeOptions;

/// Slope of the LeakyReLU for negative inputs.
const SLOPE: f64 = 0.2;

/// The normalisation inside a critic's blocks. BatchNorm is not an option: it couples the
/// samples of a batch, and the gradient penalty is per sample.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum CriticNorm {
    /// No normalisation.
    None,
    /// Per-sample layer normalisation over `[C, H, W]` (the paper's recommendation).
    Layer,
}

/// Configuration of a [`DcganCritic`].
#[derive(Config, Debug, PartialEq)]
pub struct DcganCriticConfig {
    /// Feature maps of the first block; later blocks have multiples of it.
    #[config(default = 64)]
    pub feature_maps: usize,
    /// Image channels.
    #[config(default = 3)]
    pub channels: usize,
    /// Input height and width: a power of two from 32 to 256.
    #[config(default = 64)]
    pub image_size: usize,
    /// Normalisation in the blocks after the first.
    #[config(default = "CriticNorm::Layer")]
    pub norm: CriticNorm,
}

/// One stride-2 block: convolution, optional layer norm, LeakyReLU(0.2).
#[derive(Module, Debug)]
pub struct CriticBlock {
    /// Convolution, kernel 4, stride 2, padding 1, no bias.
    pub conv: Conv2d,
    /// Layer normalisation, when configured.
    pub norm: Option<SampleLayerNorm>,
}

/// The WGAN-GP critic: `[B, C, size, size]` images to `[B, 1]` unbounded scores.
#[derive(Module, Debug)]
pub struct DcganCritic {
    /// Stride-2 blocks; the first has no normalisation.
    pub blocks: Vec<CriticBlock>,
    /// The 4x4 to 1x1 convolution to one score (linear output).
    pub output: Conv2d,
    /// `[channels, height, width]` of the input.
    pub image_shape: [usize; 3],
}

impl DcganCriticConfig {
    /// Builds the critic with DCGAN's initialisation (convolution weights N(0, 0.02)).
    pub fn init(&self, device: &Device) -> Result<DcganCritic, ConfigError> {
        check_nonzero("feature_maps", self.feature_maps)?;
        check_nonzero("channels", self.channels)?;
        let stages = stride2_stages("DCGAN critic", self.image_size)?;
        let mut widths = vec![self.channels as u128];
        widths.extend(doubling_widths(self.feature_maps, stages));
        widths.push(1);
        check_weights("DCGAN critic", &widths, 16)?;
        let conv = |c_in: usize, c_out: usize, stride: usize, padding: usize| {
            Conv2dConfig::new([c_in, c_out], [4, 4])
                .with_stride([stride, stride])
                .with_padding(PaddingConfig2d::Explicit(
                    padding, padding, padding, padding,
                ))
                .with_bias(false)
                .with_initializer(Initializer::Normal {
                    mean: 0.0,
                    std: 0.02,
                })
                .init(device)
        };
        let mut blocks = Vec::with_capacity(stages);
        let mut channels = self.channels;
        for stage in 0..stages {
            let width = self.feature_maps << stage;
            let size = self.image_size >> (stage + 1);
            let norm = (stage > 0 && self.norm == CriticNorm::Layer)
                .then(|| SampleLayerNorm::new([width, size, size], device));
            blocks.push(CriticBlock {
                conv: conv(channels, width, 2, 1),
                norm,
            });
            channels = width;
        }
        Ok(initialize_now(DcganCritic {
            blocks,
            output: conv(channels, 1, 1, 0),
            image_shape: [self.channels, self.image_size, self.image_size],
        }))
    }
}

/// What the input gradient needs from the forward pass, per block.
struct BlockCache {
    /// Where the LeakyReLU's input is positive: its derivative is 1 there and 0.2 elsewhere.
    slope: Tensor<4>,
    norm: Option<LayerNormCache>,
}

fn transpose_options(stride: usize, padding: usize) -> ConvTransposeOptions<2> {
    ConvTransposeOptions::new([stride, stride], [padding, padding], [0, 0], [1, 1], 1)
}

impl DcganCritic {
    /// Scores images.
    ///
    /// - `images`: `[batch, channels, size, size]`
    /// - returns: `[batch, 1]` scores
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        self.forward_cached(images, false).0
    }

    fn forward_cached(&self, images: Tensor<4>, keep: bool) -> (Tensor<2>, Vec<BlockCache>) {
        let batch = images.dims()[0];
        let mut caches = Vec::new();
        let mut x = images;
        for block in &self.blocks {
            let a = conv2d_layer(&block.conv, x);
            let (n, norm_cache) = match &block.norm {
                Some(norm) => {
                    let (n, cache) = norm.forward_cached(a);
                    (n, Some(cache))
                }
                None => (a, None),
            };
            if keep {
                let positive = n.clone().detach().greater_elem(0.0).float();
                caches.push(BlockCache {
                    slope: positive.mul_scalar(1.0 - SLOPE).add_scalar(SLOPE),
                    norm: norm_cache,
                });
            }
            x = crate::activation::leaky_relu(n, SLOPE);
        }
        (conv2d_layer(&self.output, x).reshape([batch, 1]), caches)
    }
}

impl InputGradient for DcganCritic {
    fn scores_and_input_gradient(&self, images: Tensor<4>) -> (Tensor<2>, Tensor<4>) {
        let [batch, ..] = images.dims();
        let device = images.device();
        let (scores, caches) = self.forward_cached(images, true);
        // d(sum of scores)/d(scores) = 1, through the output convolution's adjoint.
        let mut g = conv_transpose2d(
            Tensor::ones([batch, 1, 1, 1], &device),
            self.output.weight.val(),
            None,
            transpose_options(1, 0),
        );
        for (block, cache) in self.blocks.iter().zip(caches).rev() {
            g = g * cache.slope;
            if let (Some(norm), Some(norm_cache)) = (&block.norm, &cache.norm) {
                g = norm.backward(g, norm_cache);
            }
            g = conv_transpose2d(g, block.conv.weight.val(), None, transpose_options(2, 1));
        }
        (scores, g)
    }
}

impl Discriminator for DcganCritic {
    fn image_shape(&self) -> [usize; 3] {
        self.image_shape
    }

    fn logits(&self, images: Tensor<4>) -> Tensor<2> {
        self.forward(images)
    }

    fn exact_input_gradient(&self, images: Tensor<4>) -> Option<(Tensor<2>, Tensor<4>)> {
        Some(self.scores_and_input_gradient(images))
    }
}
