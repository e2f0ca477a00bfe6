//! `gan generate`: images from a trained model; the same seed gives the same images.

use super::error::Error;
use gan::train::generation::{MAX_COUNT, MAX_OUTPUT_SIZE};
use gan::train::{Checkpoint, GenerationConfig};
use std::path::PathBuf;

/// The options of `gan generate`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct GenerateArgs {
    /// The trained model: a run folder (its latest checkpoint, e.g. runs/dcgan64), its
    /// checkpoints/ folder, or one checkpoint folder. `gan models` lists them.
    #[arg(value_name = "MODEL")]
    pub checkpoint: PathBuf,
    /// How many images (at most 100000).
    #[arg(long, default_value_t = 16)]
    pub count: usize,
    /// Seed of the latent noise: the same seed gives the same images.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output size in pixels [default: the model's, 4x with --upscale]. Other sizes are
    /// resampled with a Lanczos filter, which adds no detail (--upscale does).
    #[arg(long, value_name = "PX")]
    pub size: Option<u32>,
    /// Upscale every image 4x with Real-ESRGAN before --size applies: x4plus (general),
    /// x4plus-anime (illustrations) or animevideov3 (fast).
    #[arg(long, value_name = "MODEL", value_parser = super::upscale::parse_model)]
    pub upscale: Option<gan::core::realesrgan::RealEsrganModel>,
    /// The Real-ESRGAN weights folder [default: $GAN_REALESRGAN_DIR, else .cache/realesrgan].
    #[arg(long, value_name = "DIR", requires = "upscale")]
    pub upscale_weights: Option<PathBuf>,
    /// Folder for image-NNN.png; their grid (the first 64) goes beside it, as DIR-grid.png.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,
    /// Replace the images of an earlier generation in --out (otherwise that is an error).
    #[arg(long)]
    pub overwrite: bool,
    /// Device: cpu, flex, ndarray, wgpu, cuda or cuda:N (backends must be compiled in).
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

impl GenerateArgs {
    /// Writes the images and their grid; returns the files (grid last).
    pub fn run(&self) -> Result<Vec<PathBuf>, Error> {
        let config = GenerationConfig::new()
            .with_count(self.count)
            .with_seed(self.seed)
            .with_size(self.size)
            .with_upscale(self.upscale)
            .with_upscale_weights(self.upscale_weights.clone())
            .with_quiet(self.quiet)
            .with_overwrite(self.overwrite);
        super::check_range("--count", self.count, 1..=MAX_COUNT, "")?;
        if let Some(px) = self.size {
            super::check_range("--size", px, 1..=MAX_OUTPUT_SIZE, " pixels")?;
        }
        let device = gan::core::device::parse_device(&self.device)?;
        let checkpoint = Checkpoint::open(&self.checkpoint)?;
        let generator = checkpoint.generator(&device)?;
        let recorded = &checkpoint.metadata;
        let describe = [
            ("gan:model", checkpoint.dir.display().to_string()),
            ("gan:architecture", recorded.model.architecture.to_string()),
            ("gan:step", recorded.step.to_string()),
        ];
        Ok(config.write(&generator, &self.out, &device, &describe)?)
    }
}
