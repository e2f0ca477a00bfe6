//! Runs you can trust, with the real binary: a used run folder is never overwritten by accident,
//! Ctrl-C and SIGTERM stop after a step with a checkpoint that resumes exactly, a run folder is
//! locked while a run writes into it, and what interrupted writers left behind is cleaned up.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `gan train dcgan` at 32x32 with 8 feature maps and batch 8, quiet, into `out`, plus `extra`.
fn train(out: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gan"));
    command
        .args(["train", "dcgan", "--size", "32", "--batch-size", "8"])
        .args(["--feature-maps", "8", "--quiet", "--out"])
        .arg(out)
        .args(extra);
    command
}

/// A fresh folder with a run of `extra` trained into `run` (asserted to succeed).
fn trained(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let (code, stderr) = run(train(&out, extra));
    assert_eq!(code, Some(0), "{stderr}");
    (dir, out)
}

/// Runs it to the end: (exit code, stderr).
fn run(mut command: Command) -> (Option<i32>, String) {
    let output = command.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The data rows of a run's metrics.csv (0 while it does not exist).
fn rows(run: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(run.join("metrics.csv")).unwrap_or_default();
    text.lines().skip(1).map(String::from).collect()
}

/// Starts a long run and waits until it has done `steps` steps.
fn start_long_run(out: &Path, steps: usize) -> Child {
    let mut command = train(out, &["--steps", "100000", "--checkpoint-every", "100000"]);
    let child = command.stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while rows(out).len() < steps {
        assert!(started.elapsed() < Duration::from_secs(300), "no progress");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status();
    assert!(status.unwrap().success());
}

/// Waits for a signalled run: (exit code, stderr).
fn finish(child: Child) -> (Option<i32>, String) {
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The step in "stopped at step N".
fn stopped_step(stderr: &str) -> usize {
    let after = stderr.split("stopped at step ").nth(1).expect(stderr);
    after.split(':').next().unwrap().parse().unwrap()
}

/// A metrics row without its images/s column (the 8th), which depends on timing.
fn numbers(row: &str) -> Vec<String> {
    row.split(',')
        .enumerate()
        .filter(|(i, _)| *i != 7)
        .map(|(_, v)| v.to_string())
        .collect()
}

#[test]
fn a_used_run_folder_is_refused_unless_overwritten() {
    let (_dir, out) = trained(&["--steps", "2", "--sample-every", "1"]);
    let (code, stderr) = run(train(&out, &["--steps", "1"]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("already holds a training run") && stderr.contains("--resume"),
        "{stderr}"
    );
    assert_eq!(rows(&out).len(), 2, "the first run is untouched");
    assert!(out.join("checkpoints/step-00000002").is_dir());

    let (code, stderr) = run(train(
        &out,
        &["--steps", "1", "--sample-every", "1", "--overwrite"],
    ));
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(rows(&out).len(), 1);
    let grids: Vec<_> = std::fs::read_dir(out.join("samples")).unwrap().collect();
    assert_eq!(grids.len(), 1, "no grids of the replaced run are mixed in");
    assert!(!out.join("checkpoints/step-00000002").exists());
}

#[test]
fn ctrl_c_stops_after_a_step_with_a_checkpoint_that_resumes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let child = start_long_run(&out, 3);
    signal(&child, "-INT");
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(1), "{stderr}");
    let step = stopped_step(&stderr);
    assert!(step >= 3 && rows(&out).len() == step, "{stderr}");
    assert!(
        out.join(format!("checkpoints/step-{step:08}/metadata.json"))
            .is_file()
    );

    // Resumed for two more steps, it matches a run that was never stopped.
    let target = (step + 2).to_string();
    let resume = ["--steps", target.as_str(), "--checkpoint-every", "100000"];
    let mut resumed = train(&out, &resume);
    resumed.arg("--resume").arg(&out);
    assert_eq!(run(resumed).0, Some(0));
    let whole = dir.path().join("whole");
    assert_eq!(run(train(&whole, &resume)).0, Some(0));
    let (a, b) = (rows(&out), rows(&whole));
    assert_eq!(a.len(), step + 2);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(numbers(x), numbers(y));
    }
}

#[test]
fn a_running_folder_is_locked_and_sigterm_also_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let child = start_long_run(&out, 1);
    let (code, stderr) = run(train(&out, &["--steps", "1", "--overwrite"]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("in use by another training run"),
        "{stderr}"
    );
    signal(&child, "-TERM");
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(1), "{stderr}");
    let step = stopped_step(&stderr);
    assert!(
        out.join(format!("checkpoints/step-{step:08}")).is_dir(),
        "{stderr}"
    );
}

