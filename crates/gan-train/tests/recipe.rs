//! The small-data recipe in the loop: DiffAugment, the hinge loss, spectral normalisation and the
//! generator's moving average train, checkpoint and resume exactly; `Checkpoint::generator`
//! gives the average; checkpoint retention keeps every Nth.

use burn::prelude::*;
use gan_core::augment::DiffAugment;
use gan_core::dcgan::{DcganDiscriminatorConfig, DcganGeneratorConfig};
use gan_core::registry::{Architecture, GeneratorConfig};
use gan_core::{Discriminator, Generator};
use gan_train::sample::latent_noise;
use gan_train::*;
use std::path::Path;

mod common;
use common::{SIZE, device, embedded, train_models};

fn recipe(steps: usize) -> TrainingConfig {
    TrainingConfig::new()
        .with_batch_size(8)
        .with_steps(Some(steps))
        .with_seed(5)
        .with_sample_every(100)
        .with_sample_count(4)
        .with_checkpoint_every(3)
        .with_keep_checkpoints(10)
        .with_quiet(true)
        .with_augment(Some(DiffAugment::new()))
        .with_ema(Some(EmaConfig::new()))
}

fn run(out: &Path, resume: Option<&Path>, config: &TrainingConfig) -> Vec<(f32, f32, f32)> {
    let generator = DcganGeneratorConfig::new()
        .with_image_size(SIZE)
        .with_feature_maps(8)
        .with_latent_dim(16);
    let discriminator = DcganDiscriminatorConfig::new()
        .with_image_size(SIZE)
        .with_feature_maps(8)
        .with_spectral_norm(true);
    let data = embedded(40);
    let (_, summary) = train_models(
        Architecture::Dcgan,
        &generator,
        &discriminator,
        &Hinge::default(),
        &data,
        config,
        out,
        resume,
    )
    .unwrap();
    summary
        .history
        .iter()
        .map(|m| (m.discriminator_loss, m.generator_loss, m.real_score))
        .collect()
}

fn images(checkpoint: &Path, average: bool) -> Vec<f32> {
    let device = device();
    let checkpoint = Checkpoint::open(checkpoint).unwrap();
    let generator = if average {
        checkpoint.generator(&device).unwrap()
    } else {
        let GeneratorConfig::Dcgan(config) = &checkpoint.metadata.model.generator else {
            panic!("a DCGAN generator");
        };
        let raw = checkpoint
            .load_generator(config.init(&device).unwrap())
            .unwrap();
        gan_core::GeneratorModel::Dcgan(raw)
    };
    let noise = latent_noise(4, generator.latent_dim(), 3, &device);
    generator
        .valid()
        .generate(noise)
        .into_data()
        .iter::<f32>()
        .collect()
}

#[test]
fn the_recipe_resumes_exactly_with_its_moving_average() {
    let straight = tempfile::tempdir().unwrap();
    let full = run(straight.path(), None, &recipe(6));
    let interrupted = tempfile::tempdir().unwrap();
    run(interrupted.path(), None, &recipe(3));
    let resumed = run(interrupted.path(), Some(interrupted.path()), &recipe(6));
    assert_eq!(resumed, full[3..].to_vec());

    let last = |dir: &Path| dir.join("checkpoints/step-00000006");
    let checkpoint = Checkpoint::open(last(straight.path())).unwrap();
    assert!(checkpoint.has_generator_average());
    assert!(checkpoint.dir.join("generator_ema.bpk").is_file());
    assert_eq!(
        images(&last(straight.path()), true),
        images(&last(interrupted.path()), true),
        "the resumed run's average is the uninterrupted run's"
    );
    assert_ne!(
        images(&last(straight.path()), true),
        images(&last(straight.path()), false),
        "Checkpoint::generator gives the average, not the last weights"
    );
    // The hinge discriminator's outputs are scores, not probabilities.
    assert!(!checkpoint.gives_probability());
}

#[test]
fn augmentation_changes_what_the_discriminator_sees() {
    let plain = tempfile::tempdir().unwrap();
    let augmented = tempfile::tempdir().unwrap();
    let without = run(plain.path(), None, &recipe(2).with_augment(None));
    let with = run(augmented.path(), None, &recipe(2));
    assert_eq!(without.len(), 2);
    assert_ne!(
        without[0].2, with[0].2,
        "D(x) on augmented real images differs"
    );
}

