//! The library alone, as a Rust user or a notebook would use it (no code of the `gan` program):
//! train tiny models through the front door, reopen them from their run folders, generate,
//! judge and walk.

use gan::core::Generator;
use gan::core::registry::{Architecture, DiscriminatorModel, GeneratorConfig};
use gan::train::judge::judge_images;
use gan::train::runs::find_models;
use gan::train::{
    Checkpoint, Experiment, GenerationConfig, LatentWalkConfig, ResumeRequest, WassersteinGp,
};
use std::path::Path;

/// `experiment` at its smallest: 8 feature maps, batch 8, 2 steps, a grid and a checkpoint
/// after each, into `run`.
fn tiny(experiment: Experiment, run: &Path) -> Experiment {
    let experiment = experiment
        .with_feature_maps(8)
        .with_run_dir(run)
        .with_steps(Some(2));
    let training = experiment
        .training
        .clone()
        .with_batch_size(8)
        .with_seed(3)
        .with_sample_every(1)
        .with_checkpoint_every(1)
        .with_quiet(true);
    experiment.with_training(training)
}

fn cpu() -> gan::burn::prelude::Device {
    gan::core::device::parse_device("cpu").unwrap()
}

#[test]
fn train_reopen_generate_judge_and_walk() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let device = cpu();
    let summary = tiny(Experiment::dcgan(32), &run).train(&device).unwrap();
    assert_eq!(summary.steps, 2);
    assert!(summary.samples_dir.join("step-00000002.png").is_file());

    // Reopened from the run folder, with the configuration the checkpoint records.
    let checkpoint = Checkpoint::open(&run).unwrap();
    assert_eq!(checkpoint.metadata.model.architecture, Architecture::Dcgan);
    assert!(
        matches!(checkpoint.metadata.model.generator, GeneratorConfig::Dcgan(ref g) if g.feature_maps == 8)
    );
    let generator = checkpoint.generator(&device).unwrap();

    // The same seed gives the same files; another seed other images.
    let generation = GenerationConfig::new()
        .with_count(5)
        .with_seed(7)
        .with_quiet(true);
    let a = generation
        .write(&generator, &dir.path().join("a"), &device, &[])
        .unwrap();
    let b = generation
        .write(&generator, &dir.path().join("b"), &device, &[])
        .unwrap();
    let c = generation
        .clone()
        .with_seed(8)
        .write(&generator, &dir.path().join("c"), &device, &[])
        .unwrap();
    assert_eq!(a.len(), 6, "five images and a grid");
    assert!(a.last().unwrap().ends_with("a-grid.png"));
    let bytes = |p: &Path| std::fs::read(p).unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(bytes(x), bytes(y), "same seed, same {x:?}");
    }
    assert_ne!(bytes(&a[0]), bytes(&c[0]), "another seed, another image");
    assert_eq!(image::open(&a[0]).unwrap().width(), 32);

    // The discriminator judges the generated files as training prepares images.
    let discriminator = checkpoint.discriminator(&device).unwrap();
    assert!(matches!(discriminator, DiscriminatorModel::Dcgan(_)));
    let probability = checkpoint.gives_probability();
    let scores = judge_images(&discriminator, &[], &a[..5], 3, probability, &device).unwrap();
    assert_eq!(scores.len(), 5);
    for s in &scores {
        let p = s.real_probability.expect("DCGAN gives a probability");
        assert!((0.0..=1.0).contains(&p) && s.styles.is_empty(), "{s:?}");
    }

    // A walk starts at the first image of its seed and ends at the other seed's.
    let frames = LatentWalkConfig::new(7, 8)
        .with_frames(4)
        .with_quiet(true)
        .frames(&generator, &device)
        .unwrap();
    assert_eq!(frames.len(), 4);
    let first = GenerationConfig::new()
        .with_count(1)
        .with_seed(7)
        .images(&generator, &device)
        .unwrap();
    let last = GenerationConfig::new()
        .with_count(1)
        .with_seed(8)
        .images(&generator, &device)
        .unwrap();
    assert_eq!(frames[0].image, first[0]);
    assert_eq!(frames[3].image, last[0]);
    assert_ne!(frames[1].image, frames[0].image);

    // The run is found as a model.
    let (models, unreadable) = find_models(dir.path()).unwrap();
    assert!(unreadable.is_empty());
    assert_eq!(models.len(), 1);
    assert_eq!(
        (
            models[0].architecture.as_str(),
            models[0].steps,
            models[0].image_size
        ),
        ("dcgan", 2, 32)
    );

    // Metadata of format 1 (untyped configurations, and none of the settings added since:
    // spectral normalisation, augmentation, moving average, keep-every) still opens, as the
    // same model.
    let metadata_path = checkpoint.dir.join("metadata.json");
    let mut v1: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&metadata_path).unwrap()).unwrap();
    v1["format_version"] = 1.into();
    for role in ["generator", "discriminator"] {
        v1["model"][role].as_object_mut().unwrap().remove("type");
    }
    v1["model"]["discriminator"]
        .as_object_mut()
        .unwrap()
        .remove("spectral_norm");
    for added in ["augment", "ema", "keep_every"] {
        v1["training"].as_object_mut().unwrap().remove(added);
    }
    std::fs::write(&metadata_path, v1.to_string()).unwrap();
    let reopened = Checkpoint::open(&checkpoint.dir).unwrap();
    assert_eq!(reopened.metadata.model, checkpoint.metadata.model);
    assert_eq!(reopened.generator(&device).unwrap().latent_dim(), 100);

    // A resume is the recorded run: asking to change a recorded setting is refused.
    let changed = ResumeRequest {
        batch_size: Some(16),
        steps: Some(3),
        ..Default::default()
    };
    let err = Experiment::resume(&reopened, &changed).unwrap_err();
    assert!(
        err.to_string().contains("batch size 16 (the run's: 8)"),
        "{err}"
    );
    let longer = ResumeRequest {
        steps: Some(3),
        ..Default::default()
    };
    let resumed = Experiment::resume(&reopened, &longer).unwrap();
    assert_eq!(
        (resumed.training.steps, resumed.training.batch_size),
        (Some(3), 8)
    );
    assert_eq!(resumed.run_dir, run);

    // Resumed through the front door, the run continues in its own folder.
    let summary = tiny(Experiment::dcgan(32), &run)
        .with_steps(Some(3))
        .with_resume(Some(run.join("checkpoints/step-00000002")))
        .train(&device)
        .unwrap();
    assert_eq!(summary.steps, 3);
    assert!(
        summary.checkpoint.starts_with(&run),
        "{:?}",
        summary.checkpoint
    );
}