#[test]
fn what_interrupted_writers_left_is_removed() {
    let (_dir, out) = trained(&["--steps", "2"]);
    let partial = out.join("checkpoints/.step-00000009.partial-4000000");
    std::fs::create_dir_all(&partial).unwrap();
    std::fs::write(partial.join("generator.bpk"), vec![0u8; 1000]).unwrap();
    std::fs::write(out.join("config.tmp-4000000"), "{").unwrap();
    let mut resumed = train(&out, &["--steps", "3"]);
    resumed.arg("--resume").arg(&out);
    let (code, stderr) = run(resumed);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!partial.exists() && !out.join("config.tmp-4000000").exists());
}

/// Runs `gan args…` to the end: (exit code, stdout, stderr).
fn gan(args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_gan"))
        .args(args)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

#[test]
fn a_damaged_checkpoint_file_is_refused_and_listed_as_broken() {
    let (dir, out) = trained(&["--steps", "2"]);
    let checkpoint = out.join("checkpoints/step-00000002");
    let run_arg = out.to_str().unwrap();
    // The recipe keeps a moving average: generate reads it, a resume reads the rest.
    for file in [
        "generator_ema.bpk",
        "generator.bpk",
        "discriminator.bpk",
        "generator_optimizer.bpk",
        "discriminator_optimizer.bpk",
    ] {
        let path = checkpoint.join(file);
        let original = std::fs::read(&path).unwrap();
        let mut flipped = original.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0xFF;
        std::fs::write(&path, &flipped).unwrap();

        let (code, _, stderr) = gan(&["models", dir.path().to_str().unwrap()]);
        assert_eq!(code, Some(0));
        assert!(
            stderr.contains(file) && stderr.contains("is damaged"),
            "{file}: {stderr}"
        );
        let (code, _, stderr) = match file {
            "generator_ema.bpk" => gan(&[
                "generate",
                run_arg,
                "--out",
                dir.path().join("g").to_str().unwrap(),
            ]),
            "discriminator.bpk" => gan(&[
                "score",
                run_arg,
                checkpoint
                    .join("../../samples/step-00000002.png")
                    .to_str()
                    .unwrap(),
            ]),
            _ => {
                let mut resume = train(&out, &["--steps", "3"]);
                resume.arg("--resume").arg(&out);
                let (code, stderr) = run(resume);
                (code, String::new(), stderr)
            }
        };
        assert_eq!(code, Some(1), "{file}: {stderr}");
        assert!(
            stderr.contains(file) && stderr.contains("is damaged"),
            "{file}: {stderr}"
        );
        std::fs::write(&path, &original).unwrap();
    }
}

#[test]
fn huge_sizes_are_clear_errors_before_any_allocation() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let (code, _, stderr) = gan(&[
        "train",
        "dcgan",
        "--feature-maps",
        "100000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("DCGAN generator would have about") && !stderr.contains("panicked"),
        "{stderr}"
    );

    assert_eq!(run(train(&out, &["--steps", "1"])).0, Some(0));
    let metadata_path = out.join("checkpoints/step-00000001/metadata.json");
    let mut metadata: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&metadata_path).unwrap()).unwrap();
    metadata["model"]["generator"]["latent_dim"] = 1_000_000_000u64.into();
    std::fs::write(&metadata_path, metadata.to_string()).unwrap();
    let (code, _, stderr) = gan(&[
        "generate",
        out.to_str().unwrap(),
        "--out",
        dir.path().join("g").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("would have about") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn a_resume_takes_its_settings_from_the_checkpoint() {
    let (_dir, out) = trained(&["--steps", "2", "--seed", "5"]);
    let resume = |args: &[&str]| {
        let mut all = vec![
            "train",
            "dcgan",
            "--quiet",
            "--resume",
            out.to_str().unwrap(),
        ];
        all.extend(args);
        gan(&all)
    };
    // Nothing but the new length: size, batch, feature maps, seed and data come from the run.
    let (code, _, stderr) = resume(&["--steps", "3", "--lr-g", "0.001"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(rows(&out).len(), 3);
    let metadata: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("checkpoints/step-00000003/metadata.json")).unwrap(),
    )
    .unwrap();
    let training = &metadata["training"];
    assert_eq!(
        (training["batch_size"].as_u64(), training["seed"].as_u64()),
        (Some(8), Some(5))
    );
    assert_eq!(
        training["generator_optimizer"]["learning_rate"].as_f64(),
        Some(0.001),
        "recorded"
    );

    let (code, _, stderr) = resume(&["--steps", "4", "--batch-size", "16", "--seed", "5"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("batch size 16 (the run's: 8)") && !stderr.contains("seed 5 ("),
        "{stderr}"
    );
    let (code, _, stderr) = resume(&["--steps", "4", "--size", "64", "--label-smoothing", "0.2"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("image size 64 (the run's: 32)") && stderr.contains("objective {"),
        "{stderr}"
    );
    let (code, _, stderr) = resume(&["--steps", "3"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("already at step 3"), "{stderr}");
    // Giving a recorded setting again is no change.
    let (code, _, stderr) = resume(&["--steps", "4", "--data", "embedded", "--batch-size", "8"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = gan(&[
        "train",
        "can",
        "--resume",
        out.to_str().unwrap(),
        "--steps",
        "9",
    ]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("holds a dcgan run"), "{stderr}");
    assert_eq!(rows(&out).len(), 4, "refused resumes train nothing");
}

#[test]
fn without_a_terminal_training_logs_a_line_every_ten_steps() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_gan"));
    command.args([
        "train",
        "dcgan",
        "--size",
        "32",
        "--batch-size",
        "8",
        "--feature-maps",
        "8",
    ]);
    command
        .args(["--steps", "20", "--out"])
        .arg(dir.path().join("run"));
    let (code, stderr) = run(command);
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(": loss_D ")).collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("step 10/20: loss_D") && lines[1].starts_with("step 20/20"),
        "{stderr}"
    );
}

#[test]
fn a_diverging_run_is_warned_about_and_the_summary_counts_all_time() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--steps", "4", "--lr-d", "1e10", "--recipe", "paper"];
    let output = train(&dir.path().join("run"), &args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("training is diverging"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("overall:   32 images in"), "{stdout}");
}

#[test]
fn an_exported_generator_generates_the_same_images_and_is_smaller() {
    let (dir, out) = trained(&["--steps", "2"]);
    let export = dir.path().join("shared");
    let (code, stdout, stderr) = gan(&[
        "export",
        out.to_str().unwrap(),
        "--out",
        export.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("shared") && stdout.contains("MB"),
        "{stdout}"
    );
    let size = |dir: &Path| -> u64 {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum()
    };
    let checkpoint = out.join("checkpoints/step-00000002");
    assert!(size(&export) * 3 < size(&checkpoint), "generator only");

    let generate = |model: &Path, name: &str| {
        let target = dir.path().join(name);
        let (code, _, stderr) = gan(&[
            "generate",
            model.to_str().unwrap(),
            "--count",
            "3",
            "--out",
            target.to_str().unwrap(),
        ]);
        assert_eq!(code, Some(0), "{stderr}");
        image::open(target.join("image-002.png")).unwrap().to_rgb8()
    };
    assert!(
        generate(&out, "from-run") == generate(&export, "from-export"),
        "the same pixels"
    );
    let (code, stdout, stderr) = gan(&["models", dir.path().to_str().unwrap()]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("shared") && !stderr.contains("shared"),
        "{stdout}{stderr}"
    );
    let sample = out.join("samples/step-00000002.png");
    let (code, _, stderr) = gan(&["score", export.to_str().unwrap(), sample.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("discriminator.bpk"), "{stderr}");
    let (code, _, stderr) = gan(&[
        "export",
        out.to_str().unwrap(),
        "--out",
        export.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("already exists"), "{stderr}");
}
