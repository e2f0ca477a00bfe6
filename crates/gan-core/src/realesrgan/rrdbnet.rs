//! RRDBNet (Wang et al. 2018, ESRGAN), the network of Real-ESRGAN's x4plus models: residual-in-
//! residual dense blocks at the input resolution, then two nearest-neighbour 2x upsamplings.
//! Field names mirror BasicSR's `rrdbnet_arch.py` state-dict keys (`conv_first`,
//! `body.N.rdbK.convJ`, `conv_body`, `conv_up1`, `conv_up2`, `conv_hr`, `conv_last`).

use super::graph::{ConvLayer, GraphCheck};
use super::nearest_upsample;
use crate::ConfigError;
use crate::activation::leaky_relu;
use crate::conv::conv2d_layer as conv;
use crate::error::{NcnnError, check_nonzero};
use crate::params::initialize_now;
use crate::realesrgan::ncnn::NcnnModel;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::prelude::*;

/// The slope of every leaky ReLU in RRDBNet.
const SLOPE: f64 = 0.2;
/// The residual scaling of dense blocks and of residual-in-residual blocks.
const RESIDUAL_SCALE: f64 = 0.2;

/// Configuration of an [`RrdbNet`] with scale 4 (the only scale Real-ESRGAN's x4 models use;
/// scales 1 and 2 would add a pixel unshuffle in front).
#[derive(Config, Debug, PartialEq)]
pub struct RrdbNetConfig {
    /// Input channels (3, RGB).
    #[config(default = 3)]
    pub num_in_ch: usize,
    /// Output channels (3, RGB).
    #[config(default = 3)]
    pub num_out_ch: usize,
    /// Feature maps of the trunk.
    #[config(default = 64)]
    pub num_feat: usize,
    /// Residual-in-residual dense blocks: 23 for x4plus, 6 for x4plus-anime.
    #[config(default = 23)]
    pub num_block: usize,
    /// Channels each dense layer adds.
    #[config(default = 32)]
    pub num_grow_ch: usize,
}

/// A residual dense block: five 3x3 convolutions, each reading the block input and every
/// earlier output; `x + 0.2 * conv5(...)`.
#[derive(Module, Debug)]
pub struct ResidualDenseBlock {
    /// `num_feat` to `num_grow_ch`.
    pub conv1: Conv2d,
    /// `num_feat + num_grow_ch` to `num_grow_ch`.
    pub conv2: Conv2d,
    /// `num_feat + 2 num_grow_ch` to `num_grow_ch`.
    pub conv3: Conv2d,
    /// `num_feat + 3 num_grow_ch` to `num_grow_ch`.
    pub conv4: Conv2d,
    /// `num_feat + 4 num_grow_ch` to `num_feat`, no activation.
    pub conv5: Conv2d,
}

impl ResidualDenseBlock {
    /// `[B, num_feat, H, W]` to the same shape.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let x1 = leaky_relu(conv(&self.conv1, x.clone()), SLOPE);
        let x2 = leaky_relu(
            conv(&self.conv2, Tensor::cat(vec![x.clone(), x1.clone()], 1)),
            SLOPE,
        );
        let x3 = leaky_relu(
            conv(
                &self.conv3,
                Tensor::cat(vec![x.clone(), x1.clone(), x2.clone()], 1),
            ),
            SLOPE,
        );
        let x4 = leaky_relu(
            conv(
                &self.conv4,
                Tensor::cat(vec![x.clone(), x1.clone(), x2.clone(), x3.clone()], 1),
            ),
            SLOPE,
        );
        let x5 = conv(&self.conv5, Tensor::cat(vec![x.clone(), x1, x2, x3, x4], 1));
        x5.mul_scalar(RESIDUAL_SCALE).add(x)
    }
}

/// A residual-in-residual dense block: three dense blocks, `x + 0.2 * rdb3(rdb2(rdb1(x)))`.
#[derive(Module, Debug)]
pub struct Rrdb {
    /// The first dense block.
    pub rdb1: ResidualDenseBlock,
    /// The second dense block.
    pub rdb2: ResidualDenseBlock,
    /// The third dense block.
    pub rdb3: ResidualDenseBlock,
}

impl Rrdb {
    /// `[B, num_feat, H, W]` to the same shape.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let out = self
            .rdb3
            .forward(self.rdb2.forward(self.rdb1.forward(x.clone())));
        out.mul_scalar(RESIDUAL_SCALE).add(x)
    }
}

/// RRDBNet with scale 4: `[B, num_in_ch, H, W]` in `[0, 1]` to `[B, num_out_ch, 4H, 4W]`
/// (unclamped).
#[derive(Module, Debug)]
pub struct RrdbNet {
    /// `num_in_ch` to `num_feat`.
    pub conv_first: Conv2d,
    /// The residual-in-residual dense blocks.
    pub body: Vec<Rrdb>,
    /// The trunk's last convolution, added to `conv_first`'s output.
    pub conv_body: Conv2d,
    /// After the first 2x upsampling, with a leaky ReLU.
    pub conv_up1: Conv2d,
    /// After the second 2x upsampling, with a leaky ReLU.
    pub conv_up2: Conv2d,
    /// At the output resolution, with a leaky ReLU.
    pub conv_hr: Conv2d,
    /// `num_feat` to `num_out_ch`.
    pub conv_last: Conv2d,
}

