//! The one training loop, shared by every GAN variant through [`Objective`].

use crate::checkpoint::{self, CheckpointContents, CheckpointMetadata, ModelSpec, RngState};
use crate::progress::Progress;
use crate::random::{LATENT_STREAM, StepRandom};
use crate::sample::{latent_noise, save_grid};
use crate::{
    DiscriminatorStep, FID_LOG_FILE, FidEvaluator, FidLog, FidPoint, GeneratorStep,
    LEARNING_CURVE_FILE, LearningCurveConfig, MetricsLog, Objective, PROGRESS_GIF_FILE,
    ProgressGifConfig, StepMetrics, TrainError, TrainingConfig,
};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use gan_core::Generator;
use gan_data::random::derive_seed;
use gan_data::{EpochView, OpenedDataset, PaintingBatch, PrefetchLoader};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Where a run writes, and where it resumes from.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// The run's folder: samples, metrics, configuration and checkpoints go here.
    pub out_dir: PathBuf,
    /// A run folder or checkpoint folder to continue from.
    pub resume: Option<PathBuf>,
}

/// The networks after training (on the autodiff device).
#[derive(Debug)]
pub struct TrainedModels<G, D> {
    /// The generator.
    pub generator: G,
    /// The discriminator.
    pub discriminator: D,
}

/// What a finished run did and where it left its files.
#[derive(Debug, Clone)]
pub struct TrainingSummary {
    /// Generator steps done in total (including those before a resume).
    pub steps: usize,
    /// The metrics of each step this call ran.
    pub history: Vec<StepMetrics>,
    /// The last checkpoint's folder.
    pub checkpoint: PathBuf,
    /// The folder of sample grids.
    pub samples_dir: PathBuf,
    /// The metrics CSV.
    pub metrics_csv: PathBuf,
    /// The learning curve PNG (losses, D(x), D(G(z))), redrawn with every sample grid.
    pub learning_curve: PathBuf,
    /// The GIF of the sample grids over the run, when it could be written.
    pub progress_gif: Option<PathBuf>,
    /// Names of the objective's own metrics ([`StepMetrics::extra`]).
    pub extra_names: Vec<&'static str>,
    /// The FID measurements this call made (with `TrainingConfig::fid`).
    pub fid: Vec<FidPoint>,
    /// The FID log, when FID was measured.
    pub fid_csv: Option<PathBuf>,
}

/// How every random stream of a run derives from its seed (recorded in checkpoints).
const RNG_SCHEME: &str = "noise and label noise of discriminator step k of step s from \
    derive_seed(seed, s, k); order and flips of epoch e from (seed, e); sample grids from \
    fixed_noise_seed(seed)";

/// The seed of the fixed noise batch behind every sample grid of a run.
pub fn fixed_noise_seed(seed: u64) -> u64 {
    derive_seed(&[seed, 0xF1CED])
}

