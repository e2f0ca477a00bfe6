//! The periodic work of the loop, after each step: the metrics row, FID, the sample grid and
//! learning curve, the checkpoint; and at the end, the progress GIF and a last checkpoint.

use crate::checkpoint::{self, CheckpointMetadata, ModelSpec, RngState};
use crate::config::TrainingConfig;
use crate::error::TrainError;
use crate::fid_evaluation::evaluator::FidEvaluator;
use crate::output::fid_log::{FidLog, FidPoint};
use crate::output::learning_curve::LearningCurveConfig;
use crate::output::metrics::{MetricsLog, StepMetrics};
use crate::output::progress_gif::ProgressGifConfig;
use crate::output::run_folder::RunFolder;
use crate::progress::Progress;
use crate::random::{RNG_SCHEME, fixed_noise_seed};
use crate::sample::{latent_noise, save_grid};
use crate::trainer::state::{TrainingState, fid_metrics};
use crate::trainer::summary::TrainingSummary;
use burn::prelude::*;
use gan_core::Generator;
use gan_data::OpenedDataset;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// What a run records about itself in its `config.json` and every checkpoint.
pub(crate) struct RunRecord {
    pub model: ModelSpec,
    pub objective: &'static str,
    pub objective_settings: serde_json::Value,
    pub extra_names: Vec<&'static str>,
    /// Whether the discriminator's outputs are probabilities ([`Objective::scores_are_probabilities`]).
    ///
    /// [`Objective::scores_are_probabilities`]: crate::objective::Objective::scores_are_probabilities
    pub probabilities: bool,
}

/// The run's outputs, written as the steps go.
pub(crate) struct Hooks<'a> {
    run: RunFolder,
    config: &'a TrainingConfig,
    data: &'a OpenedDataset,
    record: RunRecord,
    batches_per_epoch: usize,
    images_per_step: usize,
    fixed_noise: Tensor<2>,
    metrics_log: MetricsLog,
    fid: Option<(FidEvaluator, FidLog)>,
    fid_history: Vec<FidPoint>,
}

impl<'a> Hooks<'a> {
    /// Opens the run's outputs for a run at `state`: writes `config.json`, opens
    /// `metrics.csv` (and `fid.csv`) after the resumed step, draws the fixed sample noise and
    /// prepares FID's reference statistics.
    pub fn open<G: Generator, D: Module>(
        run: RunFolder,
        record: RunRecord,
        state: &TrainingState<G, D>,
        data: &'a OpenedDataset,
        config: &'a TrainingConfig,
        (batches_per_epoch, critic_steps): (usize, usize),
        device: &Device,
    ) -> Result<Self, TrainError> {
        let root = run.root();
        std::fs::create_dir_all(root).map_err(TrainError::io(root))?;
        let plain_device = device.clone().without_autodiff();
        let fixed_noise = latent_noise(
            config.sample_count,
            state.generator.latent_dim(),
            fixed_noise_seed(config.seed),
            &plain_device,
        );
        let metrics_log = MetricsLog::open(&run.metrics(), state.step, &record.extra_names)?;
        let fid = match &config.fid {
            Some(fid) => {
                if !config.quiet {
                    let reference = match (&fid.reference_statistics, fid.reference_images) {
                        (Some(file), _) => format!("the statistics in {}", file.display()),
                        (None, cap) => format!(
                            "{} training images (statistics cached in the run folder)",
                            cap.map_or(data.dataset.len(), |n| n.min(data.dataset.len()))
                        ),
                    };
                    eprintln!(
                        "FID every {} steps on {} generated images, against {reference}",
                        fid.every, fid.samples
                    );
                }
                let size = record.model.image_size;
                let evaluator = FidEvaluator::prepare(fid, config, data, size, &run, device)?;
                Some((evaluator, FidLog::open(&run.fid_log(), state.step)?))
            }
            None => None,
        };
        let hooks = Self {
            run,
            config,
            data,
            record,
            batches_per_epoch,
            images_per_step: config.batch_size * critic_steps,
            fixed_noise,
            metrics_log,
            fid,
            fid_history: Vec::new(),
        };
        let metadata = hooks.metadata(state, state.epoch, state.batch_in_epoch);
        let json =
            serde_json::to_vec_pretty(&metadata).map_err(|e| TrainError::Setting(e.to_string()))?;
        checkpoint::write_atomic(&hooks.run.config(), &json)?;
        Ok(hooks)
    }

    /// The metadata of a checkpoint of `state` that resumes at `epoch`, `batch_in_epoch`.
    fn metadata<G, D>(
        &self,
        state: &TrainingState<G, D>,
        epoch: usize,
        batch_in_epoch: usize,
    ) -> CheckpointMetadata {
        CheckpointMetadata {
            format_version: checkpoint::FORMAT_VERSION,
            step: state.step,
            epoch,
            batch_in_epoch,
            rng: RngState {
                seed: self.config.seed,
                scheme: RNG_SCHEME.into(),
            },
            model: self.record.model.clone(),
            objective: self.record.objective.to_string(),
            objective_settings: self.record.objective_settings.clone(),
            training: self.config.clone(),
            data: self.data.description.clone(),
            data_source: Some(self.data.source.clone()),
            class_names: self.data.class_names.clone(),
            created_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            metrics: fid_metrics(state.last_fid),
            files: Default::default(),
        }
    }