impl RrdbNet {
    /// The upscaling factor: 4.
    pub const SCALE: usize = 4;

    /// `[B, num_in_ch, H, W]` to `[B, num_out_ch, 4H, 4W]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let feat = conv(&self.conv_first, x);
        let mut trunk = feat.clone();
        for block in &self.body {
            trunk = block.forward(trunk);
        }
        let feat = feat.add(conv(&self.conv_body, trunk));
        let feat = leaky_relu(conv(&self.conv_up1, nearest_upsample(feat, 2)), SLOPE);
        let feat = leaky_relu(conv(&self.conv_up2, nearest_upsample(feat, 2)), SLOPE);
        conv(
            &self.conv_last,
            leaky_relu(conv(&self.conv_hr, feat), SLOPE),
        )
    }
}

impl RrdbNetConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        check_nonzero("num_in_ch", self.num_in_ch)?;
        check_nonzero("num_out_ch", self.num_out_ch)?;
        check_nonzero("num_feat", self.num_feat)?;
        check_nonzero("num_block", self.num_block)?;
        check_nonzero("num_grow_ch", self.num_grow_ch)
    }

    /// The network's convolutions in forward (and ncnn file) order, as
    /// `(name, in, out, leaky ReLU after it)`.
    fn convolutions(&self) -> Vec<(String, usize, usize, bool)> {
        let (feat, grow) = (self.num_feat, self.num_grow_ch);
        let mut convs = vec![("conv_first".to_string(), self.num_in_ch, feat, false)];
        for block in 0..self.num_block {
            for rdb in 1..=3 {
                for conv in 1..=5 {
                    let out = if conv == 5 { feat } else { grow };
                    convs.push((
                        format!("body.{block}.rdb{rdb}.conv{conv}"),
                        feat + (conv - 1) * grow,
                        out,
                        conv != 5,
                    ));
                }
            }
        }
        convs.push(("conv_body".into(), feat, feat, false));
        convs.push(("conv_up1".into(), feat, feat, true));
        convs.push(("conv_up2".into(), feat, feat, true));
        convs.push(("conv_hr".into(), feat, feat, true));
        convs.push(("conv_last".into(), feat, self.num_out_ch, false));
        convs
    }

    /// Builds the network with Burn's default initialisation (for tests and training from
    /// scratch; Real-ESRGAN's weights come through [`RrdbNetConfig::load_ncnn`]).
    pub fn init(&self, device: &Device) -> Result<RrdbNet, ConfigError> {
        self.validate()?;
        let mut convs = self.convolutions().into_iter().map(|(_, c_in, c_out, _)| {
            Conv2dConfig::new([c_in, c_out], [3, 3])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .init(device)
        });
        Ok(initialize_now(assemble(&mut convs, self.num_block)))
    }

    /// Builds the network from an ncnn model exported from BasicSR's RRDBNet with this
    /// configuration, checking its structure first: the convolutions' order, channel sizes,
    /// kernels and activations, the residual coefficients (0.2), the two nearest-neighbour 2x
    /// upsamplings and the count of every layer type.
    pub fn load_ncnn(&self, model: &NcnnModel, device: &Device) -> Result<RrdbNet, NcnnError> {
        let network = format!(
            "RRDBNet (scale 4, {} blocks, {} features, growth {})",
            self.num_block, self.num_feat, self.num_grow_ch
        );
        let check = GraphCheck::new(model, network);
        self.validate()
            .map_err(|error| check.error(error.to_string()))?;
        let expected = self.convolutions();
        let blocks = self.num_block;
        check.counts(&[
            ("Input", 1),
            ("Convolution", expected.len()),
            ("Concat", 12 * blocks),
            ("Eltwise", 4 * blocks),
            ("BinaryOp", 1),
            ("Interp", 2),
            ("Split", usize::MAX),
        ])?;
        for layer in model.layers_of("Eltwise") {
            check.eltwise_scaled_sum(layer, RESIDUAL_SCALE as f32)?;
        }
        check.binary_add(model.layers_of("BinaryOp"))?;
        for layer in model.layers_of("Interp") {
            check.nearest_upsample(layer, 2)?;
        }
        let convs = check.convolutions(&expected, SLOPE as f32)?;
        let mut convs = convs.iter().map(|conv: &ConvLayer| conv.to_conv2d(device));
        Ok(assemble(&mut convs, blocks))
    }
}

/// Puts convolutions given in forward order into the network's fields.
fn assemble(convs: &mut impl Iterator<Item = Conv2d>, blocks: usize) -> RrdbNet {
    let mut next = || convs.next().expect("one convolution per expected layer");
    let conv_first = next();
    let mut body = Vec::with_capacity(blocks);
    for _ in 0..blocks {
        let mut dense = || ResidualDenseBlock {
            conv1: next(),
            conv2: next(),
            conv3: next(),
            conv4: next(),
            conv5: next(),
        };
        let (rdb1, rdb2, rdb3) = (dense(), dense(), dense());
        body.push(Rrdb { rdb1, rdb2, rdb3 });
    }
    RrdbNet {
        conv_first,
        body,
        conv_body: next(),
        conv_up1: next(),
        conv_up2: next(),
        conv_hr: next(),
        conv_last: next(),
    }
}
