//! DCGAN training from command-line arguments: what `gan train dcgan`, `examples/dcgan64.rs`
//! and `examples/dcgan128.rs` run.

use crate::Error;
use crate::train_args::{TrainArgs, finish, prepare, train_prepared};
use gan_core::dcgan::{DcganDiscriminatorConfig, DcganGeneratorConfig};
use gan_train::{AdamSettings, NonSaturating, TrainingSummary};

/// The options of a DCGAN training run (`gan train dcgan`).
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct DcganArgs {
    /// The shared training options.
    #[command(flatten)]
    pub train: TrainArgs,
    /// Image size: a power of two from 32 to 256.
    #[arg(long, default_value_t = 64)]
    pub size: usize,
}

/// Trains a DCGAN at `image_size` x `image_size` as `args` say, and returns where it left its
/// samples and checkpoint.
pub fn run(args: &TrainArgs, image_size: usize) -> Result<TrainingSummary, Error> {
    let generator_config = DcganGeneratorConfig::new()
        .with_image_size(image_size)
        .with_feature_maps(args.feature_maps);
    let discriminator_config = DcganDiscriminatorConfig::new()
        .with_image_size(image_size)
        .with_feature_maps(args.feature_maps);
    let objective = NonSaturating::new(args.labels())?;
    let prepared = prepare(args, "dcgan", image_size, &AdamSettings::new())?;
    train_prepared(
        &prepared,
        "dcgan",
        image_size,
        &generator_config,
        &discriminator_config,
        &objective,
    )
}

/// The command line of `examples/dcgan<SIZE>.rs`: DCGAN training options.
#[derive(clap::Parser, Debug)]
#[command(about = "Train DCGAN on the embedded procedural paintings or on --data DIR.")]
struct Cli {
    #[command(flatten)]
    train: TrainArgs,
}

/// The whole program of `examples/dcgan<SIZE>.rs`: parses the command line, trains at
/// `image_size`, prints where the results are, and exits with status 1 and a clear message on
/// error.
pub fn cli_main(image_size: usize) {
    let cli = <Cli as clap::Parser>::parse();
    finish(run(&cli.train, image_size));
}

/// Trains a DCGAN as `args` say (its size included).
pub fn run_args(args: &DcganArgs) -> Result<TrainingSummary, Error> {
    run(&args.train, args.size)
}
