//! Images from a trained checkpoint: what `gan generate` and `examples/generate.rs` run. The
//! same checkpoint and seed always give the same images.

use crate::Error;
use burn::prelude::*;
use gan_core::Generator;
use gan_core::dcgan::{DcganGenerator, DcganGeneratorConfig};
use gan_core::mlp::{MlpGenerator, MlpGeneratorConfig};
use gan_train::DelayedProgress;
use gan_train::checkpoint::{self, Checkpoint};
use gan_train::sample;
use image::RgbImage;
use image::imageops::{self, FilterType};
use std::path::{Path, PathBuf};

/// The largest output size `--size` accepts, in pixels.
pub const MAX_OUTPUT_SIZE: u32 = 4096;

/// At most this many images go into `grid.png` (the first ones).
pub const MAX_GRID_IMAGES: usize = 64;

/// The most images one `generate` writes (their latent noise is drawn at once).
pub const MAX_COUNT: usize = 100_000;

/// Images generated per forward pass.
pub const BATCH: usize = 16;

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
    /// Output size in pixels [default: the model's]. Other sizes are resampled with a Lanczos
    /// filter (upscaling adds no detail).
    #[arg(long, value_name = "PX")]
    pub size: Option<u32>,
    /// Folder for image-NNN.png and grid.png (the first 64 images).
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,
    /// Device: cpu, flex, ndarray, wgpu, cuda or cuda:N (backends must be compiled in).
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// A generator of any architecture that checkpoints record.
#[derive(Debug)]
pub enum LoadedGenerator {
    /// A DCGAN generator (also CAN's and WGAN-GP's).
    Dcgan(DcganGenerator),
    /// A fully connected generator.
    Mlp(MlpGenerator),
}

impl LoadedGenerator {
    /// Length of the latent vector.
    pub fn latent_dim(&self) -> usize {
        match self {
            Self::Dcgan(g) => g.latent_dim(),
            Self::Mlp(g) => g.latent_dim(),
        }
    }

    /// The side of the square images it makes, in pixels.
    pub fn image_size(&self) -> usize {
        match self {
            Self::Dcgan(g) => g.image_shape()[2],
            Self::Mlp(g) => g.image_shape()[2],
        }
    }

    /// `count` images from `seed`, `[count, C, H, W]` in `[-1, 1]`: the latent noise of
    /// [`sample::latent_noise`], so image `i` depends only on the seed and `i`.
    pub fn generate(&self, count: usize, seed: u64, device: &Device) -> Tensor<4> {
        match self {
            Self::Dcgan(g) => sample::generate(g, count, seed, device),
            Self::Mlp(g) => sample::generate(g, count, seed, device),
        }
    }

    /// Images from latent vectors in inference mode.
    ///
    /// - `latent`: `[B, latent_dim]`
    /// - returns: `[B, C, H, W]` in `[-1, 1]`
    pub fn generate_latent(&self, latent: Tensor<2>) -> Tensor<4> {
        match self {
            Self::Dcgan(g) => g.valid().generate(latent),
            Self::Mlp(g) => g.valid().generate(latent),
        }
    }
}

fn config_of<C: serde::de::DeserializeOwned>(checkpoint: &Checkpoint) -> Result<C, Error> {
    serde_json::from_value(checkpoint.metadata.model.generator.clone()).map_err(|e| {
        Error::Unsupported(format!(
            "checkpoint {}: generator configuration unreadable: {e}",
            checkpoint.dir.display()
        ))
    })
}

fn load<G: Generator>(checkpoint: &Checkpoint, generator: G) -> Result<G, Error> {
    Ok(checkpoint.load_generator(generator)?)
}

/// Finds the checkpoint at `path` and loads its generator on `device`.
pub fn load_generator(
    path: &Path,
    device: &Device,
) -> Result<(LoadedGenerator, Checkpoint), Error> {
    let checkpoint = checkpoint::find(path)?;
    let generator = match checkpoint.metadata.model.architecture.as_str() {
        // CAN's and WGAN-GP's generators are DCGAN's.
        "dcgan" | "can" | "wgan-gp" => {
            let config: DcganGeneratorConfig = config_of(&checkpoint)?;
            LoadedGenerator::Dcgan(load(&checkpoint, config.init(device)?)?)
        }
        "mlp" => {
            let config: MlpGeneratorConfig = config_of(&checkpoint)?;
            LoadedGenerator::Mlp(load(&checkpoint, config.init(device)?)?)
        }
        other => {
            return Err(Error::Unsupported(format!(
                "checkpoint {}: architecture `{other}` is not known to this build",
                checkpoint.dir.display()
            )));
        }
    };
    Ok((generator, checkpoint))
}

