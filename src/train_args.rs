//! The command-line options every training example shares, and the steps every training run
//! takes before and after its model-specific part.

use crate::Error;
use burn::prelude::Device;
use gan_core::ModelConfig;
use gan_core::loss::LabelConfig;
use gan_data::{ArtDatasetConfig, CropMode, DataSource, OpenedDataset, SplitConfig, SplitPart};
use gan_train::{
    AdamSettings, FidEvaluationConfig, ModelSpec, Objective, RunOptions, TrainingConfig,
    TrainingSummary,
};
use std::path::PathBuf;

/// Generator steps when neither `--steps` nor `--epochs` is given: at 64x64 on two CPU cores
/// this finishes in well under ten minutes.
pub const DEFAULT_STEPS: usize = 200;

/// The options of a training run (DCGAN, CAN).
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct TrainArgs {
    /// Training images: a folder or a .zip archive (read in place). The first folder level
    /// names the style, unless --labels-csv says otherwise.
    /// Default: the embedded procedural paintings (no download).
    #[arg(long, value_name = "DIR|ZIP")]
    pub data: Option<PathBuf>,
    /// How to read --data: labels, splits, filters, cache.
    #[command(flatten)]
    pub data_options: DataArgs,
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
    /// Run folder: samples/, metrics.csv, checkpoints/ [default: the --resume run's folder, or
    /// runs/<MODEL><SIZE>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Continue from a run folder or checkpoint folder.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// Seed for weights, data order, flips and noise.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Generator learning rate [default: 2e-4; WGAN-GP 1e-4].
    #[arg(long)]
    pub lr_g: Option<f64>,
    /// Discriminator (critic) learning rate [default: 2e-4; WGAN-GP 1e-4].
    #[arg(long)]
    pub lr_d: Option<f64>,
    /// Adam's first-moment decay for both networks [default: 0.5].
    #[arg(long)]
    pub beta1: Option<f32>,
    /// Adam's second-moment decay for both networks [default: 0.999; WGAN-GP 0.9].
    #[arg(long)]
    pub beta2: Option<f32>,
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
    /// When and how to measure FID during training.
    #[command(flatten)]
    pub fid: TrainFidArgs,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// The options of FID during training.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct TrainFidArgs {
    /// Measure FID every N steps (and after the last) against the training images, whose
    /// Inception statistics are computed once and cached in the run folder [default: off].
    #[arg(long, value_name = "N", help_heading = "FID")]
    pub fid_every: Option<usize>,
    /// Generated images per FID measurement (FID values compare only at the same count).
    #[arg(long, default_value_t = 2048, value_name = "N", help_heading = "FID")]
    pub fid_samples: usize,
    /// Training images behind the reference statistics, drawn at random [default: all].
    #[arg(long, value_name = "N", help_heading = "FID")]
    pub fid_reference_images: Option<usize>,
    /// Use this statistics file as the reference instead (from `gan fid DIR --save-stats FILE`).
    #[arg(long, value_name = "FILE", help_heading = "FID")]
    pub fid_stats: Option<PathBuf>,
    /// The Inception weights, default_1.pt [default: $GAN_INCEPTION_WEIGHTS or
    /// .cache/inception/default_1.pt, where scripts/fid/fetch_inception_weights.sh puts it].
    #[arg(long, value_name = "FILE", help_heading = "FID")]
    pub fid_weights: Option<PathBuf>,
    /// Images per Inception forward pass.
    #[arg(long, default_value_t = 16, value_name = "N", help_heading = "FID")]
    pub fid_batch_size: usize,
}

impl TrainFidArgs {
    /// The FID settings, when `--fid-every` asks for FID.
    pub fn config(&self) -> Option<FidEvaluationConfig> {
        self.fid_every.map(|every| {
            FidEvaluationConfig::new(every)
                .with_samples(self.fid_samples)
                .with_reference_images(self.fid_reference_images)
                .with_reference_statistics(self.fid_stats.clone())
                .with_weights(self.fid_weights.clone())
                .with_batch_size(self.fid_batch_size)
        })
    }
}