#[test]
fn can_takes_its_styles_from_the_data_and_judges_them() {
    let (dir, device) = (tempfile::tempdir().unwrap(), cpu());
    let run = dir.path().join("can");
    let summary = tiny(Experiment::can(32), &run).train(&device).unwrap();
    let metrics = std::fs::read_to_string(&summary.metrics_csv).unwrap();
    let columns: Vec<&str> = metrics.lines().next().unwrap().split(',').collect();
    assert!(columns.contains(&"style_entropy_fake"), "{columns:?}");
    let checkpoint = Checkpoint::open(&run).unwrap();
    assert_eq!(checkpoint.metadata.model.architecture, Architecture::Can);
    assert_eq!(checkpoint.metadata.class_names.len(), 5);
    let discriminator = checkpoint.discriminator(&device).unwrap();
    let generator = checkpoint.generator(&device).unwrap();
    let files = GenerationConfig::new()
        .with_count(2)
        .with_quiet(true)
        .write(&generator, &dir.path().join("out"), &device, &[])
        .unwrap();
    let names = &checkpoint.metadata.class_names;
    let probability = checkpoint.gives_probability();
    let scores = judge_images(&discriminator, names, &files[..2], 3, probability, &device).unwrap();
    for s in &scores {
        assert_eq!(s.styles.len(), 3);
        assert!(names.contains(&s.styles[0].style), "{s:?}");
        let total: f32 = s.styles.iter().map(|x| x.probability).sum();
        assert!(total > 0.0 && total <= 1.0 + 1e-5, "{s:?}");
    }
}

#[test]
fn clear_errors_for_bad_sizes_pairs_and_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let device = cpu();
    let err = tiny(Experiment::dcgan(48), &dir.path().join("a"))
        .train(&device)
        .unwrap_err();
    assert!(
        err.to_string().contains("unsupported image size 48"),
        "{err}"
    );

    let mismatched = Experiment::dcgan(32).with_objective(WassersteinGp::default());
    let err = tiny(mismatched, &dir.path().join("b"))
        .train(&device)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("wgan-gp objective cannot train a dcgan discriminator"),
        "{err}"
    );

    let err = Checkpoint::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains("no checkpoint found"), "{err}");
}
