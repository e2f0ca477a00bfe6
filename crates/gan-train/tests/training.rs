//! The training loop end to end on small models: finite losses that separate, checkpoint round
//! trips, exact resumption, NaN handling, and crash-safe checkpoints.

use burn::prelude::*;
use gan_core::Discriminator;
use gan_core::dcgan::{
    DcganDiscriminator, DcganDiscriminatorConfig, DcganGenerator, DcganGeneratorConfig,
};
use gan_data::{OpenedDataset, PaintingBatch};
use gan_train::checkpoint;
use gan_train::sample::latent_noise;
use gan_train::*;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

mod common;
use common::{SIZE, device, train_models};
use gan_core::registry::Architecture;

fn configs(feature_maps: usize) -> (DcganGeneratorConfig, DcganDiscriminatorConfig) {
    (
        DcganGeneratorConfig::new()
            .with_image_size(SIZE)
            .with_feature_maps(feature_maps)
            .with_latent_dim(32),
        DcganDiscriminatorConfig::new()
            .with_image_size(SIZE)
            .with_feature_maps(feature_maps),
    )
}

fn spec(feature_maps: usize) -> ModelSpec {
    let (g, d) = configs(feature_maps);
    ModelSpec::new(Architecture::Dcgan, g, d)
}

fn models(seed: u64, device: &Device) -> (DcganGenerator, DcganDiscriminator) {
    let (g, d) = configs(8);
    gan_core::device::seeded(device, seed, || {
        (g.init(device).unwrap(), d.init(device).unwrap())
    })
}

fn data(len: usize) -> OpenedDataset {
    common::embedded(len)
}

fn config(steps: usize) -> TrainingConfig {
    TrainingConfig::new()
        .with_batch_size(8)
        .with_steps(Some(steps))
        .with_seed(11)
        .with_sample_every(4)
        .with_sample_count(4)
        .with_checkpoint_every(3)
        .with_keep_checkpoints(10)
        .with_quiet(true)
}

type RunResult = common::RunResult<DcganGenerator, DcganDiscriminator>;

fn run<O: Objective<DcganDiscriminator>>(
    out: &Path,
    resume: Option<&Path>,
    config: &TrainingConfig,
    objective: &O,
    data: &OpenedDataset,
) -> RunResult {
    run_with(out, resume, config, objective, data, 8)
}

fn run_with<O: Objective<DcganDiscriminator>>(
    out: &Path,
    resume: Option<&Path>,
    config: &TrainingConfig,
    objective: &O,
    data: &OpenedDataset,
    feature_maps: usize,
) -> RunResult {
    let (g, d) = configs(feature_maps);
    train_models(
        Architecture::Dcgan,
        &g,
        &d,
        objective,
        data,
        config,
        out,
        resume,
    )
}

#[test]
fn short_run_keeps_losses_finite_and_scores_separate() {
    let dir = tempfile::tempdir().unwrap();
    let data = data(800);
    let config = config(100).with_batch_size(16).with_sample_every(10);
    let (_, summary) = run_with(
        dir.path(),
        None,
        &config,
        &NonSaturating::default(),
        &data,
        16,
    )
    .unwrap();
    assert_eq!(summary.steps, 100);
    assert_eq!(summary.history.len(), 100);
    for m in &summary.history {
        assert!(
            m.discriminator_loss.is_finite() && m.generator_loss.is_finite(),
            "{m:?}"
        );
        assert!((0.0..=1.0).contains(&m.real_score) && (0.0..=1.0).contains(&m.fake_score_after));
    }
    let last = &summary.history[80..];
    let mean = |f: fn(&StepMetrics) -> f32| last.iter().map(f).sum::<f32>() / last.len() as f32;
    let (d_x, d_g_z) = (mean(|m| m.real_score), mean(|m| m.fake_score_before));
    assert!(d_x > 0.6, "D(x) = {d_x} should rise clearly above 0.5");
    assert!(
        d_g_z < 0.4,
        "D(G(z)) = {d_g_z} should fall clearly below 0.5"
    );
    // What the run leaves behind.
    let rows = MetricsLog::read(&summary.metrics_csv).unwrap();
    assert_eq!(rows.len(), 100);
    assert_eq!(rows[99].step, 100);
    assert_eq!(
        rows[99].discriminator_loss,
        summary.history[99].discriminator_loss
    );
    let grids: Vec<_> = std::fs::read_dir(&summary.samples_dir).unwrap().collect();
    assert_eq!(grids.len(), 10, "a grid every 10 steps");
    let grid = image::open(summary.samples_dir.join("step-00000100.png")).unwrap();
    assert_eq!(
        grid.width(),
        2 + 2 * (SIZE as u32 + 2),
        "a 2x2 grid of 4 samples"
    );
    assert!(dir.path().join("config.json").is_file());
    let found = checkpoint::find(dir.path()).unwrap();
    assert_eq!(found.metadata.step, 100);
    assert_eq!(found.dir, summary.checkpoint);
}