/// The options that say how to read a `--data` folder or archive (each needs `--data`: the
/// embedded paintings have no CSV, styles to pick or files to cache).
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct DataArgs {
    /// CSV of labels: a path column (relative to --data) and label columns, e.g. WikiArt's
    /// style_train.csv. Images it does not list are left out.
    #[arg(long, value_name = "CSV", help_heading = "Data", requires = "data")]
    pub labels_csv: Option<PathBuf>,
    /// The CSV column holding the image paths.
    #[arg(long, default_value = "path", help_heading = "Data", requires = "data")]
    pub path_column: String,
    /// The CSV column to take style labels from [default: labels from the first folder level].
    #[arg(long, value_name = "COLUMN", help_heading = "Data", requires = "data")]
    pub label_column: Option<String>,
    /// Keep the images whose CSV column has this value, as COLUMN=VALUE[,VALUE…]
    /// (e.g. split=train).
    #[arg(
        long,
        value_name = "COLUMN=VALUES",
        help_heading = "Data",
        requires = "data",
        conflicts_with = "val_fraction"
    )]
    pub split: Option<String>,
    /// Hold out this fraction of the images as a validation part (seeded by --seed) and
    /// train on the rest.
    #[arg(
        long,
        value_name = "FRACTION",
        help_heading = "Data",
        requires = "data"
    )]
    pub val_fraction: Option<f64>,
    /// Keep only these styles (comma-separated names).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAMES",
        help_heading = "Data",
        requires = "data"
    )]
    pub classes: Vec<String>,
    /// Keep at most this many images per style.
    #[arg(long, value_name = "N", help_heading = "Data", requires = "data")]
    pub max_per_class: Option<usize>,
    /// Skip images with more pixels than this (decompression bombs).
    #[arg(long, default_value_t = gan_data::DEFAULT_MAX_PIXELS, help_heading = "Data", requires = "data")]
    pub max_pixels: u64,
    /// Crop non-square images at a random position each epoch instead of the centre.
    #[arg(long, help_heading = "Data", requires = "data")]
    pub random_crop: bool,
    /// Decode every image once and keep it in memory (small data sets: 5,000 images at
    /// 64x64 take 61 MB).
    #[arg(long, help_heading = "Data", requires = "data")]
    pub cache: bool,
}

impl Default for TrainArgs {
    /// The command line's defaults, taken from the `#[arg]` attributes themselves.
    fn default() -> Self {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            train: TrainArgs,
        }
        <Defaults as clap::Parser>::parse_from(["defaults"]).train
    }
}

impl Default for DataArgs {
    /// The command line's defaults (folder labels, everything kept, centre crops, no cache).
    fn default() -> Self {
        TrainArgs::default().data_options
    }
}

impl Default for TrainFidArgs {
    /// The command line's defaults: no FID.
    fn default() -> Self {
        TrainArgs::default().fid
    }
}