/// Checks an output size given on the command line.
pub fn check_output_size(size: Option<u32>) -> Result<Option<u32>, Error> {
    match size {
        Some(px) if px == 0 || px > MAX_OUTPUT_SIZE => Err(Error::Usage(format!(
            "--size must be from 1 to {MAX_OUTPUT_SIZE} pixels, got {px}"
        ))),
        _ => Ok(size),
    }
}

/// `image` at `size` x `size` pixels (Lanczos resampling), or as it is when `size` is `None`
/// or its own size.
pub fn resize_to(image: RgbImage, size: Option<u32>) -> RgbImage {
    match size {
        Some(px) if image.dimensions() != (px, px) => {
            imageops::resize(&image, px, px, FilterType::Lanczos3)
        }
        _ => image,
    }
}

/// Runs the generator over `latent` in batches of [`BATCH`], resizes to `size`, and hands each
/// image to `each` in order, counting it on `progress`.
///
/// - `latent`: `[N, latent_dim]`
pub fn images_from_latent(
    generator: &LoadedGenerator,
    latent: Tensor<2>,
    size: Option<u32>,
    progress: &DelayedProgress,
    mut each: impl FnMut(usize, RgbImage) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut index = 0;
    for batch in sample::latent_batches(latent, BATCH) {
        let images = sample::to_rgb_images(generator.generate_latent(batch))?;
        progress.inc(images.len());
        for image in images {
            each(index, resize_to(image, size))?;
            index += 1;
        }
    }
    Ok(())
}

/// Writes `args.count` images and their grid; returns the image files (grid last).
pub fn run(args: &GenerateArgs) -> Result<Vec<PathBuf>, Error> {
    if args.count == 0 || args.count > MAX_COUNT {
        return Err(Error::Usage(format!(
            "--count must be from 1 to {MAX_COUNT}, got {}",
            args.count
        )));
    }
    let size = check_output_size(args.size)?;
    let device = gan_core::device::parse_device(&args.device)?;
    let (generator, _) = load_generator(&args.checkpoint, &device)?;
    let latent = sample::latent_noise(args.count, generator.latent_dim(), args.seed, &device);
    let progress = DelayedProgress::new(args.count, "images", args.quiet);
    let mut written = Vec::with_capacity(args.count + 1);
    let mut grid_images = Vec::new();
    images_from_latent(&generator, latent, size, &progress, |i, image| {
        let path = args.out.join(format!("image-{i:03}.png"));
        sample::save_png(&image, &path)?;
        written.push(path);
        if grid_images.len() < MAX_GRID_IMAGES {
            grid_images.push(image);
        }
        Ok(())
    })?;
    progress.finish();
    let columns = (grid_images.len() as f64).sqrt().ceil() as usize;
    let grid_path = args.out.join("grid.png");
    sample::save_png(&sample::grid(&grid_images, columns), &grid_path)?;
    written.push(grid_path);
    Ok(written)
}

/// The command line of `examples/generate.rs`: the options of `gan generate`.
#[derive(clap::Parser, Debug)]
#[command(about = "Write images from a trained checkpoint: the same images for the same --seed.")]
struct Cli {
    #[command(flatten)]
    generate: GenerateArgs,
}

/// The whole program of `examples/generate.rs`: parses the command line, writes the images and
/// prints their paths, or exits with status 1 and a clear message.
pub fn cli_main() {
    let cli = <Cli as clap::Parser>::parse();
    crate::cli::exit_on_error(run(&cli.generate).map(|files| print_files(&files)));
}

/// Prints one written file per line.
pub fn print_files(files: &[PathBuf]) {
    for file in files {
        println!("{}", file.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_outside_the_range_are_refused() {
        assert!(check_output_size(None).unwrap().is_none());
        assert_eq!(check_output_size(Some(512)).unwrap(), Some(512));
        for bad in [0, MAX_OUTPUT_SIZE + 1] {
            let err = check_output_size(Some(bad)).unwrap_err();
            assert!(err.to_string().contains(&format!("got {bad}")), "{err}");
        }
    }

    #[test]
    fn resize_keeps_or_resamples() {
        let image = RgbImage::from_pixel(4, 4, image::Rgb([10, 200, 30]));
        assert_eq!(resize_to(image.clone(), None), image);
        assert_eq!(resize_to(image.clone(), Some(4)), image);
        let big = resize_to(image, Some(9));
        assert_eq!(big.dimensions(), (9, 9));
        // A flat colour stays flat under Lanczos.
        assert!(big.pixels().all(|p| p.0 == [10, 200, 30]));
    }
}
