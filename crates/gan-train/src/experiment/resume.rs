//! Continuing a recorded run: everything comes from its checkpoint, and what a resume may
//! change (its length, learning rates, how often it writes and which checkpoints it keeps, FID,
//! where) is explicit. Anything
//! else asked for that differs from the record is refused, naming it, so a resume never
//! silently becomes another run.

use crate::checkpoint::Checkpoint;
use crate::error::TrainError;
use crate::experiment::run::Experiment;
use crate::fid_evaluation::config::FidEvaluationConfig;
use crate::objective::config::ObjectiveConfig;
use gan_core::augment::DiffAugment;
use gan_data::DataSource;
use std::path::PathBuf;

/// What a resume asks for; `None` keeps the recorded value.
#[derive(Debug, Clone, Default)]
pub struct ResumeRequest {
    /// Must equal the recorded image size.
    pub image_size: Option<usize>,
    /// Must equal the recorded batch size.
    pub batch_size: Option<usize>,
    /// Must equal the recorded seed.
    pub seed: Option<u64>,
    /// Must equal the recorded feature maps.
    pub feature_maps: Option<usize>,
    /// Must equal the recorded Adam β₁.
    pub beta_1: Option<f32>,
    /// Must equal the recorded Adam β₂.
    pub beta_2: Option<f32>,
    /// Must equal the recorded data source.
    pub data: Option<DataSource>,
    /// Must equal the recorded objective.
    pub objective: Option<ObjectiveConfig>,
    /// Must equal the recorded DiffAugment policy (`"none"`: off).
    pub augment: Option<String>,
    /// Must equal the recorded decay of the generator's moving average (0: off).
    pub ema_decay: Option<f64>,
    /// Must equal whether the discriminator is spectrally normalised.
    pub spectral_norm: Option<bool>,
    /// Keep this many newest checkpoints.
    pub keep_checkpoints: Option<usize>,
    /// Keep every checkpoint at a multiple of this step for good.
    pub keep_every: Option<usize>,
    /// Train up to this many generator steps in all (above the recorded step).
    pub steps: Option<usize>,
    /// Train for this many epochs in all (instead of a step count).
    pub epochs: Option<usize>,
    /// A new generator learning rate (recorded from then on).
    pub generator_learning_rate: Option<f64>,
    /// A new discriminator learning rate (recorded from then on).
    pub discriminator_learning_rate: Option<f64>,
    /// Write a sample grid every this many steps.
    pub sample_every: Option<usize>,
    /// Write a checkpoint every this many steps.
    pub checkpoint_every: Option<usize>,
    /// Measure FID during training with these settings.
    pub fid: Option<FidEvaluationConfig>,
    /// No progress bar.
    pub quiet: Option<bool>,
    /// Write into this folder instead of the run's own.
    pub run_dir: Option<PathBuf>,
}

impl Experiment {
    /// The run `checkpoint` records, continued as `request` asks (see [`ResumeRequest`]).
    ///
    /// Errors when the checkpoint does not record its data source or objective (see
    /// [`Experiment::from_checkpoint`]), when the request would change a recorded setting
    /// ([`TrainError::ResumeChanges`], listing each), or when it asks for no more steps than
    /// the run has done.
    pub fn resume(checkpoint: &Checkpoint, request: &ResumeRequest) -> Result<Self, TrainError> {
        let mut experiment = Self::from_checkpoint(checkpoint)?;
        let recorded = &checkpoint.metadata;
        let training = &recorded.training;
        let generator = serde_json::to_value(&recorded.model.generator).unwrap_or_default();
        let mut changes = Vec::new();
        let mut check = |what: &str, asked: Option<String>, recorded: String| {
            if let Some(asked) = asked.filter(|a| *a != recorded) {
                changes.push(format!("{what} {asked} (the run's: {recorded})"));
            }
        };
        check(
            "image size",
            shown(request.image_size),
            recorded.model.image_size.to_string(),
        );
        check(
            "batch size",
            shown(request.batch_size),
            training.batch_size.to_string(),
        );
        check("seed", shown(request.seed), training.seed.to_string());
        check(
            "feature maps",
            shown(request.feature_maps),
            generator["feature_maps"].to_string(),
        );
        let adam = &training.generator_optimizer;
        check("Adam beta1", shown(request.beta_1), adam.beta_1.to_string());
        check("Adam beta2", shown(request.beta_2), adam.beta_2.to_string());
        check(
            "data",
            request.data.as_ref().map(json),
            json(&experiment.data),
        );
        check(
            "objective",
            request.objective.as_ref().map(json),
            json(&experiment.objective),
        );
        check(
            "DiffAugment",
            request.augment.clone(),
            DiffAugment::setting_policy(training.augment.as_ref()),
        );
        check(
            "moving-average decay",
            shown(request.ema_decay),
            training.ema.as_ref().map_or(0.0, |e| e.decay).to_string(),
        );
        let discriminator = serde_json::to_value(&recorded.model.discriminator).unwrap_or_default();
        check(
            "spectral normalisation",
            shown(request.spectral_norm),
            discriminator["spectral_norm"]
                .as_bool()
                .unwrap_or(false)
                .to_string(),
        );
        if !changes.is_empty() {
            return Err(TrainError::ResumeChanges {
                path: checkpoint.dir.clone(),
                changes,
            });
        }
        let config = &mut experiment.training;
        if let Some(steps) = request.steps {
            if steps <= recorded.step {
                return Err(TrainError::Invalid(format!(
                    "the run is already at step {}: ask for more steps than that",
                    recorded.step
                )));
            }
            config.steps = Some(steps);
        }
        if let Some(epochs) = request.epochs {
            (config.steps, config.epochs) = (None, epochs);
        }
        let optimizers = [
            (
                &mut config.generator_optimizer,
                request.generator_learning_rate,
            ),
            (
                &mut config.discriminator_optimizer,
                request.discriminator_learning_rate,
            ),
        ];
        for (adam, learning_rate) in optimizers {
            adam.learning_rate = learning_rate.unwrap_or(adam.learning_rate);
        }
        config.sample_every = request.sample_every.unwrap_or(config.sample_every);
        config.checkpoint_every = request.checkpoint_every.unwrap_or(config.checkpoint_every);
        config.fid = request.fid.clone().or(config.fid.take());
        config.quiet = request.quiet.unwrap_or(config.quiet);
        config.keep_checkpoints = request.keep_checkpoints.unwrap_or(config.keep_checkpoints);
        config.keep_every = request.keep_every.or(config.keep_every);
        if let Some(run_dir) = &request.run_dir {
            experiment.run_dir = run_dir.clone();
        }
        Ok(experiment)
    }
}

/// A value given, as text.
fn shown<T: ToString>(value: Option<T>) -> Option<String> {
    value.map(|v| v.to_string())
}

/// Compact JSON of a setting, for comparing it and naming it in errors.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
