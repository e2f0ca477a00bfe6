//! WGAN-GP through the one training loop: several critic steps per generator step, the
//! Wasserstein estimate and gradient norm in the metrics, and exact resumption.

use gan_core::dcgan::{DcganGenerator, DcganGeneratorConfig};
use gan_core::wgan::{DcganCritic, DcganCriticConfig};
use gan_data::OpenedDataset;
use gan_train::*;
use std::path::Path;

mod common;
use common::{SIZE, train_models};
use gan_core::registry::Architecture;

fn data(len: usize) -> OpenedDataset {
    common::embedded(len)
}

fn config(steps: usize) -> TrainingConfig {
    let adam = AdamSettings::new()
        .with_learning_rate(1e-4)
        .with_beta_1(0.5)
        .with_beta_2(0.9);
    TrainingConfig::new()
        .with_generator_optimizer(adam.clone())
        .with_discriminator_optimizer(adam)
        .with_batch_size(8)
        .with_steps(Some(steps))
        .with_seed(21)
        .with_sample_every(1000)
        .with_checkpoint_every(2)
        .with_keep_checkpoints(10)
        .with_quiet(true)
}

fn run(
    out: &Path,
    resume: Option<&Path>,
    data: &OpenedDataset,
    config: &TrainingConfig,
    objective: &WassersteinGp,
) -> (TrainedModels<DcganGenerator, DcganCritic>, TrainingSummary) {
    let g = DcganGeneratorConfig::new()
        .with_image_size(SIZE)
        .with_feature_maps(8)
        .with_latent_dim(16);
    let c = DcganCriticConfig::new()
        .with_image_size(SIZE)
        .with_feature_maps(8);
    train_models(
        Architecture::WganGp,
        &g,
        &c,
        objective,
        data,
        config,
        out,
        resume,
    )
    .unwrap()
}

#[test]
fn critic_learns_a_positive_wasserstein_estimate_and_logs_the_gradient_norm() {
    let dir = tempfile::tempdir().unwrap();
    let objective = WassersteinGp::new(10.0, 3, PenaltyGradient::Exact).unwrap();
    let (_, summary) = run(dir.path(), None, &data(400), &config(30), &objective);
    let h = &summary.history;
    assert_eq!(h.len(), 30);
    for m in h {
        assert!(
            m.discriminator_loss.is_finite() && m.generator_loss.is_finite(),
            "{m:?}"
        );
        assert_eq!(m.extra.len(), 3, "wasserstein, grad_norm, penalty");
        assert!(m.extra[1].is_finite() && m.extra[1] >= 0.0);
    }
    let late: f32 = h[20..].iter().map(|m| m.extra[0]).sum::<f32>() / 10.0;
    assert!(
        late > 0.0,
        "the critic scores real above fake: W estimate {late}"
    );
    let header = std::fs::read_to_string(&summary.metrics_csv).unwrap();
    assert!(
        header
            .lines()
            .next()
            .unwrap()
            .ends_with("wasserstein,grad_norm,penalty")
    );
}

#[test]
fn resuming_with_several_critic_steps_matches_an_uninterrupted_run() {
    // 6 batches per epoch and 4 batches per step: steps straddle epoch boundaries.
    let data = data(48);
    let objective = WassersteinGp::new(10.0, 4, PenaltyGradient::Exact).unwrap();
    let straight = tempfile::tempdir().unwrap();
    let (_, full) = run(straight.path(), None, &data, &config(5), &objective);
    let interrupted = tempfile::tempdir().unwrap();
    run(interrupted.path(), None, &data, &config(2), &objective);
    let (_, resumed) = run(
        interrupted.path(),
        Some(interrupted.path()),
        &data,
        &config(5),
        &objective,
    );
    let steps: Vec<usize> = resumed.history.iter().map(|m| m.step).collect();
    assert_eq!(steps, vec![3, 4, 5]);
    for (r, f) in resumed.history.iter().zip(&full.history[2..]) {
        assert_eq!(
            r.discriminator_loss, f.discriminator_loss,
            "step {}",
            r.step
        );
        assert_eq!(r.generator_loss, f.generator_loss, "step {}", r.step);
        assert_eq!(r.extra, f.extra, "step {}", r.step);
    }
}

#[test]
fn invalid_settings_are_config_errors() {
    assert!(WassersteinGp::new(-1.0, 5, PenaltyGradient::Exact).is_err());
    assert!(WassersteinGp::new(10.0, 0, PenaltyGradient::Exact).is_err());
}
