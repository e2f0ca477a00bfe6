//! The training state: both networks, both optimizers and where the run stands, started fresh
//! or from a checkpoint.

use crate::checkpoint::{self, CheckpointContents, CheckpointMetadata, ModelSpec};
use crate::config::TrainingConfig;
use crate::error::TrainError;
use crate::output::fid_log::FidPoint;
use crate::output::run_folder::RunFolder;
use burn::optim::ModuleOptimizer;
use burn::prelude::*;
use std::path::{Path, PathBuf};

/// Everything that changes from step to step.
pub(crate) struct TrainingState<G, D> {
    pub generator: G,
    /// The moving average of the generator's weights, off the autodiff device (with
    /// `TrainingConfig::ema`).
    pub generator_average: Option<G>,
    pub discriminator: D,
    pub optimizer_g: ModuleOptimizer,
    pub optimizer_d: ModuleOptimizer,
    /// Generator steps done.
    pub step: usize,
    /// The epoch in progress, 0-based.
    pub epoch: usize,
    /// Batches of that epoch already consumed.
    pub batch_in_epoch: usize,
    /// The newest checkpoint written or resumed from.
    pub last_checkpoint: Option<PathBuf>,
    /// The last FID measured and its image count.
    pub last_fid: Option<(FidPoint, usize)>,
}

impl<G: Module, D: Module> TrainingState<G, D> {
    /// The networks moved to `device`'s autodiff form in training mode, fresh optimizers, and
    /// with `resume`, the weights, optimizer states and position of that checkpoint (which
    /// must record `model`).
    pub fn start(
        generator: G,
        discriminator: D,
        config: &TrainingConfig,
        model: &ModelSpec,
        resume: Option<&Path>,
        device: &Device,
    ) -> Result<Self, TrainError> {
        let train_device = device.clone().autodiff();
        let generator = generator.fork(&train_device).train();
        let mut state = Self {
            generator_average: config.ema.as_ref().map(|_| generator.valid()),
            generator,
            discriminator: discriminator.fork(&train_device).train(),
            optimizer_g: config.generator_optimizer.init(),
            optimizer_d: config.discriminator_optimizer.init(),
            step: 0,
            epoch: 0,
            batch_in_epoch: 0,
            last_checkpoint: None,
            last_fid: None,
        };
        if let Some(resume) = resume {
            let found = checkpoint::find(resume)?;
            check_compatible(&found.metadata, model, &found.dir)?;
            state.generator = found.load_generator(state.generator)?;
            if let Some(average) = state.generator_average.take() {
                // A run that recorded no average starts one from its weights.
                state.generator_average = Some(match found.has_generator_average() {
                    true => found.load_generator_average(average)?,
                    false => state.generator.valid(),
                });
            }
            state.discriminator = found.load_discriminator(state.discriminator)?;
            (state.optimizer_g, state.optimizer_d) =
                found.load_optimizers(state.optimizer_g, state.optimizer_d)?;
            state.step = found.metadata.step;
            state.epoch = found.metadata.epoch;
            state.batch_in_epoch = found.metadata.batch_in_epoch;
            state.last_fid = recorded_fid(&found.metadata);
            state.last_checkpoint = Some(found.dir);
        }
        Ok(state)
    }

    /// The epoch and batch a resumed run starts from: the next epoch once this one's
    /// `batches_per_epoch` batches are all consumed.
    pub fn resume_position(&self, batches_per_epoch: usize) -> (usize, usize) {
        if self.batch_in_epoch >= batches_per_epoch {
            (self.epoch + 1, 0)
        } else {
            (self.epoch, self.batch_in_epoch)
        }
    }

    /// The generator that makes the run's pictures: the moving average when there is one.
    pub fn sampling_generator(&self) -> &G {
        self.generator_average.as_ref().unwrap_or(&self.generator)
    }

    /// Moves the average towards the generator after generator step `step` (0-based).
    pub fn update_average(&mut self, config: &TrainingConfig, step: usize) {
        if let (Some(ema), Some(average)) = (&config.ema, self.generator_average.take()) {
            self.generator_average = Some(crate::average::update_average(
                average,
                &self.generator,
                ema.decay_at(step),
            ));
        }
    }

    /// Writes a checkpoint of this state with `metadata` into `run` (keeping those `keep`
    /// says), and remembers it.
    pub fn save(
        &mut self,
        run: &RunFolder,
        metadata: &CheckpointMetadata,
        keep: crate::config::Retention,
    ) -> Result<PathBuf, TrainError> {
        let contents = CheckpointContents {
            generator: &self.generator,
            generator_average: self.generator_average.as_ref(),
            discriminator: &self.discriminator,
            generator_optimizer: &self.optimizer_g,
            discriminator_optimizer: &self.optimizer_d,
        };
        let dir = checkpoint::save(run.root(), contents, metadata, keep)?;
        self.last_checkpoint = Some(dir.clone());
        Ok(dir)
    }
}

/// The last FID recorded in a checkpoint's metadata (`metrics.fid`, `fid_step`,
/// `fid_samples`).
fn recorded_fid(metadata: &CheckpointMetadata) -> Option<(FidPoint, usize)> {
    let get = |key: &str| metadata.metrics.get(key);
    let fid = get("fid")?.as_f64()?;
    let step = get("fid_step")?.as_u64()? as usize;
    let samples = get("fid_samples").and_then(|v| v.as_u64()).unwrap_or(0) as usize;
    Some((FidPoint { step, fid }, samples))
}

/// The `metrics` of a checkpoint's metadata: the last FID, the step it was measured at and
/// how many images it used.
pub(crate) fn fid_metrics(
    fid: Option<(FidPoint, usize)>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut metrics = serde_json::Map::new();
    if let Some((point, samples)) = fid {
        metrics.insert("fid".into(), point.fid.into());
        metrics.insert("fid_step".into(), point.step.into());
        metrics.insert("fid_samples".into(), samples.into());
    }
    metrics
}

fn check_compatible(
    found: &CheckpointMetadata,
    model: &ModelSpec,
    dir: &Path,
) -> Result<(), TrainError> {
    if &found.model != model {
        let describe = |m: &ModelSpec| {
            let json = serde_json::to_string(&m.generator).unwrap_or_default();
            format!(
                "{} at {}x{}, {json}",
                m.architecture, m.image_size, m.image_size
            )
        };
        return Err(TrainError::Checkpoint {
            path: dir.to_path_buf(),
            message: format!(
                "was trained with a different model ({}) than this run ({})",
                describe(&found.model),
                describe(model)
            ),
        });
    }
    Ok(())
}
