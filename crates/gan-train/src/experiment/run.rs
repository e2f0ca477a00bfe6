//! [`Experiment`]: a whole training run as configurations, trained by one call.

use crate::checkpoint::{Checkpoint, ModelSpec};
use crate::config::TrainingConfig;
use crate::error::TrainError;
use crate::objective::config::ObjectiveConfig;
use crate::objective::definition::Objective;
use crate::trainer::stop::StopSignal;
use crate::trainer::summary::TrainingSummary;
use crate::trainer::training_loop::{RunOptions, train};
use burn::prelude::*;
use gan_core::registry::{Architecture, DiscriminatorConfig, GeneratorConfig};
use gan_core::{Generator, ModelConfig};
use gan_data::{DataSource, OpenedDataset};
use std::path::PathBuf;

/// A training run as configurations: build it from a preset ([`Experiment::dcgan`],
/// [`Experiment::can`], [`Experiment::wgan_gp`]) or from its parts with [`Experiment::new`],
/// adjust it with the `with_*` methods, and [`train`](Experiment::train) it.
///
/// ```no_run
/// use gan_train::experiment::Experiment;
/// let device = gan_core::device::parse_device("cpu")?;
/// let summary = Experiment::dcgan(64)            // embedded paintings, 200 steps, runs/dcgan64
///     .with_steps(Some(500))
///     .train(&device)?;
/// let generator = gan_train::checkpoint::Checkpoint::open(&summary.checkpoint)?.generator(&device)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The GAN variant, as checkpoints record it.
    pub architecture: Architecture,
    /// The generator.
    pub generator: GeneratorConfig,
    /// The discriminator or critic. A CAN discriminator with `num_styles` 0 takes the data
    /// set's number of styles.
    pub discriminator: DiscriminatorConfig,
    /// The objective.
    pub objective: ObjectiveConfig,
    /// Where the images come from (opened at the generator's image size).
    pub data: DataSource,
    /// Optimizers, batch size, duration, seed, outputs and FID.
    pub training: TrainingConfig,
    /// The run folder.
    pub run_dir: PathBuf,
    /// A run folder or checkpoint folder to continue from.
    pub resume: Option<PathBuf>,
    /// Replace a run already in `run_dir` instead of refusing it.
    pub overwrite: bool,
    /// Stops the run after its current step, with a checkpoint.
    pub stop: Option<StopSignal>,
}

impl Experiment {
    /// An experiment from its parts, on the embedded paintings, with default training settings,
    /// writing to `runs/<architecture><size>`.
    pub fn new(
        architecture: Architecture,
        generator: impl Into<GeneratorConfig>,
        discriminator: impl Into<DiscriminatorConfig>,
        objective: impl Into<ObjectiveConfig>,
    ) -> Self {
        let generator = generator.into();
        Self {
            run_dir: PathBuf::from("runs").join(architecture.run_name(generator.image_size())),
            architecture,
            generator,
            discriminator: discriminator.into(),
            objective: objective.into(),
            data: DataSource::from_arg(None),
            training: TrainingConfig::new(),
            resume: None,
            overwrite: false,
            stop: None,
        }
    }

    /// The run a checkpoint records, continued from it: its networks, objective, data source,
    /// training settings and run folder. Errors when the checkpoint does not record its data
    /// source or its objective's settings (written by an earlier version, or with a custom
    /// objective).
    pub fn from_checkpoint(checkpoint: &Checkpoint) -> Result<Self, TrainError> {
        let recorded = &checkpoint.metadata;
        let missing = |what: &str| TrainError::Checkpoint {
            path: checkpoint.dir.clone(),
            message: format!(
                "does not record {what}: resume it with the settings of its first run"
            ),
        };
        let objective = serde_json::from_value(recorded.objective_settings.clone())
            .map_err(|_| missing("its objective's settings"))?;
        let data = recorded
            .data_source
            .clone()
            .ok_or_else(|| missing("its data source"))?;
        Ok(Self {
            architecture: recorded.model.architecture,
            generator: recorded.model.generator.clone(),
            discriminator: recorded.model.discriminator.clone(),
            objective,
            data,
            training: recorded.training.clone(),
            run_dir: checkpoint.run_folder().root().to_path_buf(),
            resume: Some(checkpoint.dir.clone()),
            overwrite: false,
            stop: None,
        })
    }

    /// Trains on images from `data`.
    pub fn with_data(mut self, data: DataSource) -> Self {
        self.data = data;
        self
    }

    /// Replaces the training settings.
    pub fn with_training(mut self, training: TrainingConfig) -> Self {
        self.training = training;
        self
    }

    /// Trains for this many generator steps (`None`: for `training.epochs` epochs).
    pub fn with_steps(mut self, steps: Option<usize>) -> Self {
        self.training.steps = steps;
        self
    }

    /// Writes into `run_dir`.
    pub fn with_run_dir(mut self, run_dir: impl Into<PathBuf>) -> Self {
        self.run_dir = run_dir.into();
        self
    }

    /// Continues from a run folder or checkpoint folder.
    pub fn with_resume(mut self, resume: Option<PathBuf>) -> Self {
        self.resume = resume;
        self
    }