#[test]
fn checkpoint_round_trip_gives_bit_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let data = data(64);
    let (trained, summary) = run(
        dir.path(),
        None,
        &config(3),
        &NonSaturating::default(),
        &data,
    )
    .unwrap();
    let device = device();
    let found = checkpoint::find(&summary.checkpoint).unwrap();
    // Fresh models from another seed, then the checkpoint's weights.
    let (g, d) = models(999, &device);
    let g = found.load_generator(g).unwrap();
    let d = found.load_discriminator(d).unwrap();
    let noise = latent_noise(5, 32, 3, &device);
    let expected = trained.generator.valid().forward(noise.clone());
    let actual = g.forward(noise);
    assert_eq!(
        expected
            .clone()
            .into_data()
            .iter::<f32>()
            .collect::<Vec<_>>(),
        actual.into_data().iter::<f32>().collect::<Vec<_>>(),
        "generator outputs are bit-identical"
    );
    let expected_logits = trained.discriminator.valid().logits(expected.clone());
    let actual_logits = d.logits(expected);
    assert_eq!(
        expected_logits
            .into_data()
            .iter::<f32>()
            .collect::<Vec<_>>(),
        actual_logits.into_data().iter::<f32>().collect::<Vec<_>>(),
        "discriminator outputs (with BatchNorm running statistics) are bit-identical"
    );
}

#[test]
fn resuming_gives_the_same_next_losses_as_an_uninterrupted_run() {
    let data = data(48); // 6 batches per epoch: the resumed part crosses an epoch boundary
    let straight = tempfile::tempdir().unwrap();
    let (_, full) = run(
        straight.path(),
        None,
        &config(8),
        &NonSaturating::default(),
        &data,
    )
    .unwrap();

    let interrupted = tempfile::tempdir().unwrap();
    let (_, first) = run(
        interrupted.path(),
        None,
        &config(5),
        &NonSaturating::default(),
        &data,
    )
    .unwrap();
    assert_eq!(first.steps, 5);
    // Resume from the checkpoint at step 3, not the final one at step 5.
    let at_three = interrupted.path().join("checkpoints/step-00000003");
    let (_, resumed) = run(
        interrupted.path(),
        Some(&at_three),
        &config(8),
        &NonSaturating::default(),
        &data,
    )
    .unwrap();
    assert_eq!(resumed.steps, 8);
    let steps: Vec<usize> = resumed.history.iter().map(|m| m.step).collect();
    assert_eq!(steps, vec![4, 5, 6, 7, 8]);
    for (r, f) in resumed.history.iter().zip(&full.history[3..]) {
        assert_eq!(r.step, f.step);
        assert_eq!(r.epoch, f.epoch);
        assert_eq!(
            r.discriminator_loss, f.discriminator_loss,
            "step {}",
            r.step
        );
        assert_eq!(r.generator_loss, f.generator_loss, "step {}", r.step);
        assert_eq!(r.real_score, f.real_score, "step {}", r.step);
    }
    // The metrics CSV holds each step once, in order.
    let rows = MetricsLog::read(&resumed.metrics_csv).unwrap();
    assert_eq!(
        rows.iter().map(|m| m.step).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
}

/// DCGAN's objective, except that the discriminator's loss becomes NaN from a given step on.
struct NanFrom {
    inner: NonSaturating,
    calls: AtomicUsize,
    from_call: usize,
}

impl Objective<DcganDiscriminator> for NanFrom {
    fn name(&self) -> &'static str {
        "nan-test"
    }
    fn discriminator_step(
        &self,
        d: &DcganDiscriminator,
        real: &PaintingBatch,
        fake: Tensor<4>,
        random: &StepRandom,
    ) -> DiscriminatorStep {
        let mut step = self.inner.discriminator_step(d, real, fake, random);
        if self.calls.fetch_add(1, Ordering::SeqCst) + 1 >= self.from_call {
            step.loss = step.loss.mul_scalar(f32::NAN);
        }
        step
    }
    fn generator_step(
        &self,
        d: &DcganDiscriminator,
        fake: Tensor<4>,
        real: &PaintingBatch,
        random: &StepRandom,
    ) -> GeneratorStep {
        <NonSaturating as Objective<DcganDiscriminator>>::generator_step(
            &self.inner,
            d,
            fake,
            real,
            random,
        )
    }
    fn settings(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
}

#[test]
fn a_nan_loss_stops_training_and_keeps_the_last_good_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let objective = NanFrom {
        inner: NonSaturating::default(),
        calls: AtomicUsize::new(0),
        from_call: 5,
    };
    let err = run(dir.path(), None, &config(10), &objective, &data(64)).unwrap_err();
    match &err {
        TrainError::NonFinite {
            step,
            what,
            last_checkpoint,
            ..
        } => {
            assert_eq!(*step, 5);
            assert_eq!(*what, "discriminator loss");
            assert!(last_checkpoint.as_ref().unwrap().ends_with("step-00000003"));
        }
        other => panic!("expected NonFinite, got {other}"),
    }
    assert!(err.to_string().contains("step 5"), "{err}");
    let found = checkpoint::find(dir.path()).unwrap();
    assert_eq!(
        found.metadata.step, 3,
        "the last good checkpoint is still the latest"
    );
    let (g, _) = models(1, &device());
    found.load_generator(g).expect("and it loads");
}