/// Trains `generator` against `discriminator` with `objective` on `data`.
///
/// - The models may live on `device` or its autodiff form; they are trained on
///   `device.autodiff()`.
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
///   training images' statistics are computed once and cached in the run folder (see
///   [`FidEvaluator::prepare`]). A measurement that fails is a warning.
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
    let out = &options.out_dir;
    std::fs::create_dir_all(out).map_err(TrainError::io(out))?;
    let samples_dir = out.join("samples");
    let metrics_csv = out.join("metrics.csv");

    let train_device = device.clone().autodiff();
    let plain_device = device.clone().without_autodiff();
    let mut generator = generator.fork(&train_device).train();
    let mut discriminator = discriminator.fork(&train_device).train();
    let mut optimizer_g = config.generator_optimizer.init();
    let mut optimizer_d = config.discriminator_optimizer.init();

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

    let (mut step, mut epoch, mut batch_in_epoch) = (0, 0, 0);
    let mut last_checkpoint = None;
    let mut last_fid: Option<(FidPoint, usize)> = None;
    if let Some(resume) = &options.resume {
        let found = checkpoint::find(resume)?;
        check_compatible(&found.metadata, &model, &found.dir)?;
        generator = found.load_generator(generator)?;
        discriminator = found.load_discriminator(discriminator)?;
        (optimizer_g, optimizer_d) = found.load_optimizers(optimizer_g, optimizer_d)?;
        step = found.metadata.step;
        epoch = found.metadata.epoch;
        batch_in_epoch = found.metadata.batch_in_epoch;
        last_fid = recorded_fid(&found.metadata);
        last_checkpoint = Some(found.dir);
    }

    let metadata_at = |step: usize,
                       epoch: usize,
                       batch_in_epoch: usize,
                       fid: Option<(FidPoint, usize)>| CheckpointMetadata {
        format_version: checkpoint::FORMAT_VERSION,
        step,
        epoch,
        batch_in_epoch,
        rng: RngState {
            seed: config.seed,
            scheme: RNG_SCHEME.into(),
        },
        model: model.clone(),
        objective: objective.name().to_string(),
        objective_settings: objective.settings(),
        training: config.clone(),
        data: data.description.clone(),
        class_names: data.class_names.clone(),
        created_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        metrics: fid_metrics(fid),
    };
    let config_json =
        serde_json::to_vec_pretty(&metadata_at(step, epoch, batch_in_epoch, last_fid))
            .map_err(|e| TrainError::Setting(e.to_string()))?;
    checkpoint::write_atomic(&out.join("config.json"), &config_json)?;

    let latent_dim = generator.latent_dim();
    let fixed_noise = latent_noise(
        config.sample_count,
        latent_dim,
        fixed_noise_seed(config.seed),
        &plain_device,
    );
    let extra_names = objective.metric_names();
    let mut metrics_log = MetricsLog::open(&metrics_csv, step, &extra_names)?;
    let progress = Progress::new(total_steps, step, config.quiet, extra_names.clone());
    let mut history = Vec::new();

    let fid_evaluator = match &config.fid {
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
            Some(FidEvaluator::prepare(
                fid,
                config,
                data,
                model.image_size,
                out,
                &plain_device,
            )?)
        }
        None => None,
    };
    let fid_csv = fid_evaluator.as_ref().map(|_| out.join(FID_LOG_FILE));
    let mut fid_log = match &fid_csv {
        Some(path) => Some(FidLog::open(path, step)?),
        None => None,
    };
    let mut fid_history = Vec::new();

    let save_checkpoint = |generator: &G,
                           discriminator: &D,
                           optimizer_g: &ModuleOptimizer,
                           optimizer_d: &ModuleOptimizer,
                           metadata: CheckpointMetadata| {
        checkpoint::save(
            out,
            CheckpointContents {
                generator,
                discriminator,
                generator_optimizer: optimizer_g,
                discriminator_optimizer: optimizer_d,
            },
            &metadata,
            config.keep_checkpoints,
        )
    };
    let save_samples = |generator: &G, step: usize| -> Result<PathBuf, TrainError> {
        let path = samples_dir.join(format!("step-{step:08}.png"));
        save_grid(generator.valid().generate(fixed_noise.clone()), &path)?;
        Ok(path)
    };

    let loader = PrefetchLoader::new(batch_size, config.loader_workers, config.prefetch_batches);
    let mut critic_done = 0;
    let mut step_started = Instant::now();
    'epochs: while step < total_steps {
        let view = EpochView::new(
            data.dataset.clone(),
            config.seed,
            epoch as u64,
            config.random_flip,
        );
        let batches = loader.iter(
            Arc::new(view),
            batch_in_epoch..batches_per_epoch,
            &train_device,
        );
        for batch in batches {
            let batch = batch.map_err(|e| TrainError::Loading(e.to_string()))?;
            if objective.requires_labels() && batch.labels.is_none() {
                return Err(TrainError::Setting(format!(
                    "the {} objective needs a style label for every image, and {} has images \
                     outside style folders",
                    objective.name(),
                    data.description
                )));
            }
            batch_in_epoch += 1;
            // Every random draw of this discriminator step derives from (seed, step, k).
            let stream = derive_seed(&[config.seed, step as u64, critic_done as u64]);
            let random = StepRandom::new(stream);
            let (d_step, fake);
            (discriminator, d_step, fake) = discriminator_update(
                &generator,
                discriminator,
                &mut optimizer_d,
                objective,
                &batch,
                &random,
                config.discriminator_optimizer.learning_rate,
            );
            critic_done += 1;
            if critic_done < critic_steps {
                continue;
            }
            critic_done = 0;

            let g_step;
            (generator, g_step) = generator_update(
                generator,
                &mut optimizer_g,
                &discriminator,
                objective,
                fake,
                &batch,
                &StepRandom::new(derive_seed(&[config.seed, step as u64, u64::MAX])),
                config.generator_optimizer.learning_rate,
            );
            step += 1;

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
                        step,
                        what,
                        value: *value,
                        last_checkpoint,
                    });
                }
            }
            let elapsed = step_started.elapsed().as_secs_f32().max(1e-9);
            let metrics = StepMetrics {
                step,
                epoch,
                discriminator_loss: scalars[0],
                generator_loss: scalars[1],
                real_score: scalars[2],
                fake_score_before: scalars[3],
                fake_score_after: scalars[4],
                images_per_second: (batch_size * critic_steps) as f32 / elapsed,
                extra: scalars[5..].to_vec(),
            };
            metrics_log.append(&metrics)?;
            progress.update(&metrics);
            history.push(metrics);

            let finished = step >= total_steps;
            if let (Some(evaluator), Some(log), Some(fid)) =
                (&fid_evaluator, &mut fid_log, &config.fid)
                && (step % fid.every == 0 || finished)
            {
                let started = Instant::now();
                match evaluator.evaluate(&generator) {
                    Ok(value) => {
                        let seconds = started.elapsed().as_secs_f64();
                        let point = FidPoint { step, fid: value };
                        log.append(point, evaluator.samples(), seconds)?;
                        progress.println(format!(
                            "step {step}: FID {value:.2} ({} images, {seconds:.1} s)",
                            evaluator.samples()
                        ));
                        last_fid = Some((point, evaluator.samples()));
                        fid_history.push(point);
                    }
                    Err(err) => progress.println(format!("warning: FID not measured: {err}")),
                }
            }
            if step % config.sample_every == 0 || finished {
                let path = save_samples(&generator, step)?;
                progress.println(format!("step {step}: samples {}", path.display()));
                if let Err(err) = LearningCurveConfig::new().refresh(out) {
                    progress.println(format!("warning: learning curve not drawn: {err}"));
                }
            }
            if step % config.checkpoint_every == 0 || finished {
                let (next_epoch, next_batch) = if batch_in_epoch >= batches_per_epoch {
                    (epoch + 1, 0)
                } else {
                    (epoch, batch_in_epoch)
                };
                let dir = save_checkpoint(
                    &generator,
                    &discriminator,
                    &optimizer_g,
                    &optimizer_d,
                    metadata_at(step, next_epoch, next_batch, last_fid),
                )?;
                progress.println(format!("step {step}: checkpoint {}", dir.display()));
                last_checkpoint = Some(dir);
            }
            if finished {
                break 'epochs;
            }
            // Sampling and checkpointing are not counted in the next step's throughput.
            step_started = Instant::now();
        }
        epoch += 1;
        batch_in_epoch = 0;
    }
    progress.finish();
    let progress_gif = out.join(PROGRESS_GIF_FILE);
    let gif_config = ProgressGifConfig::new().with_quiet(config.quiet);
    let progress_gif = match gif_config.assemble(&samples_dir, &progress_gif) {
        Ok(_) => Some(progress_gif),
        Err(err) => {
            eprintln!("warning: {PROGRESS_GIF_FILE} not written: {err}");
            None
        }
    };

    let checkpoint = match last_checkpoint {
        Some(dir) => dir,
        None => save_checkpoint(
            &generator,
            &discriminator,
            &optimizer_g,
            &optimizer_d,
            metadata_at(step, epoch, batch_in_epoch, last_fid),
        )?,
    };
    Ok((
        TrainedModels {
            generator,
            discriminator,
        },
        TrainingSummary {
            steps: step,
            history,
            checkpoint,
            samples_dir,
            metrics_csv,
            learning_curve: out.join(LEARNING_CURVE_FILE),
            progress_gif,
            extra_names,
            fid: fid_history,
            fid_csv,
        },
    ))
}

