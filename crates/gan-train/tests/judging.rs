//! Which statistics judge an image: a discriminator's verdict in `gan score` (and the studio)
//! is per image, in inference mode. With spectral normalisation (no BatchNorm) that is exactly
//! the D(G(z)) training logs for the same images; with BatchNorm, training's batch statistics
//! of an all-fake batch make its logged scores differ from any per-image verdict.

use burn::prelude::*;
use burn::tensor::Distribution;
use gan_core::DiscriminatorModel;
use gan_core::dcgan::DcganDiscriminatorConfig;
use gan_data::PaintingBatch;
use gan_train::{NonSaturating, Objective, StepRandom};

fn logged_and_judged(spectral_norm: bool) -> (f32, f32) {
    let device = gan_core::device::parse_device("cpu").unwrap().autodiff();
    let discriminator = DcganDiscriminatorConfig::new()
        .with_image_size(32)
        .with_feature_maps(8)
        .with_spectral_norm(spectral_norm)
        .init(&device)
        .unwrap()
        .train();
    let batch = || -> Tensor<4> {
        Tensor::random([8, 3, 32, 32], Distribution::Uniform(-1.0, 1.0), &device)
    };
    let real = PaintingBatch {
        images: batch(),
        labels: None,
    };
    let fake = batch() * 0.3;
    let step = NonSaturating::default().discriminator_step(
        &discriminator,
        &real,
        fake.clone(),
        &StepRandom::new(7),
    );
    let logged: f32 = step.fake_score.into_scalar();
    let judge = DiscriminatorModel::Dcgan(discriminator).valid();
    let logits = judge.judge(fake.inner()).logits;
    let judged: f32 = burn::tensor::activation::sigmoid(logits)
        .mean()
        .into_scalar();
    (logged, judged)
}

#[test]
fn a_spectrally_normalised_discriminator_judges_fakes_as_training_logged_them() {
    let (logged, judged) = logged_and_judged(true);
    assert!(
        (logged - judged).abs() < 1e-5,
        "training logged D(G(z)) = {logged}, judging gives {judged}"
    );
}

#[test]
fn a_batch_norm_discriminator_logs_batch_statistics_that_judging_does_not_use() {
    let (logged, judged) = logged_and_judged(false);
    assert!(
        (logged - judged).abs() > 1e-3,
        "expected BatchNorm's batch and running statistics to disagree: {logged} vs {judged}"
    );
}
