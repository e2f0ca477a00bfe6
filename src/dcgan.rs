//! DCGAN training from command-line arguments: what `examples/dcgan64.rs` and
//! `examples/dcgan128.rs` run.

use crate::Error;
use gan_core::dcgan::{DcganDiscriminatorConfig, DcganGeneratorConfig};
use gan_core::loss::LabelConfig;
use gan_data::DataSource;
use gan_train::{
    AdamSettings, ModelSpec, NonSaturating, RunOptions, TrainingConfig, TrainingSummary,
};
use std::path::PathBuf;

/// Generator steps when neither `--steps` nor `--epochs` is given: at 64x64 on two CPU cores
/// this finishes in well under ten minutes.
pub const DEFAULT_STEPS: usize = 200;

/// The options of a DCGAN training run.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct TrainArgs {
    /// Folder of training images; the first sub-folder level names the style.
    /// Default: the embedded procedural paintings (no download).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Device: cpu, flex, ndarray, wgpu, cuda or cuda:N (backends must be compiled in).
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Generator steps to train for [default: 200 unless --epochs is given].
    #[arg(long, conflicts_with = "epochs")]
    pub steps: Option<usize>,
    /// Passes over the data set.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Images per batch.
    #[arg(long, default_value_t = 64)]
    pub batch_size: usize,
    /// Run folder: samples/, metrics.csv, checkpoints/ [default: runs/dcgan<SIZE>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Continue from a run folder or checkpoint folder.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// Seed for weights, data order, flips and noise.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Generator learning rate.
    #[arg(long, default_value_t = 2e-4)]
    pub lr_g: f64,
    /// Discriminator learning rate.
    #[arg(long, default_value_t = 2e-4)]
    pub lr_d: f64,
    /// Feature maps of the generator and discriminator (ngf = ndf).
    #[arg(long, default_value_t = 64)]
    pub feature_maps: usize,
    /// One-sided label smoothing: real targets become 1 - s.
    #[arg(long, default_value_t = 0.0)]
    pub label_smoothing: f64,
    /// Probability of flipping each discriminator label (label noise).
    #[arg(long, default_value_t = 0.0)]
    pub label_flip: f64,
    /// Write a sample grid every N steps.
    #[arg(long, default_value_t = 50)]
    pub sample_every: usize,
    /// Write a checkpoint every N steps.
    #[arg(long, default_value_t = 100)]
    pub checkpoint_every: usize,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

impl TrainArgs {
    /// The training configuration these arguments describe.
    pub fn training_config(&self) -> TrainingConfig {
        let steps = match (self.steps, self.epochs) {
            (Some(steps), _) => Some(steps),
            (None, Some(_)) => None,
            (None, None) => Some(DEFAULT_STEPS),
        };
        TrainingConfig::new()
            .with_generator_optimizer(AdamSettings::new().with_learning_rate(self.lr_g))
            .with_discriminator_optimizer(AdamSettings::new().with_learning_rate(self.lr_d))
            .with_batch_size(self.batch_size)
            .with_steps(steps)
            .with_epochs(self.epochs.unwrap_or(1))
            .with_seed(self.seed)
            .with_sample_every(self.sample_every)
            .with_checkpoint_every(self.checkpoint_every)
            .with_quiet(self.quiet)
    }
}

/// Trains a DCGAN at `image_size` x `image_size` as `args` say, and returns where it left its
/// samples and checkpoint.
pub fn run(args: &TrainArgs, image_size: usize) -> Result<TrainingSummary, Error> {
    let device = gan_core::device::parse_device(&args.device)?;
    let generator_config = DcganGeneratorConfig::new()
        .with_image_size(image_size)
        .with_feature_maps(args.feature_maps);
    let discriminator_config = DcganDiscriminatorConfig::new()
        .with_image_size(image_size)
        .with_feature_maps(args.feature_maps);
    let objective = NonSaturating::new(
        LabelConfig::new()
            .with_smoothing(args.label_smoothing)
            .with_flip_probability(args.label_flip),
    )?;
    let data =
        DataSource::from_arg(args.data.as_ref().and_then(|p| p.to_str())).open(image_size)?;
    let config = args.training_config();

    device.seed(config.seed);
    let generator = generator_config.init(&device)?;
    let discriminator = discriminator_config.init(&device)?;
    let model = ModelSpec {
        architecture: "dcgan".into(),
        image_size,
        generator: to_json(&generator_config),
        discriminator: to_json(&discriminator_config),
    };
    let options = RunOptions {
        out_dir: args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("runs/dcgan{image_size}"))),
        resume: args.resume.clone(),
    };
    if !args.quiet {
        eprintln!(
            "DCGAN {image_size}x{image_size} on {} ({}), batch {}, writing to {}",
            args.device,
            data.description,
            config.batch_size,
            options.out_dir.display()
        );
    }
    let (_, summary) = gan_train::train(
        generator,
        discriminator,
        &objective,
        model,
        &data,
        &config,
        &options,
        &device,
    )?;
    Ok(summary)
}

fn to_json<C: serde::Serialize>(config: &C) -> serde_json::Value {
    serde_json::to_value(config).unwrap_or(serde_json::Value::Null)
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
    match run(&cli.train, image_size) {
        Ok(summary) => print_summary(&summary),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    }
}

/// Prints where a finished run left its files.
pub fn print_summary(summary: &TrainingSummary) {
    let last = summary.history.last();
    println!("trained {} steps", summary.steps);
    if let Some(m) = last {
        println!(
            "last step: loss_D {:.4}, loss_G {:.4}, D(x) {:.3}, D(G(z)) {:.3}, {:.1} images/s",
            m.discriminator_loss,
            m.generator_loss,
            m.real_score,
            m.fake_score_after,
            m.images_per_second
        );
    }
    println!("sample grids: {}", summary.samples_dir.display());
    println!("metrics:      {}", summary.metrics_csv.display());
    println!("checkpoint:   {}", summary.checkpoint.display());
}