/// The `metrics` of a checkpoint's metadata: the last FID, the step it was measured at and
/// how many images it used.
fn fid_metrics(fid: Option<(FidPoint, usize)>) -> serde_json::Map<String, serde_json::Value> {
    let mut metrics = serde_json::Map::new();
    if let Some((point, samples)) = fid {
        metrics.insert("fid".into(), point.fid.into());
        metrics.insert("fid_step".into(), point.step.into());
        metrics.insert("fid_samples".into(), samples.into());
    }
    metrics
}

/// The last FID recorded in a checkpoint's metadata (see [`fid_metrics`]).
fn recorded_fid(metadata: &CheckpointMetadata) -> Option<(FidPoint, usize)> {
    let get = |key: &str| metadata.metrics.get(key);
    let fid = get("fid")?.as_f64()?;
    let step = get("fid_step")?.as_u64()? as usize;
    let samples = get("fid_samples").and_then(|v| v.as_u64()).unwrap_or(0) as usize;
    Some((FidPoint { step, fid }, samples))
}

/// One discriminator update: generates as many images as `real` holds from latent noise drawn
/// from `random`, computes the objective's discriminator loss on `real` and the detached
/// fakes, and steps the optimizer.
///
/// - `real.images`: `[B, C, H, W]` on the training (autodiff) device
/// - returns: the updated discriminator, its step's losses and scores, and the generated images
///   `[B, C, H, W]` still attached to the generator's graph (for [`generator_update`])
pub fn discriminator_update<G, D, O>(
    generator: &G,
    discriminator: D,
    optimizer: &mut ModuleOptimizer,
    objective: &O,
    real: &PaintingBatch,
    random: &StepRandom,
    learning_rate: f64,
) -> (D, DiscriminatorStep, Tensor<4>)
where
    G: Generator,
    D: Module,
    O: Objective<D>,
{
    let [batch, ..] = real.images.dims();
    let latent = random.normal(
        LATENT_STREAM,
        [batch, generator.latent_dim()],
        &real.images.device(),
    );
    let fake = generator.generate(latent);
    let step = objective.discriminator_step(&discriminator, real, fake.clone().detach(), random);
    let grads = GradientsParams::from_grads(step.loss.backward(), &discriminator);
    let discriminator = optimizer.step(learning_rate, discriminator, grads);
    (discriminator, step, fake)
}

