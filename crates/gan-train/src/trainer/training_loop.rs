//! The one training loop, shared by every GAN variant through [`Objective`].

use crate::checkpoint::ModelSpec;
use crate::config::TrainingConfig;
use crate::error::TrainError;
use crate::objective::augmented::Augmented;
use crate::objective::definition::Objective;
use crate::output::metrics::StepMetrics;
use crate::output::run_folder::RunFolder;
use crate::output::run_lock::{RunLock, remove_stale_files};
use crate::progress::Progress;
use crate::random::{StepRandom, discriminator_step_seed, generator_step_seed};
use crate::trainer::hooks::{Hooks, RunRecord};
use crate::trainer::state::TrainingState;
use crate::trainer::stop::StopSignal;
use crate::trainer::summary::{TrainedModels, TrainingSummary};
use crate::trainer::update::{discriminator_update, generator_update};
use burn::prelude::*;
use gan_core::Generator;
use gan_data::{EpochView, OpenedDataset, PrefetchLoader};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Where a run writes, where it resumes from, and how it may be stopped.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The run's folder: samples, metrics, configuration and checkpoints go here. It is locked
    /// for the life of the run.
    pub out_dir: PathBuf,
    /// A run folder or checkpoint folder to continue from.
    pub resume: Option<PathBuf>,
    /// Replace the run already in `out_dir` (its outputs and checkpoints are deleted first);
    /// without it, a folder that holds another run is refused.
    pub overwrite: bool,
    /// Stops the run after the current step, with a checkpoint.
    pub stop: Option<StopSignal>,
}

impl RunOptions {
    /// A new run into `out_dir`.
    pub fn new(out_dir: impl Into<PathBuf>) -> Self {
        Self {
            out_dir: out_dir.into(),
            ..Self::default()
        }
    }

    /// Continues from a run folder or checkpoint folder.
    pub fn with_resume(mut self, resume: Option<PathBuf>) -> Self {
        self.resume = resume;
        self
    }
}

