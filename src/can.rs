//! CAN training from command-line arguments: what `gan train can` and `examples/can64.rs` run.

use crate::Error;
use crate::train_args::{TrainArgs, finish, prepare, train_prepared};
use gan_core::can::CanDiscriminatorConfig;
use gan_core::dcgan::DcganGeneratorConfig;
use gan_core::loss::StyleAmbiguity;
use gan_train::{AdamSettings, CreativeAdversarial, TrainingSummary};

/// The style-ambiguity loss, as a command-line value.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmbiguityArg {
    /// The paper's equation 3: each style a yes/no question answered "1/K".
    Binary,
    /// Softmax cross-entropy against the uniform distribution.
    Uniform,
}

impl From<AmbiguityArg> for StyleAmbiguity {
    fn from(arg: AmbiguityArg) -> Self {
        match arg {
            AmbiguityArg::Binary => StyleAmbiguity::Binary,
            AmbiguityArg::Uniform => StyleAmbiguity::UniformCrossEntropy,
        }
    }
}

/// The options of a CAN training run.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct CanArgs {
    /// The shared training options.
    #[command(flatten)]
    pub train: TrainArgs,
    /// Image size: a power of two from 32 to 256 (128 as art-GAN projects train).
    #[arg(long, default_value_t = 64)]
    pub size: usize,
    /// λ, the weight of the generator's style-ambiguity loss.
    #[arg(long, default_value_t = 1.0)]
    pub style_weight: f64,
    /// Which style-ambiguity loss.
    #[arg(long, value_enum, default_value_t = AmbiguityArg::Binary)]
    pub ambiguity: AmbiguityArg,
}

/// Trains a CAN as `args` say, with the styles of the data set (its sub-folders; the embedded
/// paintings have five), and returns where it left its samples and checkpoint.
pub fn run(args: &CanArgs) -> Result<TrainingSummary, Error> {
    let (size, train) = (args.size, &args.train);
    let objective =
        CreativeAdversarial::new(train.labels(), args.style_weight, args.ambiguity.into())?;
    let prepared = prepare(train, "can", size, &AdamSettings::new())?;
    let generator_config = DcganGeneratorConfig::new()
        .with_image_size(size)
        .with_feature_maps(train.feature_maps);
    // K below 2 is refused by the config with a clear error.
    let discriminator_config = CanDiscriminatorConfig::new(prepared.data.class_names.len())
        .with_image_size(size)
        .with_feature_maps(train.feature_maps);
    train_prepared(
        &prepared,
        "can",
        size,
        &generator_config,
        &discriminator_config,
        &objective,
    )
}

/// The command line of `examples/can64.rs`.
#[derive(clap::Parser, Debug)]
#[command(
    about = "Train CAN (Creative Adversarial Network): learn the styles of the data, then deviate from them."
)]
struct Cli {
    #[command(flatten)]
    can: CanArgs,
}

/// The whole program of `examples/can64.rs`: parses the command line, trains, prints where the
/// results are, and exits with status 1 and a clear message on error.
pub fn cli_main() {
    let cli = <Cli as clap::Parser>::parse();
    finish(run(&cli.can));
}