impl DataArgs {
    /// The data source for `data` (`None`: the embedded paintings) with these options.
    pub fn source(&self, data: Option<&std::path::Path>, seed: u64) -> Result<DataSource, Error> {
        let Some(path) = data else {
            return Ok(DataSource::from_arg(None));
        };
        if path.as_os_str() == "embedded" {
            if self != &DataArgs::default() {
                return Err(Error::Usage(
                    "the data options (--labels-csv, --classes, --split, --cache, …) read a \
                     folder or archive, not the embedded paintings"
                        .into(),
                ));
            }
            return Ok(DataSource::from_arg(None));
        }
        let split = match (&self.split, self.val_fraction) {
            (Some(spec), _) => {
                let (column, values) = spec.split_once('=').ok_or_else(|| {
                    Error::Usage(format!(
                        "--split must be COLUMN=VALUE[,VALUE…], got {spec:?}"
                    ))
                })?;
                SplitConfig::Column {
                    column: column.to_string(),
                    values: values.split(',').map(str::to_string).collect(),
                }
            }
            (None, Some(fraction)) => SplitConfig::Fraction {
                val_fraction: fraction,
                seed,
                part: SplitPart::Train,
            },
            (None, None) => SplitConfig::All,
        };
        Ok(DataSource::Files(
            ArtDatasetConfig::new(path.to_path_buf())
                .with_csv(self.labels_csv.clone())
                .with_csv_path_column(self.path_column.clone())
                .with_label_column(self.label_column.clone())
                .with_split(split)
                .with_classes(self.classes.clone())
                .with_max_per_class(self.max_per_class)
                .with_max_pixels(self.max_pixels)
                .with_crop(if self.random_crop {
                    CropMode::Random
                } else {
                    CropMode::Center
                })
                .with_cache(self.cache)
                .with_seed(seed),
        ))
    }
}

impl TrainArgs {
    /// The training configuration these arguments describe, with `defaults` for the Adam
    /// settings the command line leaves out.
    pub fn training_config(&self, defaults: &AdamSettings) -> TrainingConfig {
        let steps = match (self.steps, self.epochs) {
            (Some(steps), _) => Some(steps),
            (None, Some(_)) => None,
            (None, None) => Some(DEFAULT_STEPS),
        };
        TrainingConfig::new()
            .with_generator_optimizer(self.adam(defaults, self.lr_g))
            .with_discriminator_optimizer(self.adam(defaults, self.lr_d))
            .with_batch_size(self.batch_size)
            .with_steps(steps)
            .with_epochs(self.epochs.unwrap_or(1))
            .with_seed(self.seed)
            .with_sample_every(self.sample_every)
            .with_checkpoint_every(self.checkpoint_every)
            .with_quiet(self.quiet)
            .with_fid(self.fid.config())
    }

    fn adam(&self, defaults: &AdamSettings, learning_rate: Option<f64>) -> AdamSettings {
        AdamSettings::new()
            .with_learning_rate(learning_rate.unwrap_or(defaults.learning_rate))
            .with_beta_1(self.beta1.unwrap_or(defaults.beta_1))
            .with_beta_2(self.beta2.unwrap_or(defaults.beta_2))
    }

    /// The discriminator's target settings these arguments describe.
    pub fn labels(&self) -> LabelConfig {
        LabelConfig::new()
            .with_smoothing(self.label_smoothing)
            .with_flip_probability(self.label_flip)
    }
}

/// What every run needs besides its models and objective.
pub struct Prepared {
    /// The device to train on.
    pub device: Device,
    /// The opened data set.
    pub data: OpenedDataset,
    /// The training configuration.
    pub config: TrainingConfig,
    /// Where to write and what to resume.
    pub options: RunOptions,
}

/// Parses the device and opens the data at `image_size`. `model_name` names the default run folder (`runs/<model_name><size>`);
/// `adam` holds the model's default optimizer settings.
pub fn prepare(
    args: &TrainArgs,
    model_name: &str,
    image_size: usize,
    adam: &AdamSettings,
) -> Result<Prepared, Error> {
    let device = gan_core::device::parse_device(&args.device)?;
    let data = args
        .data_options
        .source(args.data.as_deref(), args.seed)?
        .open(image_size)?;
    if let Some(report) = &data.report {
        for bad in &report.bad_files {
            eprintln!(
                "warning: skipping {} ({}: {})",
                bad.path,
                bad.reason.describe(),
                bad.message
            );
        }
        if !args.quiet {
            println!("{report}");
        }
    }
    let config = args.training_config(adam);
    let options = RunOptions {
        out_dir: args
            .out
            .clone()
            .or_else(|| args.resume.as_deref().map(run_folder_of))
            .unwrap_or_else(|| PathBuf::from(format!("runs/{model_name}{image_size}"))),
        resume: args.resume.clone(),
    };
    Ok(Prepared {
        device,
        data,
        config,
        options,
    })
}

