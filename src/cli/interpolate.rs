//! `gan interpolate`: a walk through latent space as an animated GIF (spherical
//! interpolation; each end is the first image of `gan generate --seed S`).

use super::error::Error;
use gan::train::generation::MAX_OUTPUT_SIZE;
use gan::train::latent_walk::MAX_FRAMES;
use gan::train::{Checkpoint, LatentWalkConfig};
use std::path::PathBuf;

/// The options of `gan interpolate`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct InterpolateArgs {
    /// The trained model: a run folder (its latest checkpoint), its checkpoints/ folder, or one
    /// checkpoint folder.
    #[arg(value_name = "MODEL")]
    pub checkpoint: PathBuf,
    /// Seed of the first frame: the first image of `gan generate --seed SEED`.
    #[arg(long, value_name = "SEED")]
    pub from: u64,
    /// Seed of the last frame.
    #[arg(long, value_name = "SEED")]
    pub to: u64,
    /// Frames of the walk, both ends included (2 to 10000).
    #[arg(long, default_value_t = 24)]
    pub frames: usize,
    /// The GIF to write.
    #[arg(long, value_name = "FILE", default_value = "walk.gif")]
    pub out: PathBuf,
    /// Frame size in pixels [default: the model's]; other sizes are resampled with Lanczos.
    #[arg(long, value_name = "PX")]
    pub size: Option<u32>,
    /// How long each frame shows, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 80)]
    pub frame_ms: u32,
    /// Walk back to the start as well, for a seamless loop.
    #[arg(long)]
    pub bounce: bool,
    /// Device: cpu, flex, ndarray, wgpu, cuda or cuda:N (backends must be compiled in).
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

impl InterpolateArgs {
    /// Writes the walk as a looping GIF; returns its path and number of frames.
    pub fn run(&self) -> Result<(PathBuf, usize), Error> {
        super::check_range(
            "--frames",
            self.frames,
            2..=MAX_FRAMES,
            " (both ends included)",
        )?;
        if let Some(px) = self.size {
            super::check_range("--size", px, 1..=MAX_OUTPUT_SIZE, " pixels")?;
        }
        let walk = LatentWalkConfig::new(self.from, self.to)
            .with_frames(self.frames)
            .with_size(self.size)
            .with_frame_ms(self.frame_ms)
            .with_bounce(self.bounce)
            .with_quiet(self.quiet);
        let device = gan::core::device::parse_device(&self.device)?;
        let generator = Checkpoint::open(&self.checkpoint)?.generator(&device)?;
        let frames = walk.write_gif(&generator, &self.out, &device)?;
        Ok((self.out.clone(), frames))
    }
}
