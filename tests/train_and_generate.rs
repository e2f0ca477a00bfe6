//! The examples' library calls end to end: train a tiny DCGAN, then generate from its
//! checkpoint; the same seed gives the same images.

use gan::dcgan;
use gan::generate::{self, GenerateArgs};
use gan::train_args::TrainArgs;
use std::path::Path;

fn train_args(out: &Path) -> TrainArgs {
    TrainArgs {
        data: None,
        data_options: Default::default(),
        device: "cpu".into(),
        steps: Some(2),
        epochs: None,
        batch_size: 8,
        out: Some(out.to_path_buf()),
        resume: None,
        seed: 3,
        lr_g: None,
        lr_d: None,
        beta1: None,
        beta2: None,
        feature_maps: 8,
        label_smoothing: 0.1,
        label_flip: 0.05,
        sample_every: 1,
        checkpoint_every: 1,
        fid: Default::default(),
        quiet: true,
    }
}

fn generate_args(checkpoint: &Path, out: &Path, seed: u64) -> GenerateArgs {
    GenerateArgs {
        checkpoint: checkpoint.to_path_buf(),
        count: 5,
        seed,
        size: None,
        out: out.to_path_buf(),
        device: "cpu".into(),
        quiet: true,
    }
}

#[test]
fn train_then_generate_is_deterministic_per_seed() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let summary = dcgan::run(&train_args(&run), 32).unwrap();
    assert_eq!(summary.steps, 2);
    assert!(summary.samples_dir.join("step-00000002.png").is_file());

    let a = generate::run(&generate_args(&run, &dir.path().join("a"), 7)).unwrap();
    let b = generate::run(&generate_args(&run, &dir.path().join("b"), 7)).unwrap();
    let c = generate::run(&generate_args(&run, &dir.path().join("c"), 8)).unwrap();
    assert_eq!(a.len(), 6, "five images and a grid");
    assert!(a.last().unwrap().ends_with("grid.png"));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "same seed, same {x:?}"
        );
    }
    let image = image::open(&a[0]).unwrap();
    assert_eq!((image.width(), image.height()), (32, 32));
    assert_ne!(
        std::fs::read(&a[0]).unwrap(),
        std::fs::read(&c[0]).unwrap(),
        "another seed, another image"
    );
}

#[test]
fn clear_errors_for_bad_devices_sizes_and_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = train_args(&dir.path().join("run"));
    args.device = "tpu:0".into();
    let err = dcgan::run(&args, 32).unwrap_err();
    assert!(err.to_string().contains("unknown device `tpu:0`"), "{err}");

    let args = train_args(&dir.path().join("run"));
    let err = dcgan::run(&args, 48).unwrap_err();
    assert!(
        err.to_string().contains("unsupported image size 48"),
        "{err}"
    );

    let err = generate::run(&generate_args(dir.path(), &dir.path().join("x"), 1)).unwrap_err();
    assert!(err.to_string().contains("no checkpoint found"), "{err}");
}

#[test]
fn can_trains_on_the_embedded_styles_and_generates() {
    use gan::can::{self, AmbiguityArg, CanArgs};
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("can");
    let args = CanArgs {
        train: train_args(&run),
        size: 32,
        style_weight: 1.0,
        ambiguity: AmbiguityArg::Uniform,
    };
    let summary = can::run(&args).unwrap();
    assert_eq!(summary.steps, 2);
    let header = std::fs::read_to_string(&summary.metrics_csv).unwrap();
    assert!(
        header.starts_with("step,")
            && header
                .lines()
                .next()
                .unwrap()
                .contains("style_entropy_fake")
    );
    let metadata = gan::gan_train::checkpoint::find(&run).unwrap().metadata;
    assert_eq!(metadata.model.architecture, "can");
    assert_eq!(metadata.class_names.len(), 5);
    let files = generate::run(&generate_args(&run, &dir.path().join("out"), 1)).unwrap();
    assert_eq!(files.len(), 6);
}

#[test]
fn a_resumed_run_writes_into_its_own_folder() {
    use gan::train_args::run_folder_of;
    use std::path::PathBuf;
    assert_eq!(run_folder_of(Path::new("runs/a")), PathBuf::from("runs/a"));
    assert_eq!(
        run_folder_of(Path::new("runs/a/checkpoints")),
        PathBuf::from("runs/a")
    );
    assert_eq!(
        run_folder_of(Path::new("runs/a/checkpoints/step-00000100")),
        PathBuf::from("runs/a")
    );
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    dcgan::run(&train_args(&run), 32).unwrap();
    let mut args = train_args(&run);
    args.out = None;
    args.resume = Some(run.join("checkpoints/step-00000002"));
    args.steps = Some(3);
    let summary = dcgan::run(&args, 32).unwrap();
    assert_eq!(summary.steps, 3);
    assert!(
        summary.checkpoint.starts_with(&run),
        "{:?}",
        summary.checkpoint
    );
}
