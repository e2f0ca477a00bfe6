//! `gan train dcgan|wgan-gp|can`: the options of a training run, turned into the library's
//! [`Experiment`] presets.

use super::error::Error;
use gan::core::augment::DiffAugment;
use gan::core::loss::{LabelConfig, StyleAmbiguity};
use gan::core::registry::DiscriminatorConfig;
use gan::core::wgan::CriticNorm;
use gan::data::{ArtDatasetConfig, CropMode, DataSource, SplitConfig, SplitPart};
use gan::train::experiment::presets::DEFAULT_STEPS;
use gan::train::{
    AdamSettings, Checkpoint, CreativeAdversarial, EmaConfig, Experiment, FidEvaluationConfig,
    Hinge, NonSaturating, ObjectiveConfig, PenaltyGradient, ResumeRequest, StopSignal,
    TrainingSummary, WassersteinGp,
};
use std::path::PathBuf;

/// The options every training run shares.
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
    /// Generator steps to train for [default: the preset's: 5,000 for dcgan's small-data
    /// recipe, 200 otherwise; unless --epochs is given].
    #[arg(long, conflicts_with = "epochs")]
    pub steps: Option<usize>,
    /// Passes over the data set.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Images per batch [default: 64].
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Run folder: samples/, metrics.csv, checkpoints/ [default: the --resume run's folder, or
    /// runs/<MODEL><SIZE>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Continue from a run folder or checkpoint folder, with the settings it records (only
    /// --steps, --epochs, --lr-g, --lr-d, --sample-every, --checkpoint-every, --keep-*,
    /// --fid-*, --device, --quiet and --out may be given; they are recorded).
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// Replace the run already in --out (its checkpoints, samples and metrics are deleted)
    /// instead of refusing to train there.
    #[arg(long, conflicts_with = "resume")]
    pub overwrite: bool,
    /// Seed for weights, data order, flips and noise [default: 42].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Generator learning rate [default: 2e-4; WGAN-GP and dcgan's small-data 1e-4].
    #[arg(long)]
    pub lr_g: Option<f64>,
    /// Discriminator (critic) learning rate [default: 2e-4; WGAN-GP 1e-4; dcgan's small-data
    /// 4e-4].
    #[arg(long)]
    pub lr_d: Option<f64>,
    /// Adam's first-moment decay for both networks [default: 0.5; dcgan's small-data 0].
    #[arg(long)]
    pub beta1: Option<f32>,
    /// Adam's second-moment decay for both networks [default: 0.999; WGAN-GP 0.9].
    #[arg(long)]
    pub beta2: Option<f32>,
    /// Feature maps of the generator and discriminator (ngf = ndf) [default: 64].
    #[arg(long)]
    pub feature_maps: Option<usize>,
    /// One-sided label smoothing: real targets become 1 - s [default: 0].
    #[arg(long)]
    pub label_smoothing: Option<f64>,
    /// Probability of flipping each discriminator label (label noise) [default: 0].
    #[arg(long)]
    pub label_flip: Option<f64>,
    /// Write a sample grid every N steps [default: 50].
    #[arg(long)]
    pub sample_every: Option<usize>,
    /// Write a checkpoint every N steps [default: 100].
    #[arg(long)]
    pub checkpoint_every: Option<usize>,
    /// Keep this many newest checkpoints [default: 2].
    #[arg(long, value_name = "N")]
    pub keep_checkpoints: Option<usize>,
    /// Also keep every checkpoint whose step is a multiple of N, for good.
    #[arg(long, value_name = "N")]
    pub keep_every: Option<usize>,
    /// DiffAugment on every image the discriminator sees: a comma-separated policy of color,
    /// translation and cutout, or none [default: the recipe's: dcgan's small-data
    /// color,translation,cutout; otherwise none].
    #[arg(long, value_name = "POLICY")]
    pub augment: Option<String>,
    /// Decay of a moving average of the generator's weights, which then makes the sample
    /// grids, FID and generated images (e.g. 0.999); 0 turns it off [default: the recipe's:
    /// dcgan's small-data 0.999; otherwise 0].
    #[arg(long, value_name = "DECAY")]
    pub ema: Option<f64>,
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
    #[arg(long, default_value_t = gan::data::DEFAULT_MAX_PIXELS, help_heading = "Data", requires = "data")]
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
    /// `preset` (its networks, objective and Adam settings) with these options applied; with
    /// `--resume`, the run that checkpoint records instead (see [`TrainArgs::resumed`]).
    /// `given` says which of the model's own options the command line gave.
    pub fn experiment(&self, preset: Experiment, given: Given) -> Result<Experiment, Error> {
        if let Some(resume) = &self.resume {
            return self.resumed(resume, preset, given);
        }
        let defaults = preset.training.clone();
        let steps = match (self.steps, self.epochs) {
            (Some(steps), _) => Some(steps),
            (None, Some(_)) => None,
            (None, None) => defaults.steps.or(Some(DEFAULT_STEPS)),
        };
        let training = defaults
            .clone()
            .with_generator_optimizer(self.adam(&defaults.generator_optimizer, self.lr_g))
            .with_discriminator_optimizer(self.adam(&defaults.discriminator_optimizer, self.lr_d))
            .with_batch_size(self.batch_size.unwrap_or(defaults.batch_size))
            .with_steps(steps)
            .with_epochs(self.epochs.unwrap_or(1))
            .with_seed(self.seed.unwrap_or(42))
            .with_sample_every(self.sample_every.unwrap_or(defaults.sample_every))
            .with_checkpoint_every(self.checkpoint_every.unwrap_or(defaults.checkpoint_every))
            .with_quiet(self.quiet)
            .with_fid(self.fid.config())
            .with_keep_checkpoints(self.keep_checkpoints.unwrap_or(defaults.keep_checkpoints))
            .with_keep_every(self.keep_every)
            .with_augment(match &self.augment {
                Some(policy) => augment_setting(policy)?,
                None => defaults.augment.clone(),
            })
            .with_ema(match self.ema {
                Some(decay) => ema_setting(decay),
                None => defaults.ema.clone(),
            });
        let run_dir = self.out.clone().unwrap_or_else(|| preset.run_dir.clone());
        let preset = match self.feature_maps {
            Some(feature_maps) => preset.with_feature_maps(feature_maps),
            None => preset,
        };
        Ok(preset
            .with_data(
                self.data_options
                    .source(self.data.as_deref(), training.seed)?,
            )
            .with_training(training)
            .with_run_dir(run_dir)
            .with_overwrite(self.overwrite))
    }

    /// The run recorded in the checkpoint at `resume`, continued. `preset` is what the command
    /// line asked for (architecture, size, objective); an option that would change a recorded
    /// setting is refused, the allowed ones are applied (and recorded by the checkpoints that
    /// follow). Checkpoints that record no data source or objective settings (written before
    /// they did) resume with the command line's settings, as the first run was started.
    fn resumed(
        &self,
        resume: &std::path::Path,
        preset: Experiment,
        given: Given,
    ) -> Result<Experiment, Error> {
        let checkpoint = Checkpoint::open(resume)?;
        let recorded = &checkpoint.metadata;
        let architecture = recorded.model.architecture;
        if architecture != preset.architecture {
            return Err(Error::Usage(format!(
                "{} holds a {architecture} run: resume it with `gan train {architecture}`",
                resume.display()
            )));
        }
        if Experiment::from_checkpoint(&checkpoint).is_err() {
            let legacy = Self {
                resume: None,
                ..self.clone()
            };
            let experiment = legacy.experiment(preset, given)?;
            let run_dir = self
                .out
                .clone()
                .unwrap_or_else(|| checkpoint.run_folder().root().to_path_buf());
            return Ok(experiment
                .with_run_dir(run_dir)
                .with_resume(Some(resume.to_path_buf())));
        };
        let labels_given = self.label_smoothing.is_some() || self.label_flip.is_some();
        let data = match &self.data {
            Some(_) => Some(
                self.data_options
                    .source(self.data.as_deref(), recorded.training.seed)?,
            ),
            None => None,
        };
        let request = ResumeRequest {
            image_size: given.size,
            batch_size: self.batch_size,
            seed: self.seed,
            feature_maps: self.feature_maps,
            beta_1: self.beta1,
            beta_2: self.beta2,
            data,
            objective: (given.objective || labels_given).then_some(preset.objective),
            steps: self.steps,
            epochs: self.epochs,
            generator_learning_rate: self.lr_g,
            discriminator_learning_rate: self.lr_d,
            sample_every: self.sample_every,
            checkpoint_every: self.checkpoint_every,
            fid: self.fid.config(),
            quiet: Some(self.quiet),
            run_dir: self.out.clone(),
            augment: match &self.augment {
                Some(policy) => Some(DiffAugment::setting_policy(
                    augment_setting(policy)?.as_ref(),
                )),
                None => None,
            },
            ema_decay: self.ema,
            spectral_norm: given.spectral_norm,
            keep_checkpoints: self.keep_checkpoints,
            keep_every: self.keep_every,
        };
        Ok(Experiment::resume(&checkpoint, &request)?)
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
            .with_smoothing(self.label_smoothing.unwrap_or(0.0))
            .with_flip_probability(self.label_flip.unwrap_or(0.0))
    }

    /// Parses the device and trains `experiment`. The first Ctrl-C (or SIGTERM) stops it after
    /// the current step with a checkpoint; a second one stops at once.
    fn train(&self, experiment: Experiment) -> Result<TrainingSummary, Error> {
        let device = gan::core::device::parse_device(&self.device)?;
        let stop = StopSignal::new();
        let signal = stop.clone();
        let handler = ctrlc::set_handler(move || {
            if signal.is_stopped() {
                eprintln!("\nstopped");
                std::process::exit(130);
            }
            signal.stop();
            eprintln!("\nstopping after this step, with a checkpoint (Ctrl-C again: stop at once)");
        });
        if let Err(err) = handler {
            eprintln!("warning: Ctrl-C will stop without a checkpoint ({err})");
        }
        Ok(experiment.with_stop(stop).train(&device)?)
    }
}