/// Trains `generator` against `discriminator` with `objective` on `data`: the loop under every
/// GAN variant (for training from configurations, see [`Experiment`](crate::experiment::Experiment)).
///
/// - The models may live on `device` or its autodiff form; they are trained on
///   `device.autodiff()`. `model` is what checkpoints record about them.
/// - With `options.resume`, weights, optimizer states, step, epoch and position in the epoch
///   come from that checkpoint, and the run continues exactly where it stopped.
/// - Every `sample_every` steps a grid from one fixed noise batch is written to
///   `samples/step-NNNNNNNN.png` and `learning_curve.png` is redrawn; every step appends a
///   row to `metrics.csv`; every `checkpoint_every` steps (and at the end) a checkpoint is
///   written. At the end the grids become `progress.gif`. A picture that cannot be drawn is a
///   warning, not a failed run.
/// - With `config.fid`, the FID of a fixed set of generated images is measured every
///   `fid.every` steps and after the last, appended to `fid.csv`, and written into the
///   metadata of the checkpoints that follow (`metrics.fid`, `metrics.fid_step`); the
///   training images' statistics are computed once and cached in the run folder. A
///   measurement that fails is a warning.
/// - A NaN or infinite loss stops the run with [`TrainError::NonFinite`]; the last good
///   checkpoint stays in place.
#[allow(clippy::too_many_arguments)]
pub fn train<G, D, O>(
    generator: G,
    discriminator: D,
    objective: &O,
    model: ModelSpec,
    data: &OpenedDataset,
    config: &TrainingConfig,
    options: &RunOptions,
    device: &Device,
) -> Result<(TrainedModels<G, D>, TrainingSummary), TrainError>
where
    G: Generator,
    D: Module,
    O: Objective<D>,
{
    config.validate()?;
    let objective = &Augmented {
        inner: objective,
        augment: config.augment.as_ref(),
    };
    let plan = Plan::new(objective, data, config)?;
    let run = RunFolder::new(&options.out_dir);
    let _lock = open_run_folder(&run, options, config.quiet)?;
    let resume = options.resume.as_deref();
    let mut state = TrainingState::start(generator, discriminator, config, &model, resume, device)?;
    if resume.is_some() && state.step >= plan.total_steps {
        return Err(TrainError::Setting(format!(
            "the run is already at step {}, and this run ends at step {}: ask for more steps \
             or epochs",
            state.step, plan.total_steps
        )));
    }
    let record = RunRecord {
        model,
        objective: objective.name(),
        objective_settings: objective.settings(),
        extra_names: objective.metric_names(),
        probabilities: objective.scores_are_probabilities(),
    };
    let extra_names = record.extra_names.clone();
    let score_labels = crate::objective::definition::score_labels(record.probabilities);
    let mut hooks = Hooks::open(
        run.clone(),
        record,
        &state,
        data,
        config,
        (plan.batches_per_epoch, plan.critic_steps),
        device,
    )?;

    let progress = Progress::new(
        plan.total_steps,
        state.step,
        config.quiet,
        extra_names,
        score_labels,
    );
    let loader = PrefetchLoader::new(
        config.batch_size,
        config.loader_workers,
        config.prefetch_batches,
    );
    let train_device = device.clone().autodiff();
    let mut history = Vec::new();
    let mut critic_done = 0;
    let mut warned_divergence = false;
    let run_started = Instant::now();
    let mut step_started = Instant::now();
    'epochs: while state.step < plan.total_steps {
        let view = EpochView::new(
            data.dataset.clone(),
            config.seed,
            state.epoch as u64,
            config.random_flip,
        );
        let range = state.batch_in_epoch..plan.batches_per_epoch;
        for batch in loader.iter(Arc::new(view), range, &train_device) {
            let batch = batch.map_err(|e| TrainError::Loading(e.to_string()))?;
            if objective.requires_labels() && batch.labels.is_none() {
                return Err(TrainError::Setting(format!(
                    "the {} objective needs a style label for every image, and {} has images \
                     outside style folders",
                    objective.name(),
                    data.description
                )));
            }
            state.batch_in_epoch += 1;
            let random = StepRandom::new(discriminator_step_seed(
                config.seed,
                state.step,
                critic_done,
            ));
            let (d_step, fake);
            (state.discriminator, d_step, fake) = discriminator_update(
                &state.generator,
                state.discriminator,
                &mut state.optimizer_d,
                objective,
                &batch,
                &random,
                config.discriminator_optimizer.learning_rate,
            );
            critic_done += 1;
            if critic_done < plan.critic_steps {
                continue;
            }
            critic_done = 0;
            let g_step;
            (state.generator, g_step) = generator_update(
                state.generator,
                &mut state.optimizer_g,
                &state.discriminator,
                objective,
                fake,
                &batch,
                &StepRandom::new(generator_step_seed(config.seed, state.step)),
                config.generator_optimizer.learning_rate,
            );
            state.update_average(config, state.step);
            state.step += 1;

            // One read from the device per step: all scalars together.
            let mut parts = vec![
                d_step.loss,
                g_step.loss,
                d_step.real_score,
                d_step.fake_score,
                g_step.fake_score,
            ];
            parts.extend(d_step.metrics);
            parts.extend(g_step.metrics);
            let scalars: Vec<f32> = Tensor::cat(parts, 0).into_data().iter::<f32>().collect();
            for (value, what) in scalars.iter().zip(["discriminator loss", "generator loss"]) {
                if !value.is_finite() {
                    progress.finish();
                    return Err(TrainError::NonFinite {
                        step: state.step,
                        what,
                        value: *value,
                        last_checkpoint: state.last_checkpoint,
                    });
                }
                if value.abs() > DIVERGED && !warned_divergence {
                    warned_divergence = true;
                    progress.warn(format!(
                        "warning: the {what} is {value:.3e} at step {}: training is diverging \
                         (a learning rate too high?)",
                        state.step
                    ));
                }
            }
            let elapsed = step_started.elapsed().as_secs_f32().max(1e-9);
            let metrics = StepMetrics {
                step: state.step,
                epoch: state.epoch,
                discriminator_loss: scalars[0],
                generator_loss: scalars[1],
                real_score: scalars[2],
                fake_score_before: scalars[3],
                fake_score_after: scalars[4],
                images_per_second: (config.batch_size * plan.critic_steps) as f32 / elapsed,
                extra: scalars[5..].to_vec(),
            };
            progress.update(&metrics);
            let finished = state.step >= plan.total_steps;
            hooks.after_step(&mut state, &metrics, finished, &progress)?;
            history.push(metrics);
            if finished {
                break 'epochs;
            }
            if options.stop.as_ref().is_some_and(StopSignal::is_stopped) {
                progress.finish();
                let checkpoint = hooks.checkpoint_now(&mut state)?;
                let (step, run) = (state.step, run.root().to_path_buf());
                return Err(TrainError::Interrupted {
                    step,
                    checkpoint,
                    run,
                });
            }
            // Sampling and checkpointing are not counted in the next step's throughput.
            step_started = Instant::now();
        }
        state.epoch += 1;
        state.batch_in_epoch = 0;
    }
    progress.finish();
    let mut summary = hooks.finish(&mut state, history)?;
    summary.seconds = run_started.elapsed().as_secs_f64();
    let models = TrainedModels {
        generator: state.generator,
        discriminator: state.discriminator,
    };
    Ok((models, summary))
}