#[test]
fn checkpoints_at_multiples_of_keep_every_are_kept_for_good() {
    let dir = tempfile::tempdir().unwrap();
    let config = recipe(7)
        .with_checkpoint_every(1)
        .with_keep_checkpoints(1)
        .with_keep_every(Some(3))
        .with_ema(None)
        .with_augment(None);
    run(dir.path(), None, &config);
    let mut kept: Vec<String> = std::fs::read_dir(dir.path().join("checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("step-"))
        .collect();
    kept.sort();
    assert_eq!(kept, ["step-00000003", "step-00000006", "step-00000007"]);
}

/// R1 adds `γ/2 · mean ‖∇ₓD(x)‖²` to the discriminator's loss, from the same forward pass as
/// the real logits, logs the penalty as `r1`, and trains (finite, positive penalties).
#[test]
fn r1_adds_its_weighted_penalty_and_trains() {
    let device = device().autodiff();
    let make = || {
        gan_core::device::seeded(&device, 3, || {
            DcganDiscriminatorConfig::new()
                .with_image_size(SIZE)
                .with_feature_maps(8)
                .with_spectral_norm(true)
                .init(&device)
                .unwrap()
        })
    };
    let real = gan_data::PaintingBatch {
        images: gan_core::device::seeded(&device, 5, || {
            Tensor::<4>::random(
                [4, 3, SIZE, SIZE],
                burn::tensor::Distribution::Uniform(-1.0, 1.0),
                &device,
            )
        }),
        labels: None,
    };
    let fake = gan_core::device::seeded(&device, 4, || {
        Tensor::<4>::random(
            [4, 3, SIZE, SIZE],
            burn::tensor::Distribution::Uniform(-1.0, 1.0),
            &device,
        )
    });
    let random = StepRandom::new(1);
    let gamma = 4.0;
    let plain =
        Objective::discriminator_step(&Hinge::default(), &make(), &real, fake.clone(), &random);
    let with_r1 = Objective::discriminator_step(
        &Hinge::with_r1(gamma),
        &make(),
        &real,
        fake.clone(),
        &random,
    );
    let (_, gradient) = make().exact_input_gradient(real.images.clone()).unwrap();
    let r1: f32 = gan_core::loss::r1_of_gradient(gradient).value.into_scalar();
    let logged: f32 = with_r1.metrics[0].clone().into_scalar();
    let difference: f32 = (with_r1.loss - plain.loss).into_scalar();
    assert!(r1 > 0.0);
    assert!((logged - r1).abs() <= 1e-5 * r1, "logged {logged}, R1 {r1}");
    assert!(
        (difference - gamma as f32 / 2.0 * r1).abs() <= 1e-4 * difference.abs(),
        "loss grew by {difference}, γ/2·R1 = {}",
        gamma as f32 / 2.0 * r1
    );
    let names: Vec<&str> = Objective::<gan_core::dcgan::DcganDiscriminator>::metric_names(
        &NonSaturating::default().with_r1(1.0),
    );
    assert_eq!(names, ["r1"]);

    // In the loop: three steps, the penalty logged each step.
    let out = tempfile::tempdir().unwrap();
    let generator = DcganGeneratorConfig::new()
        .with_image_size(SIZE)
        .with_feature_maps(8)
        .with_latent_dim(16);
    let discriminator = DcganDiscriminatorConfig::new()
        .with_image_size(SIZE)
        .with_feature_maps(8)
        .with_spectral_norm(true);
    let (_, summary) = train_models(
        Architecture::Dcgan,
        &generator,
        &discriminator,
        &Hinge::with_r1(1.0),
        &embedded(40),
        &recipe(3),
        out.path(),
        None,
    )
    .unwrap();
    assert_eq!(summary.extra_names, ["r1"]);
    assert!(
        summary
            .history
            .iter()
            .all(|m| m.extra[0].is_finite() && m.extra[0] > 0.0)
    );
}

/// R1 with a BatchNorm discriminator (no exact input gradient) is refused before training.
#[test]
fn r1_without_an_exact_input_gradient_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let experiment = Experiment::dcgan(32)
        .with_objective(Hinge::with_r1(1.0))
        .with_run_dir(out.path().join("run"));
    let err = experiment.train(&device()).unwrap_err().to_string();
    assert!(err.contains("R1") && err.contains("spectral"), "{err}");
    let negative = Experiment::dcgan_small_data(32)
        .with_objective(Hinge::with_r1(-1.0))
        .with_run_dir(out.path().join("run"));
    let err = negative.train(&device()).unwrap_err().to_string();
    assert!(err.contains("R1 weight"), "{err}");
}