/// `--augment POLICY` as a setting: `None` for `none`.
fn augment_setting(policy: &str) -> Result<Option<DiffAugment>, Error> {
    DiffAugment::setting(policy).map_err(|e| Error::Usage(format!("--augment: {e}")))
}

/// `--ema DECAY` as a setting: `None` for 0.
fn ema_setting(decay: f64) -> Option<EmaConfig> {
    (decay != 0.0).then(|| EmaConfig::new().with_decay(decay))
}

/// Which of a model's own options the command line gave (a resume refuses those that differ
/// from the recorded run).
#[derive(Debug, Clone, Copy, Default)]
pub struct Given {
    /// `--size`.
    pub size: Option<usize>,
    /// Any option of the objective.
    pub objective: bool,
    /// `--spectral-norm`.
    pub spectral_norm: Option<bool>,
}

/// The options of `gan train dcgan`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct DcganArgs {
    /// The shared training options.
    #[command(flatten)]
    pub train: TrainArgs,
    /// Image size: a power of two from 32 to 256 [default: 64].
    #[arg(long)]
    pub size: Option<usize>,
    /// small-data: spectral norm, hinge loss, DiffAugment, a moving average of the generator
    /// and TTUR (see the README); paper: DCGAN as Radford et al. 2016 train it
    /// [default: small-data].
    #[arg(long, value_enum)]
    pub recipe: Option<RecipeArg>,
    /// The loss: bce (the paper's binary cross-entropy) or hinge (SNGAN's, BigGAN's)
    /// [default: the recipe's: small-data hinge, paper bce].
    #[arg(long, value_enum)]
    pub loss: Option<LossArg>,
    /// Spectral normalisation in the discriminator instead of BatchNorm (SNGAN's; on in the
    /// small-data recipe).
    #[arg(long)]
    pub spectral_norm: bool,
    /// The R1 penalty γ/2·mean|∇ₓD(x)|² on real images (Mescheder et al. 2018), exact, with
    /// either loss; needs spectral normalisation (the small-data recipe has it) [default: 0,
    /// off].
    #[arg(long, value_name = "GAMMA")]
    pub r1: Option<f64>,
}