    /// Replaces a run already in the run folder instead of refusing it.
    pub fn with_overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }

    /// Lets `stop` end the run after its current step, with a checkpoint.
    pub fn with_stop(mut self, stop: StopSignal) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Replaces the objective.
    pub fn with_objective(mut self, objective: impl Into<ObjectiveConfig>) -> Self {
        self.objective = objective.into();
        self
    }

    /// The side of the images, in pixels (the generator's).
    pub fn image_size(&self) -> usize {
        self.generator.image_size()
    }

    /// Opens the data, builds and seeds the two networks from the configurations it records,
    /// and trains them (printing the data set's report and a one-line plan unless
    /// `training.quiet`). Returns where the run left its samples and checkpoint; reopen the
    /// models with [`Checkpoint::open`](crate::checkpoint::Checkpoint::open).
    pub fn train(&self, device: &Device) -> Result<TrainingSummary, TrainError> {
        self.objective.validate()?;
        let exact_input_gradient = match &self.discriminator {
            DiscriminatorConfig::Dcgan(d) => d.spectral_norm,
            DiscriminatorConfig::Critic(_) => true,
            _ => false,
        };
        if self.objective.r1_gamma() > 0.0 && !exact_input_gradient {
            return Err(TrainError::Invalid(
                "R1 needs a discriminator whose input gradient is exact: a DCGAN discriminator \
                 with spectral normalisation (--spectral-norm; the small-data recipe has it), \
                 not BatchNorm, CAN's or the MLP's"
                    .into(),
            ));
        }
        let size = self.image_size();
        if self.discriminator.image_size() != size {
            return Err(TrainError::Invalid(format!(
                "the generator makes {size}x{size} images and the discriminator judges {0}x{0}",
                self.discriminator.image_size()
            )));
        }
        let data = self.data.open(size)?;
        if let Some(report) = &data.report {
            for bad in &report.bad_files {
                eprintln!(
                    "warning: skipping {} ({}: {})",
                    bad.path,
                    bad.reason.describe(),
                    bad.message
                );
            }
            if !self.training.quiet {
                println!("{report}");
            }
        }
        let mut discriminator = self.discriminator.clone();
        if let DiscriminatorConfig::Can(can) = &mut discriminator
            && can.num_styles == 0
        {
            can.num_styles = data.class_names.len();
        }
        let model = ModelSpec {
            architecture: self.architecture,
            image_size: size,
            generator: self.generator.clone(),
            discriminator,
        };
        let run = Run {
            model: &model,
            data: &data,
            config: &self.training,
            options: RunOptions {
                out_dir: self.run_dir.clone(),
                resume: self.resume.clone(),
                overwrite: self.overwrite,
                stop: self.stop.clone(),
            },
            device,
        };
        match &model.generator {
            GeneratorConfig::Dcgan(g) => run.with_generator(g, &self.objective),
            GeneratorConfig::Mlp(g) => run.with_generator(g, &self.objective),
        }
    }
}

/// What a run needs besides its networks and objective.
struct Run<'a> {
    model: &'a ModelSpec,
    data: &'a OpenedDataset,
    config: &'a TrainingConfig,
    options: RunOptions,
    device: &'a Device,
}

impl Run<'_> {
    /// Pairs the generator with the discriminators its objective can train.
    fn with_generator<GC>(
        &self,
        generator: &GC,
        objective: &ObjectiveConfig,
    ) -> Result<TrainingSummary, TrainError>
    where
        GC: ModelConfig,
        GC::Model: Generator,
    {
        match (objective, &self.model.discriminator) {
            (ObjectiveConfig::NonSaturating(o), DiscriminatorConfig::Dcgan(d)) => {
                self.train(generator, d, o)
            }
            (ObjectiveConfig::NonSaturating(o), DiscriminatorConfig::Mlp(d)) => {
                self.train(generator, d, o)
            }
            (ObjectiveConfig::CreativeAdversarial(o), DiscriminatorConfig::Can(d)) => {
                self.train(generator, d, o)
            }
            (ObjectiveConfig::WassersteinGp(o), DiscriminatorConfig::Critic(d)) => {
                self.train(generator, d, o)
            }
            (ObjectiveConfig::Hinge(o), DiscriminatorConfig::Dcgan(d)) => {
                self.train(generator, d, o)
            }
            (ObjectiveConfig::Hinge(o), DiscriminatorConfig::Mlp(d)) => self.train(generator, d, o),
            (objective, discriminator) => Err(TrainError::Invalid(format!(
                "the {} objective cannot train a {} discriminator (dcgan and mlp \
                 discriminators train with dcgan's or hinge, can's with can's, the critic with \
                 wgan-gp's)",
                objective.name(),
                serde_json::to_value(discriminator)
                    .ok()
                    .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(String::from))
                    .unwrap_or_default()
            ))),
        }
    }

    /// Builds both networks under the run's seed and trains them.
    fn train<GC, DC, O>(
        &self,
        generator: &GC,
        discriminator: &DC,
        objective: &O,
    ) -> Result<TrainingSummary, TrainError>
    where
        GC: ModelConfig,
        GC::Model: Generator,
        DC: ModelConfig,
        O: Objective<DC::Model>,
    {
        let device = self.device;
        let (g, d) = gan_core::device::seeded(device, self.config.seed, || {
            Ok::<_, TrainError>((
                generator.init_model(device)?,
                discriminator.init_model(device)?,
            ))
        })?;
        let (model, config) = (self.model.clone(), self.config);
        if !config.quiet {
            let size = model.image_size;
            eprintln!(
                "{} {size}x{size} ({}), batch {}, writing to {}",
                objective.name(),
                self.data.description,
                config.batch_size,
                self.options.out_dir.display()
            );
        }
        let (_, summary) = train(
            g,
            d,
            objective,
            model,
            self.data,
            self.config,
            &self.options,
            device,
        )?;
        Ok(summary)
    }
}
