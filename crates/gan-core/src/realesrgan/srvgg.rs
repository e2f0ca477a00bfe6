//! SRVGGNetCompact, Real-ESRGAN's small fast network (`realesr-animevideov3`): a plain stack of
//! 3x3 convolutions with PReLU at the input resolution, a pixel shuffle to the output size, and
//! the nearest-neighbour upsampled input added as a residual.
//!
//! Real-ESRGAN's `srvgg_arch.py` keeps convolutions and PReLUs in one list `body`; here they
//! are two lists: `convs[i]` is PyTorch's `body.{2i}` and `activations[i]` its `body.{2i+1}`
//! (`alpha` is PReLU's `weight`).

use super::graph::GraphCheck;
use super::nearest_upsample;
use crate::ConfigError;
use crate::error::{NcnnError, check_nonzero};
use crate::params::initialize_now;
use crate::realesrgan::ncnn::NcnnModel;
use burn::module::Param;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{PRelu, PReluConfig, PaddingConfig2d, PixelShuffle, PixelShuffleConfig};
use burn::prelude::*;

/// Configuration of an [`SrVggNetCompact`].
#[derive(Config, Debug, PartialEq)]
pub struct SrVggNetCompactConfig {
    /// Input channels (3, RGB).
    #[config(default = 3)]
    pub num_in_ch: usize,
    /// Output channels (3, RGB).
    #[config(default = 3)]
    pub num_out_ch: usize,
    /// Feature maps of every hidden layer.
    #[config(default = 64)]
    pub num_feat: usize,
    /// Hidden convolutions after the first (16 for animevideov3).
    #[config(default = 16)]
    pub num_conv: usize,
    /// The upscaling factor.
    #[config(default = 4)]
    pub upscale: usize,
}

/// SRVGGNetCompact: `[B, num_in_ch, H, W]` in `[0, 1]` to `[B, num_out_ch, sH, sW]`
/// (unclamped).
#[derive(Module, Debug)]
pub struct SrVggNetCompact {
    /// The first convolution, the hidden ones, and the last (`num_feat` to
    /// `num_out_ch * upscale²`).
    pub convs: Vec<Conv2d>,
    /// One PReLU (a slope per channel) after each convolution but the last.
    pub activations: Vec<PRelu>,
    /// Rearranges the last convolution's channels into the output resolution.
    pub shuffle: PixelShuffle,
    /// The upscaling factor.
    pub upscale: usize,
}

impl SrVggNetCompact {
    /// `[B, num_in_ch, H, W]` to `[B, num_out_ch, upscale H, upscale W]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let base = nearest_upsample(x.clone(), self.upscale);
        let mut out = x;
        for (index, conv) in self.convs.iter().enumerate() {
            out = crate::conv::conv2d_layer(conv, out);
            if let Some(activation) = self.activations.get(index) {
                out = activation.forward(out);
            }
        }
        self.shuffle.forward(out).add(base)
    }
}

impl SrVggNetCompactConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        check_nonzero("num_in_ch", self.num_in_ch)?;
        check_nonzero("num_out_ch", self.num_out_ch)?;
        check_nonzero("num_feat", self.num_feat)?;
        check_nonzero("upscale", self.upscale)
    }

    /// `(name, in, out, leaky ReLU after it)` of each convolution, in order.
    fn convolutions(&self) -> Vec<(String, usize, usize, bool)> {
        let feat = self.num_feat;
        let mut convs = vec![("body.0".to_string(), self.num_in_ch, feat, false)];
        for index in 1..=self.num_conv {
            convs.push((format!("body.{}", 2 * index), feat, feat, false));
        }
        let last = self.num_out_ch * self.upscale * self.upscale;
        convs.push((format!("body.{}", 2 * self.num_conv + 2), feat, last, false));
        convs
    }

    fn assemble(&self, convs: Vec<Conv2d>, activations: Vec<PRelu>) -> SrVggNetCompact {
        SrVggNetCompact {
            convs,
            activations,
            shuffle: PixelShuffleConfig::new(self.upscale).init(),
            upscale: self.upscale,
        }
    }

    /// Builds the network with Burn's default initialisation (PReLU slopes 0.25).
    pub fn init(&self, device: &Device) -> Result<SrVggNetCompact, ConfigError> {
        self.validate()?;
        let convs = self
            .convolutions()
            .into_iter()
            .map(|(_, c_in, c_out, _)| {
                Conv2dConfig::new([c_in, c_out], [3, 3])
                    .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                    .init(device)
            })
            .collect();
        let activations = (0..=self.num_conv)
            .map(|_| {
                PReluConfig::new()
                    .with_num_parameters(self.num_feat)
                    .init(device)
            })
            .collect();
        Ok(initialize_now(self.assemble(convs, activations)))
    }

    /// Builds the network from an ncnn model exported from Real-ESRGAN's SRVGGNetCompact with
    /// this configuration, checking its structure first: convolutions with their channel
    /// sizes, one PReLU of `num_feat` slopes after each but the last, the pixel shuffle, one
    /// nearest-neighbour upsampling of the input by `upscale`, the residual sum, and the count
    /// of every layer type (the x2 and x3 graphs, which add a downscaling, are refused).
    pub fn load_ncnn(
        &self,
        model: &NcnnModel,
        device: &Device,
    ) -> Result<SrVggNetCompact, NcnnError> {
        let network = format!(
            "SRVGGNetCompact ({} convolutions, {} features, scale {})",
            self.num_conv, self.num_feat, self.upscale
        );
        let check = GraphCheck::new(model, network);
        self.validate()
            .map_err(|error| check.error(error.to_string()))?;
        let expected = self.convolutions();
        check.counts(&[
            ("Input", 1),
            ("Convolution", expected.len()),
            ("PReLU", self.num_conv + 1),
            ("PixelShuffle", 1),
            ("Interp", 1),
            ("BinaryOp", 1),
            ("Split", usize::MAX),
        ])?;
        for layer in model.layers_of("Interp") {
            check.nearest_upsample(layer, self.upscale)?;
        }
        check.binary_add(model.layers_of("BinaryOp"))?;
        for layer in model.layers_of("PixelShuffle") {
            let factor = layer.int(0, 1);
            let mode = layer.int(1, 0);
            if factor != Ok(self.upscale as i64) || mode != Ok(0) {
                return Err(check.error(format!(
                    "line {}: layer {}: expected a pixel shuffle by {} in PyTorch's channel \
                     order, found factor {factor:?}, mode {mode:?}",
                    layer.line, layer.name, self.upscale
                )));
            }
        }
        let convs = check
            .convolutions(&expected, 0.0)?
            .iter()
            .map(|conv| conv.to_conv2d(device))
            .collect();
        let mut activations = Vec::with_capacity(self.num_conv + 1);
        for layer in model.layers_of("PReLU") {
            let slopes = &layer.weights[0];
            if slopes.len() != self.num_feat {
                return Err(check.error(format!(
                    "line {}: layer {}: {} PReLU slopes, expected {}",
                    layer.line,
                    layer.name,
                    slopes.len(),
                    self.num_feat
                )));
            }
            let mut prelu = PReluConfig::new()
                .with_num_parameters(self.num_feat)
                .init(device);
            prelu.alpha = Param::from_tensor(Tensor::from_data(
                TensorData::new(slopes.clone(), [self.num_feat]),
                device,
            ));
            activations.push(prelu);
        }
        Ok(self.assemble(convs, activations))
    }
}
