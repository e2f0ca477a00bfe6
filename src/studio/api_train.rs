//! Training from the page: each run is a child `gan train` process (so a crash in training never
//! takes the server down), its output in `<out>/train-logs/<run>.log`; stop sends SIGTERM, on
//! which `gan train` finishes its step and writes a checkpoint; resume continues a stopped run.
//! The page watches runs through their folders (`api_runs::live`), like runs started from a
//! terminal.

use super::security::{not_found, resolve_inside, safe_name};
use super::state::{Studio, lock, terminate};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

/// A training request.
#[derive(Debug, Deserialize)]
pub struct TrainRequest {
    /// The new run's folder name under `--runs`.
    pub name: String,
    /// `dcgan`, `wgan-gp` or `can`.
    pub architecture: String,
    /// Image size: 32, 64, 128 or 256.
    pub size: usize,
    /// Generator steps (1 to 1,000,000).
    pub steps: usize,
    /// Images per step (1 to 512); the preset's when absent.
    pub batch_size: Option<usize>,
    /// A `--data` set by its index; the embedded paintings when absent.
    pub data: Option<usize>,
    /// Measure FID (needs the Inception weights) twice during the run and at its end.
    #[serde(default)]
    pub fid: bool,
}

/// A resume request: the new total of steps.
#[derive(Debug, Deserialize)]
pub struct ResumeRequest {
    /// Generator steps in total, more than the run has done.
    pub steps: usize,
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn spawn(studio: &Studio, name: &str, args: &[String]) -> Result<Child, String> {
    let logs = studio.out.join("train-logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let log_path = logs.join(format!("{name}.log"));
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|e| format!("{}: {e}", log_path.display()))?;
    let err = log.try_clone().map_err(|e| e.to_string())?;
    Command::new(&studio.program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", studio.program.display()))
}

/// Starts a new run.
pub async fn start(
    State(studio): State<Arc<Studio>>,
    Json(request): Json<TrainRequest>,
) -> Response {
    if !safe_name(&request.name) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "a run name is 1 to 128 letters, digits, '.', '_' or '-', not starting with '.'",
        );
    }
    if !["dcgan", "wgan-gp", "can"].contains(&request.architecture.as_str()) {
        return refuse(
            StatusCode::BAD_REQUEST,
            format!("unknown architecture {}", request.architecture),
        );
    }
    if ![32, 64, 128, 256].contains(&request.size) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "the size must be 32, 64, 128 or 256",
        );
    }
    if !(1..=1_000_000).contains(&request.steps) {
        return refuse(StatusCode::BAD_REQUEST, "steps must be from 1 to 1000000");
    }
    let run = studio.runs.join(&request.name);
    if run.exists() {
        return refuse(
            StatusCode::CONFLICT,
            format!(
                "a run named {} exists: resume it, or choose another name",
                request.name
            ),
        );
    }
    let steps = request.steps;
    let mut args: Vec<String> = vec![
        "train".into(),
        request.architecture.clone(),
        "--size".into(),
        request.size.to_string(),
        "--steps".into(),
        steps.to_string(),
        "--sample-every".into(),
        (steps / 20).max(1).to_string(),
        "--checkpoint-every".into(),
        (steps / 4).max(1).to_string(),
        "--out".into(),
        run.display().to_string(),
    ];
    if let Some(batch) = request.batch_size {
        if !(1..=512).contains(&batch) {
            return refuse(
                StatusCode::BAD_REQUEST,
                "the batch size must be from 1 to 512",
            );
        }
        args.extend(["--batch-size".into(), batch.to_string()]);
    }
    if let Some(set) = request.data {
        let Some(set) = studio.data.get(set) else {
            return refuse(StatusCode::BAD_REQUEST, "no such data set");
        };
        args.extend(["--data".into(), set.path.display().to_string()]);
    }
    if request.fid {
        args.extend([
            "--fid-every".into(),
            (steps / 2).max(1).to_string(),
            "--fid-samples".into(),
            "256".into(),
            "--fid-reference-images".into(),
            "512".into(),
        ]);
    }
    match spawn(&studio, &request.name, &args) {
        Ok(child) => {
            let pid = child.id();
            lock(&studio.children).insert(request.name.clone(), child);
            Json(json!({ "name": request.name, "pid": pid, "args": args })).into_response()
        }
        Err(message) => refuse(StatusCode::INTERNAL_SERVER_ERROR, message),
    }
}

/// Stops a run this studio started (it writes a checkpoint first).
pub async fn stop(State(studio): State<Arc<Studio>>, Path(run): Path<String>) -> Response {
    let mut children = lock(&studio.children);
    let Some(child) = children.get_mut(&run) else {
        return refuse(
            StatusCode::NOT_FOUND,
            format!("{run} was not started by this studio"),
        );
    };
    if !matches!(child.try_wait(), Ok(None)) {
        return refuse(StatusCode::CONFLICT, format!("{run} is not running"));
    }
    terminate(child);
    Json(json!({ "stopping": run })).into_response()
}

/// Continues a stopped run to `steps` steps in total.
pub async fn resume(
    State(studio): State<Arc<Studio>>,
    Path(run): Path<String>,
    Json(request): Json<ResumeRequest>,
) -> Response {
    let Some(dir) = resolve_inside(&studio.runs, &[&run]) else {
        return not_found();
    };
    if studio.is_training(&run) {
        return refuse(StatusCode::CONFLICT, format!("{run} is training"));
    }
    let checkpoint = match gan::train::Checkpoint::open(&dir) {
        Ok(checkpoint) => checkpoint,
        Err(error) => return refuse(StatusCode::CONFLICT, error.to_string()),
    };
    let architecture = checkpoint.metadata.model.architecture.to_string();
    let args: Vec<String> = vec![
        "train".into(),
        architecture,
        "--resume".into(),
        dir.display().to_string(),
        "--steps".into(),
        request.steps.to_string(),
    ];
    match spawn(&studio, &run, &args) {
        Ok(child) => {
            lock(&studio.children).insert(run.clone(), child);
            Json(json!({ "name": run, "args": args })).into_response()
        }
        Err(message) => refuse(StatusCode::INTERNAL_SERVER_ERROR, message),
    }
}

/// The last 8 KB of a run's training log (runs started here).
pub async fn log(State(studio): State<Arc<Studio>>, Path(run): Path<String>) -> Response {
    if !safe_name(&run) {
        return not_found();
    }
    let path = studio.out.join("train-logs").join(format!("{run}.log"));
    match std::fs::read(&path) {
        Ok(bytes) => {
            let tail = &bytes[bytes.len().saturating_sub(8192)..];
            let exit = lock(&studio.children)
                .get_mut(&run)
                .and_then(|child| child.try_wait().ok().flatten())
                .map(|status| status.code());
            Json(json!({ "log": String::from_utf8_lossy(tail), "exit": exit })).into_response()
        }
        Err(_) => not_found(),
    }
}