#[test]
fn an_interrupted_save_never_replaces_the_last_good_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    run(
        dir.path(),
        None,
        &config(3),
        &NonSaturating::default(),
        &data(32),
    )
    .unwrap();
    let root = dir.path().join("checkpoints");
    // A save that died half-way: its temporary folder holds only part of the files.
    let partial = root.join(".step-00000006.partial-4242");
    std::fs::create_dir_all(&partial).unwrap();
    std::fs::write(partial.join("generator.bpk"), b"half a file").unwrap();
    let found = checkpoint::find(dir.path()).unwrap();
    assert_eq!(found.metadata.step, 3);
    // A `latest` that points nowhere (crash between the rename and the pointer) falls back
    // to the newest complete checkpoint.
    std::fs::write(root.join("latest"), "step-00000006").unwrap();
    let found = checkpoint::find(dir.path()).unwrap();
    assert_eq!(found.metadata.step, 3);
    // A truncated weights file is a clear error naming it, not a panic.
    std::fs::write(found.dir.join("generator.bpk"), b"truncated").unwrap();
    let (g, _) = models(1, &device());
    let err = found.load_generator(g).unwrap_err();
    assert!(err.to_string().contains("generator.bpk"), "{err}");
}

#[test]
fn resuming_with_another_model_or_a_missing_checkpoint_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = data(32);
    run(
        dir.path(),
        None,
        &config(3),
        &NonSaturating::default(),
        &data,
    )
    .unwrap();
    let device = device();
    let (g, d) = configs(4);
    let err = train(
        g.init(&device).unwrap(),
        d.init(&device).unwrap(),
        &NonSaturating::default(),
        spec(4),
        &data,
        &config(6),
        &RunOptions::new(dir.path().to_path_buf()).with_resume(Some(dir.path().to_path_buf())),
        &device,
    )
    .unwrap_err();
    assert!(err.to_string().contains("different model"), "{err}");

    let missing = dir.path().join("nothing-here");
    let err = run(
        dir.path(),
        Some(&missing),
        &config(6),
        &NonSaturating::default(),
        &data,
    )
    .unwrap_err();
    assert!(err.to_string().contains("nothing-here"), "{err}");
}

#[test]
fn invalid_settings_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = data(16);
    let big_batch = config(3).with_batch_size(64);
    let err = run(
        dir.path(),
        None,
        &big_batch,
        &NonSaturating::default(),
        &data,
    )
    .unwrap_err();
    assert!(err.to_string().contains("fewer than one batch"), "{err}");
    assert!(config(0).validate().is_err());
    let bad_lr = config(1).with_generator_optimizer(AdamSettings::new().with_learning_rate(-1.0));
    assert!(bad_lr.validate().is_err());
}