/// Builds the two networks from their configurations and the run's seed (see
/// [`gan_core::device::seeded`]), records them as `architecture` at `image_size` in the
/// checkpoints, and trains them with `objective`, after saying what it does (unless quiet).
pub fn train_prepared<GC, DC, O>(
    prepared: &Prepared,
    architecture: &str,
    image_size: usize,
    generator_config: &GC,
    discriminator_config: &DC,
    objective: &O,
) -> Result<TrainingSummary, Error>
where
    GC: ModelConfig,
    GC::Model: gan_core::Generator,
    DC: ModelConfig,
    O: Objective<DC::Model>,
{
    let model = ModelSpec::from_configs(
        architecture,
        image_size,
        generator_config,
        discriminator_config,
    );
    let (generator, discriminator) =
        gan_core::device::seeded(&prepared.device, prepared.config.seed, || {
            Ok::<_, Error>((
                generator_config.init_model(&prepared.device)?,
                discriminator_config.init_model(&prepared.device)?,
            ))
        })?;
    let Prepared {
        device,
        data,
        config,
        options,
    } = prepared;
    if !config.quiet {
        eprintln!(
            "{} {}x{} ({}), batch {}, writing to {}",
            objective.name(),
            model.image_size,
            model.image_size,
            data.description,
            config.batch_size,
            options.out_dir.display()
        );
    }
    let (_, summary) = gan_train::train(
        generator,
        discriminator,
        objective,
        model,
        data,
        config,
        options,
        device,
    )?;
    Ok(summary)
}

/// The run folder a `--resume` path belongs to: the path itself for a run folder, and the run
/// folder around a `checkpoints/step-*` folder. A resumed run writes there unless `--out` says
/// otherwise.
pub fn run_folder_of(resume: &std::path::Path) -> PathBuf {
    let parent = resume.parent();
    match parent {
        Some(p) if p.file_name().is_some_and(|n| n == "checkpoints") => {
            p.parent().map(PathBuf::from).unwrap_or_default()
        }
        _ if resume.file_name().is_some_and(|n| n == "checkpoints") => {
            parent.map(PathBuf::from).unwrap_or_default()
        }
        _ => resume.to_path_buf(),
    }
}

/// Prints a finished run's summary, or the error and exits with status 1.
pub fn finish(result: Result<TrainingSummary, Error>) {
    crate::cli::exit_on_error(result.map(|summary| print_summary(&summary)));
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
        for (name, value) in summary.extra_names.iter().zip(&m.extra) {
            println!("           {name} {value:.4}");
        }
    }
    println!("sample grids: {}", summary.samples_dir.display());
    println!("metrics:      {}", summary.metrics_csv.display());
    println!("curve:        {}", summary.learning_curve.display());
    if let Some(gif) = &summary.progress_gif {
        println!("progress GIF: {}", gif.display());
    }
    if let (Some(csv), Some(last)) = (&summary.fid_csv, summary.fid.last()) {
        println!(
            "FID:          {:.2} at step {} ({})",
            last.fid,
            last.step,
            csv.display()
        );
    }
    println!("checkpoint:   {}", summary.checkpoint.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_command_line_and_its_checks_hold() {
        let defaults = TrainArgs::default();
        assert_eq!(defaults.data, None);
        assert_eq!(defaults.data_options.path_column, "path");
        assert_eq!(
            defaults.data_options.max_pixels,
            gan_data::DEFAULT_MAX_PIXELS
        );
        assert_eq!(defaults.fid.fid_every, None);
        assert_eq!(defaults.fid.fid_samples, 2048);
        // The `requires = "data"` of the data options names an argument that exists.
        use clap::CommandFactory;
        #[derive(clap::Parser)]
        struct Train {
            #[command(flatten)]
            train: TrainArgs,
        }
        Train::command().debug_assert();
    }
}