/// A loss beyond this size means the run diverged (GAN losses are a few units).
const DIVERGED: f32 = 1e4;

/// Locks the run folder, removes what interrupted writers left in it, and refuses a folder
/// that holds another run (unless resuming it, or overwriting).
fn open_run_folder(
    run: &RunFolder,
    options: &RunOptions,
    quiet: bool,
) -> Result<RunLock, TrainError> {
    let lock = RunLock::acquire(run)?;
    for stale in remove_stale_files(run) {
        if !quiet {
            eprintln!("removed {} (left by an interrupted run)", stale.display());
        }
    }
    let same = |a: &std::path::Path, b: &std::path::Path| {
        a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    };
    let resumes_here = match options.resume.as_deref() {
        Some(resume) => {
            let found = crate::checkpoint::find(resume)?;
            same(RunFolder::containing(&found.dir).root(), run.root())
        }
        None => false,
    };
    if RunFolder::is_run(run.root()) && !resumes_here {
        if !options.overwrite {
            return Err(TrainError::RunExists {
                path: run.root().to_path_buf(),
            });
        }
        run.clear()?;
    }
    Ok(lock)
}

/// How long a run is: batches per epoch, discriminator steps per generator step, and generator
/// steps in all; checked against the data.
struct Plan {
    batches_per_epoch: usize,
    critic_steps: usize,
    total_steps: usize,
}

impl Plan {
    fn new<D: Module, O: Objective<D>>(
        objective: &O,
        data: &OpenedDataset,
        config: &TrainingConfig,
    ) -> Result<Self, TrainError> {
        let batch_size = config.batch_size;
        let batches_per_epoch = data.dataset.len() / batch_size;
        if batches_per_epoch == 0 {
            return Err(TrainError::Setting(format!(
                "the data set ({}) has {} images, fewer than one batch of {batch_size}: lower --batch-size",
                data.description,
                data.dataset.len()
            )));
        }
        if objective.requires_labels() && data.class_names.len() < 2 {
            return Err(TrainError::Setting(format!(
                "the {} objective needs at least two styles, and {} has {} (put images in one \
                 sub-folder per style)",
                objective.name(),
                data.description,
                data.class_names.len()
            )));
        }
        let critic_steps = objective.discriminator_steps().max(1);
        let total_steps = config
            .steps
            .unwrap_or((config.epochs * batches_per_epoch / critic_steps).max(1));
        Ok(Self {
            batches_per_epoch,
            critic_steps,
            total_steps,
        })
    }
}