/// DCGAN's training recipe, as a command-line value.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipeArg {
    /// For small art sets and short runs.
    SmallData,
    /// The 2016 paper's.
    Paper,
}

/// DCGAN's loss, as a command-line value.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossArg {
    /// Binary cross-entropy with the non-saturating generator loss (label options apply).
    Bce,
    /// The hinge loss.
    Hinge,
}

impl DcganArgs {
    /// Trains the DCGAN preset of `--recipe` as the options say.
    pub fn run(&self) -> Result<TrainingSummary, Error> {
        let size = self.size.unwrap_or(64);
        let mut preset = match self.recipe.unwrap_or(RecipeArg::SmallData) {
            RecipeArg::SmallData => Experiment::dcgan_small_data(size),
            RecipeArg::Paper => Experiment::dcgan(size),
        };
        let labels_given = self.train.label_smoothing.is_some() || self.train.label_flip.is_some();
        let hinge = match self.loss {
            Some(loss) => loss == LossArg::Hinge,
            None => matches!(preset.objective, ObjectiveConfig::Hinge(_)),
        };
        // On a resume, label options ask for binary cross-entropy, which the recorded
        // objective then refuses or accepts.
        if hinge && labels_given && self.train.resume.is_none() {
            return Err(Error::Usage(
                "--label-smoothing and --label-flip apply to --loss bce (the small-data recipe \
                 trains with the hinge loss)"
                    .into(),
            ));
        }
        let r1 = self.r1.unwrap_or(0.0);
        preset = match hinge && !labels_given {
            true => preset.with_objective(Hinge::with_r1(r1)),
            false => preset.with_objective(NonSaturating::new(self.train.labels())?.with_r1(r1)),
        };
        if let DiscriminatorConfig::Dcgan(d) = &mut preset.discriminator {
            d.spectral_norm |= self.spectral_norm;
        }
        let given = Given {
            size: self.size,
            objective: self.loss.is_some()
                || self.recipe.is_some()
                || labels_given
                || self.r1.is_some(),
            spectral_norm: self.spectral_norm.then_some(true),
        };
        self.train.train(self.train.experiment(preset, given)?)
    }
}