    /// After step `state.step` (the last one when `finished`): the metrics row, then FID, the
    /// sample grid and curve, and the checkpoint when they are due.
    pub fn after_step<G: Generator, D: Module>(
        &mut self,
        state: &mut TrainingState<G, D>,
        metrics: &StepMetrics,
        finished: bool,
        progress: &Progress,
    ) -> Result<(), TrainError> {
        self.metrics_log.append(metrics)?;
        let step = state.step;
        let due = |every: usize| step.is_multiple_of(every) || finished;
        if let Some((evaluator, log)) = &mut self.fid
            && self.config.fid.as_ref().is_some_and(|fid| due(fid.every))
        {
            let started = Instant::now();
            match evaluator.evaluate(state.sampling_generator()) {
                Ok(fid) => {
                    let seconds = started.elapsed().as_secs_f64();
                    let (point, samples) = (FidPoint { step, fid }, evaluator.samples());
                    log.append(point, samples, seconds)?;
                    progress.println(format!(
                        "step {step}: FID {fid:.2} ({samples} images, {seconds:.1} s)"
                    ));
                    state.last_fid = Some((point, samples));
                    self.fid_history.push(point);
                }
                Err(err) => progress.warn(format!("warning: FID not measured: {err}")),
            }
        }
        if due(self.config.sample_every) {
            let path = self.run.sample_grid(step);
            let images = state
                .sampling_generator()
                .valid()
                .generate(self.fixed_noise.clone());
            let text = [
                (
                    "gan:architecture",
                    self.record.model.architecture.to_string(),
                ),
                ("gan:step", step.to_string()),
                ("gan:run-seed", self.config.seed.to_string()),
            ];
            save_grid(images, &path, &text)?;
            progress.println(format!("step {step}: samples {}", path.display()));
            let curve = LearningCurveConfig::new().with_probabilities(self.record.probabilities);
            if let Err(err) = curve.refresh(&self.run) {
                progress.warn(format!("warning: learning curve not drawn: {err}"));
            }
        }
        if due(self.config.checkpoint_every) {
            let (epoch, batch) = state.resume_position(self.batches_per_epoch);
            let metadata = self.metadata(state, epoch, batch);
            let dir = state.save(&self.run, &metadata, self.config.retention())?;
            progress.println(format!("step {step}: checkpoint {}", dir.display()));
        }
        Ok(())
    }

    /// A checkpoint of `state` now, unless the last one is of this very step; returns it.
    pub fn checkpoint_now<G: Module, D: Module>(
        &self,
        state: &mut TrainingState<G, D>,
    ) -> Result<std::path::PathBuf, TrainError> {
        let name = format!("step-{:08}", state.step);
        match &state.last_checkpoint {
            Some(dir) if dir.ends_with(&name) => Ok(dir.clone()),
            _ => {
                let (epoch, batch) = state.resume_position(self.batches_per_epoch);
                let metadata = self.metadata(state, epoch, batch);
                state.save(&self.run, &metadata, self.config.retention())
            }
        }
    }

    /// At the end: the progress GIF (a warning if it cannot be written), a checkpoint if none
    /// was written, and the summary.
    pub fn finish<G: Module, D: Module>(
        self,
        state: &mut TrainingState<G, D>,
        history: Vec<StepMetrics>,
    ) -> Result<TrainingSummary, TrainError> {
        let gif = self.run.progress_gif();
        let gif_config = ProgressGifConfig::new().with_quiet(self.config.quiet);
        let progress_gif = match gif_config.assemble(&self.run.samples(), &gif) {
            Ok(_) => Some(gif),
            Err(err) => {
                eprintln!("warning: {} not written: {err}", RunFolder::PROGRESS_GIF);
                None
            }
        };
        let checkpoint = match state.last_checkpoint.clone() {
            Some(dir) => dir,
            None => {
                let metadata = self.metadata(state, state.epoch, state.batch_in_epoch);
                state.save(&self.run, &metadata, self.config.retention())?
            }
        };
        Ok(TrainingSummary {
            steps: state.step,
            history,
            checkpoint,
            samples_dir: self.run.samples(),
            metrics_csv: self.run.metrics(),
            learning_curve: self.run.learning_curve(),
            progress_gif,
            extra_names: self.record.extra_names,
            score_labels: crate::objective::definition::score_labels(self.record.probabilities),
            fid_csv: self.fid.as_ref().map(|_| self.run.fid_log()),
            fid: self.fid_history,
            seconds: 0.0,
            images_per_step: self.images_per_step,
        })
    }
}
