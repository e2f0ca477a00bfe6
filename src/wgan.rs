//! WGAN-GP training from command-line arguments: what `gan train wgan-gp` and
//! `examples/wgan_gp64.rs` run.

use crate::Error;
use crate::train_args::{TrainArgs, finish, prepare, train_prepared};
use gan_core::dcgan::DcganGeneratorConfig;
use gan_core::wgan::{CriticNorm, DcganCriticConfig};
use gan_train::{AdamSettings, PenaltyGradient, TrainingSummary, WassersteinGp};

/// The critic's normalisation, as a command-line value.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormArg {
    /// Per-sample LayerNorm (the paper's recommendation).
    Layer,
    /// No normalisation.
    None,
}

/// The options of a WGAN-GP training run.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct WganArgs {
    /// The shared training options.
    #[command(flatten)]
    pub train: TrainArgs,
    /// Image size: a power of two from 32 to 256 (128 as art-GAN projects train).
    #[arg(long, default_value_t = 64)]
    pub size: usize,
    /// λ, the gradient penalty's weight.
    #[arg(long, default_value_t = 10.0)]
    pub penalty_weight: f64,
    /// Critic steps per generator step.
    #[arg(long, default_value_t = 5)]
    pub critic_steps: usize,
    /// The critic's normalisation.
    #[arg(long, value_enum, default_value_t = NormArg::Layer)]
    pub norm: NormArg,
    /// Use the approximate finite-difference penalty gradient with this relative step instead
    /// of the exact one (for comparison).
    #[arg(long, value_name = "STEP")]
    pub finite_difference: Option<f64>,
}

/// Adam as in the paper's code: learning rate 1e-4, betas (0.5, 0.9).
pub fn default_adam() -> AdamSettings {
    AdamSettings::new()
        .with_learning_rate(1e-4)
        .with_beta_1(0.5)
        .with_beta_2(0.9)
}

/// Trains a WGAN-GP as `args` say, and returns where it left its samples and checkpoint.
pub fn run(args: &WganArgs) -> Result<TrainingSummary, Error> {
    let (size, train) = (args.size, &args.train);
    let penalty_gradient = match args.finite_difference {
        Some(relative_step) => PenaltyGradient::FiniteDifference { relative_step },
        None => PenaltyGradient::Exact,
    };
    let objective = WassersteinGp::new(args.penalty_weight, args.critic_steps, penalty_gradient)?;
    let prepared = prepare(train, "wgan_gp", size, &default_adam())?;
    let generator_config = DcganGeneratorConfig::new()
        .with_image_size(size)
        .with_feature_maps(train.feature_maps);
    let critic_config = DcganCriticConfig::new()
        .with_image_size(size)
        .with_feature_maps(train.feature_maps)
        .with_norm(match args.norm {
            NormArg::Layer => CriticNorm::Layer,
            NormArg::None => CriticNorm::None,
        });
    train_prepared(
        &prepared,
        "wgan-gp",
        size,
        &generator_config,
        &critic_config,
        &objective,
    )
}

/// The command line of `examples/wgan_gp64.rs`.
#[derive(clap::Parser, Debug)]
#[command(about = "Train WGAN-GP with an exact gradient penalty (Gulrajani et al. 2017).")]
struct Cli {
    #[command(flatten)]
    wgan: WganArgs,
}

/// The whole program of `examples/wgan_gp64.rs`: parses the command line, trains, prints where
/// the results are, and exits with status 1 and a clear message on error.
pub fn cli_main() {
    let cli = <Cli as clap::Parser>::parse();
    finish(run(&cli.wgan));
}