/// The critic's normalisation, as a command-line value.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormArg {
    /// Per-sample LayerNorm (the paper's recommendation).
    Layer,
    /// No normalisation.
    None,
}

/// The options of `gan train wgan-gp`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct WganArgs {
    /// The shared training options.
    #[command(flatten)]
    pub train: TrainArgs,
    /// Image size: a power of two from 32 to 256 (128 as art-GAN projects train) [default: 64].
    #[arg(long)]
    pub size: Option<usize>,
    /// λ, the gradient penalty's weight [default: 10].
    #[arg(long)]
    pub penalty_weight: Option<f64>,
    /// Critic steps per generator step [default: 5].
    #[arg(long)]
    pub critic_steps: Option<usize>,
    /// The critic's normalisation [default: layer].
    #[arg(long, value_enum)]
    pub norm: Option<NormArg>,
    /// Use the approximate finite-difference penalty gradient with this relative step instead
    /// of the exact one (for comparison).
    #[arg(long, value_name = "STEP")]
    pub finite_difference: Option<f64>,
}

impl WganArgs {
    /// Trains the WGAN-GP preset as the options say.
    pub fn run(&self) -> Result<TrainingSummary, Error> {
        let penalty_gradient = match self.finite_difference {
            Some(relative_step) => PenaltyGradient::FiniteDifference { relative_step },
            None => PenaltyGradient::Exact,
        };
        let weight = self.penalty_weight.unwrap_or(10.0);
        let objective =
            WassersteinGp::new(weight, self.critic_steps.unwrap_or(5), penalty_gradient)?;
        let mut preset = Experiment::wgan_gp(self.size.unwrap_or(64)).with_objective(objective);
        if let DiscriminatorConfig::Critic(critic) = &mut preset.discriminator
            && self.norm == Some(NormArg::None)
        {
            critic.norm = CriticNorm::None;
        }
        if self.train.resume.is_some() && self.norm.is_some() {
            return Err(Error::Usage(
                "--norm cannot change on a resume: the critic is recorded".into(),
            ));
        }
        let given = Given {
            size: self.size,
            objective: self.penalty_weight.is_some()
                || self.critic_steps.is_some()
                || self.finite_difference.is_some(),
            spectral_norm: None,
        };
        self.train.train(self.train.experiment(preset, given)?)
    }
}

/// The style-ambiguity loss, as a command-line value.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmbiguityArg {
    /// The paper's equation 3: each style a yes/no question answered "1/K".
    Binary,
    /// Softmax cross-entropy against the uniform distribution.
    Uniform,
}

/// The options of `gan train can`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct CanArgs {
    /// The shared training options.
    #[command(flatten)]
    pub train: TrainArgs,
    /// Image size: a power of two from 32 to 256 (128 as art-GAN projects train) [default: 64].
    #[arg(long)]
    pub size: Option<usize>,
    /// λ, the weight of the generator's style-ambiguity loss [default: 1].
    #[arg(long)]
    pub style_weight: Option<f64>,
    /// Which style-ambiguity loss [default: binary].
    #[arg(long, value_enum)]
    pub ambiguity: Option<AmbiguityArg>,
}

impl CanArgs {
    /// Trains the CAN preset as the options say, with the styles of the data set.
    pub fn run(&self) -> Result<TrainingSummary, Error> {
        let ambiguity = match self.ambiguity {
            Some(AmbiguityArg::Uniform) => StyleAmbiguity::UniformCrossEntropy,
            _ => StyleAmbiguity::Binary,
        };
        let weight = self.style_weight.unwrap_or(1.0);
        let objective = CreativeAdversarial::new(self.train.labels(), weight, ambiguity)?;
        let preset = Experiment::can(self.size.unwrap_or(64)).with_objective(objective);
        let given = Given {
            size: self.size,
            objective: self.style_weight.is_some() || self.ambiguity.is_some(),
            spectral_norm: None,
        };
        self.train.train(self.train.experiment(preset, given)?)
    }
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
            gan::data::DEFAULT_MAX_PIXELS
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
