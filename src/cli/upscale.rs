//! `gan upscale`: Real-ESRGAN 4x upscaling of image files, one PNG per input.

use super::error::Error;
use gan::core::realesrgan::RealEsrganModel;
use gan::train::upscale::{UpscaleReport, default_weights_dir};
use gan::train::{Tiling, Upscaler};
use std::path::PathBuf;

/// Parses a model name for clap: `x4plus`, `x4plus-anime`, `animevideov3`.
pub fn parse_model(name: &str) -> Result<RealEsrganModel, String> {
    RealEsrganModel::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = RealEsrganModel::ALL.iter().map(|m| m.name()).collect();
        format!(
            "unknown Real-ESRGAN model `{name}`: expected one of {}",
            names.join(", ")
        )
    })
}

/// The options of `gan upscale`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct UpscaleArgs {
    /// Image files, or folders whose images (png, jpg, webp, bmp, gif, tiff) are all upscaled.
    #[arg(value_name = "IMAGE", required = true)]
    pub inputs: Vec<PathBuf>,
    /// x4plus (general, the default), x4plus-anime (illustrations) or animevideov3 (fast).
    #[arg(long, value_name = "MODEL", default_value = "x4plus", value_parser = parse_model)]
    pub model: RealEsrganModel,
    /// Folder for the upscaled PNGs (one <input name>.png per input).
    #[arg(long, value_name = "DIR", default_value = "upscaled")]
    pub out: PathBuf,
    /// Tile size in input pixels: bounds memory for large images; 0 never tiles [default:
    /// tiles of 256 for images larger than that].
    #[arg(long, value_name = "N")]
    pub tile: Option<usize>,
    /// Overlap of tiles, in input pixels.
    #[arg(long, value_name = "N", default_value_t = gan::train::upscale::DEFAULT_TILE_PAD)]
    pub tile_pad: usize,
    /// Images of one size upscaled together.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub batch_size: usize,
    /// The weights folder [default: $GAN_REALESRGAN_DIR, else .cache/realesrgan, where
    /// scripts/upscale/fetch_realesrgan_weights.sh puts them].
    #[arg(long, value_name = "DIR")]
    pub weights: Option<PathBuf>,
    /// Replace existing files in --out.
    #[arg(long)]
    pub overwrite: bool,
    /// Device: cpu, flex, ndarray, wgpu, cuda or cuda:N (backends must be compiled in).
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

impl UpscaleArgs {
    /// Upscales every input into --out.
    pub fn run(&self) -> Result<UpscaleReport, Error> {
        super::check_range("--batch-size", self.batch_size, 1..=1024, "")?;
        let inputs = gan::train::upscale::image_files(&self.inputs)?;
        let device = gan::core::device::parse_device(&self.device)?;
        let weights = self.weights.clone().unwrap_or_else(default_weights_dir);
        let tiling = self.tile.map_or(Tiling::Auto, Tiling::from_size);
        let upscaler = Upscaler::load(self.model, &weights, &device)?
            .with_tiling(tiling)
            .with_tile_pad(self.tile_pad)
            .with_batch_size(self.batch_size);
        let report = upscaler.upscale_files(&inputs, &self.out, self.overwrite, self.quiet)?;
        if report.written.is_empty() {
            let reasons: Vec<String> = report
                .skipped
                .iter()
                .map(|(path, why)| format!("{}: {why}", path.display()))
                .collect();
            return Err(Error::Usage(format!(
                "no image could be upscaled:\n  {}",
                reasons.join("\n  ")
            )));
        }
        Ok(report)
    }
}