/// One generator update on images from [`discriminator_update`], through the updated
/// discriminator.
///
/// - `fake`: `[B, C, H, W]`, attached to the generator's graph
/// - returns: the updated generator and its step's loss and score
#[allow(clippy::too_many_arguments)]
pub fn generator_update<G, D, O>(
    generator: G,
    optimizer: &mut ModuleOptimizer,
    discriminator: &D,
    objective: &O,
    fake: Tensor<4>,
    real: &PaintingBatch,
    random: &StepRandom,
    learning_rate: f64,
) -> (G, GeneratorStep)
where
    G: Generator,
    D: Module,
    O: Objective<D>,
{
    let step = objective.generator_step(discriminator, fake, real, random);
    let grads = GradientsParams::from_grads(step.loss.backward(), &generator);
    (optimizer.step(learning_rate, generator, grads), step)
}

fn check_compatible(
    found: &CheckpointMetadata,
    model: &ModelSpec,
    dir: &Path,
) -> Result<(), TrainError> {
    if &found.model != model {
        return Err(TrainError::Checkpoint {
            path: dir.to_path_buf(),
            message: format!(
                "was trained with a different model ({} at {}x{}, {}) than this run ({} at {}x{}, {})",
                found.model.architecture,
                found.model.image_size,
                found.model.image_size,
                found.model.generator,
                model.architecture,
                model.image_size,
                model.image_size,
                model.generator
            ),
        });
    }
    Ok(())
}
