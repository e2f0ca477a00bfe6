//! CAN through the one training loop: on the embedded styles the discriminator learns to tell
//! the styles of real images apart, and the run reports the creativity signal.

use gan_core::can::{CanDiscriminator, CanDiscriminatorConfig};
use gan_core::dcgan::DcganGeneratorConfig;
use gan_data::{DataSource, OpenedDataset};
use gan_train::*;
use std::path::Path;

mod common;
use common::{RunResult, SIZE, train_models};
use gan_core::registry::Architecture;

fn run(
    out: &Path,
    data: &OpenedDataset,
    steps: usize,
) -> RunResult<gan_core::dcgan::DcganGenerator, CanDiscriminator> {
    let g = DcganGeneratorConfig::new()
        .with_image_size(SIZE)
        .with_feature_maps(16)
        .with_latent_dim(32);
    let d = CanDiscriminatorConfig::new(data.class_names.len().max(2))
        .with_image_size(SIZE)
        .with_feature_maps(16)
        .with_style_hidden(vec![64]);
    let config = TrainingConfig::new()
        .with_batch_size(16)
        .with_steps(Some(steps))
        .with_seed(5)
        .with_sample_every(1000)
        .with_checkpoint_every(1000)
        .with_quiet(true);
    train_models(
        Architecture::Can,
        &g,
        &d,
        &CreativeAdversarial::default(),
        data,
        &config,
        out,
        None,
    )
}

#[test]
fn style_accuracy_on_real_images_rises_clearly_above_chance() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::embedded(800);
    assert_eq!(data.class_names.len(), 5);
    let (_, summary) = run(dir.path(), &data, 60).unwrap();
    let history = &summary.history;
    let accuracy = |m: &StepMetrics| m.extra[0];
    let entropy = |m: &StepMetrics| m.extra[1];
    let first: f32 = history[..5].iter().map(accuracy).sum::<f32>() / 5.0;
    let last: f32 = history[45..].iter().map(accuracy).sum::<f32>() / 15.0;
    assert!(
        last > 0.6,
        "style accuracy on real images {last} (chance is 0.2)"
    );
    assert!(last > first + 0.2, "it rose: {first} -> {last}");
    for m in history {
        assert!(m.discriminator_loss.is_finite() && m.generator_loss.is_finite());
        let h = entropy(m);
        assert!(
            (0.0..=5f32.ln() + 1e-5).contains(&h),
            "entropy {h} within [0, ln 5]"
        );
    }
    // The extra columns are in the CSV, named.
    let csv = std::fs::read_to_string(&summary.metrics_csv).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",style_acc_real,style_entropy_fake")
    );
    let rows = MetricsLog::read(&summary.metrics_csv).unwrap();
    assert_eq!(rows[59].extra, history[59].extra);
}

#[test]
fn can_needs_style_labels() {
    let dir = tempfile::tempdir().unwrap();
    let images = dir.path().join("flat");
    std::fs::create_dir_all(&images).unwrap();
    for i in 0..20u8 {
        let img = image::RgbImage::from_pixel(8, 8, image::Rgb([i * 10, 0, 0]));
        img.save(images.join(format!("{i}.png"))).unwrap();
    }
    let data = DataSource::Files(gan_data::ArtDatasetConfig::new(images))
        .open(SIZE)
        .unwrap();
    let err = run(&dir.path().join("out"), &data, 2).unwrap_err();
    assert!(err.to_string().contains("at least two styles"), "{err}");
}
