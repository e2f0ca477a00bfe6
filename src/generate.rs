//! Images from a trained checkpoint: what `examples/generate.rs` runs. The same checkpoint and
//! seed always give the same images.

use crate::Error;
use burn::prelude::*;
use gan_core::Generator;
use gan_core::dcgan::{DcganGenerator, DcganGeneratorConfig};
use gan_core::mlp::{MlpGenerator, MlpGeneratorConfig};
use gan_train::checkpoint::{self, Checkpoint};
use gan_train::sample;
use std::path::{Path, PathBuf};

/// The options of `generate`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct GenerateArgs {
    /// A run folder (its latest checkpoint) or a checkpoint folder.
    #[arg(long, value_name = "DIR")]
    pub checkpoint: PathBuf,
    /// How many images.
    #[arg(long, default_value_t = 16)]
    pub count: usize,
    /// Seed of the latent noise: the same seed gives the same images.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Folder for image-NNN.png and grid.png.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,
    /// Device: cpu, flex, ndarray, wgpu, cuda or cuda:N.
    #[arg(long, default_value = "cpu")]
    pub device: String,
}

/// A generator of any architecture that checkpoints record.
#[derive(Debug)]
pub enum LoadedGenerator {
    /// A DCGAN generator.
    Dcgan(DcganGenerator),
    /// A fully connected generator.
    Mlp(MlpGenerator),
}

impl LoadedGenerator {
    /// `count` images from `seed`, `[count, C, H, W]` in `[-1, 1]`.
    pub fn generate(&self, count: usize, seed: u64, device: &Device) -> Tensor<4> {
        match self {
            Self::Dcgan(g) => sample::generate(g, count, seed, device),
            Self::Mlp(g) => sample::generate(g, count, seed, device),
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

/// The command line of `examples/generate.rs`.
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
    match run(&cli.generate) {
        Ok(files) => {
            for file in &files {
                println!("{}", file.display());
            }
        }
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    }
}

/// Writes `args.count` images and their grid; returns the image files (grid last).
pub fn run(args: &GenerateArgs) -> Result<Vec<PathBuf>, Error> {
    if args.count == 0 {
        return Err(Error::Unsupported("--count must be at least 1".into()));
    }
    let device = gan_core::device::parse_device(&args.device)?;
    let (generator, _) = load_generator(&args.checkpoint, &device)?;
    let images = generator.generate(args.count, args.seed, &device);
    let images = sample::to_rgb_images(images)?;
    let mut written = Vec::with_capacity(images.len() + 1);
    for (i, image) in images.iter().enumerate() {
        let path = args.out.join(format!("image-{i:03}.png"));
        sample::save_png(image, &path)?;
        written.push(path);
    }
    let columns = (images.len() as f64).sqrt().ceil() as usize;
    let grid_path = args.out.join("grid.png");
    sample::save_png(&sample::grid(&images, columns), &grid_path)?;
    written.push(grid_path);
    Ok(written)
}
