//! Generation: a job per request (model, seed or a random one drawn and shown, count, output
//! size), progress and the result as server-sent events, cancel, and the history of earlier
//! generations. Each generation is `gan generate`'s own call into a new folder under
//! `<out>/generated/`, with `settings.json` beside the images; the discriminator's verdict on
//! each image is `gan score`'s.

use super::security::{not_found, resolve_inside, safe_name, serve};
use super::state::{Job, Studio, lock};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use gan::core::realesrgan::RealEsrganModel;
use gan::train::GenerationConfig;
use gan::train::error::TrainError;
use serde::Deserialize;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// The most images one generation makes in the studio.
pub const MAX_COUNT: usize = 100;

/// A generation request.
#[derive(Debug, Deserialize)]
pub struct GenerateRequest {
    /// The run (a folder name under `--runs`).
    pub run: String,
    /// A checkpoint of the run (`step-NNNNNNNN`); its latest when absent.
    #[serde(default)]
    pub checkpoint: Option<String>,
    /// The seed; `None` draws one (and the response says which).
    pub seed: Option<u64>,
    /// How many images (1 to [`MAX_COUNT`]).
    pub count: usize,
    /// `native`, `lanczos2`, `lanczos4` (resampling, adds no detail), or a Real-ESRGAN model:
    /// `x4plus`, `x4plus-anime`, `animevideov3`.
    #[serde(default = "native")]
    pub size: String,
}

fn native() -> String {
    "native".into()
}

/// A seed below 2^32, from the clock and the process's hash keys (shown to the user, so it can
/// be reused; small enough to type).
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish() & 0xFFFF_FFFF
}

fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": message.into() })),
    )
        .into_response()
}

/// Starts a generation; answers `{"job": id, "seed": seed}` at once.
pub async fn start(
    State(studio): State<Arc<Studio>>,
    Json(request): Json<GenerateRequest>,
) -> Response {
    if !(1..=MAX_COUNT).contains(&request.count) {
        return bad_request(format!(
            "count must be from 1 to {MAX_COUNT}, got {}",
            request.count
        ));
    }
    let upscale = match request.size.as_str() {
        "native" | "lanczos2" | "lanczos4" => None,
        other => match RealEsrganModel::from_name(other) {
            Some(model) => Some(model),
            None => return bad_request(format!("unknown size {other}")),
        },
    };
    let Some(run_dir) = studio.model_dir(&request.run, request.checkpoint.as_deref()) else {
        return bad_request(format!(
            "no run named {} (or no such checkpoint)",
            request.run
        ));
    };
    let seed = request.seed.unwrap_or_else(random_seed);
    let (id, job) = studio.new_job(request.count);
    let studio_for_job = studio.clone();
    tokio::task::spawn_blocking(move || {
        let outcome = studio_for_job
            .infer(|| generate(&studio_for_job, &run_dir, &request, seed, upscale, &job));
        *lock(&job.outcome) = Some(outcome.map_err(|e| e.to_string()));
    });
    Json(json!({ "job": id, "seed": seed })).into_response()
}

fn generate(
    studio: &Studio,
    run_dir: &std::path::Path,
    request: &GenerateRequest,
    seed: u64,
    upscale: Option<RealEsrganModel>,
    job: &Job,
) -> Result<Value, TrainError> {
    let model = studio.model(run_dir).map_err(TrainError::Invalid)?;
    let native = model.checkpoint.metadata.model.image_size as u32;
    let size = match request.size.as_str() {
        "lanczos2" => Some(native * 2),
        "lanczos4" => Some(native * 4),
        _ => None,
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let folder = format!("{}-seed{seed}-{stamp}", request.run);
    let generated = studio.out.join("generated");
    let out = generated.join(&folder);
    let config = GenerationConfig::new()
        .with_count(request.count)
        .with_seed(seed)
        .with_size(size)
        .with_upscale(upscale)
        .with_quiet(true);
    let recorded = &model.checkpoint.metadata;
    let describe = [
        ("gan:model", model.checkpoint.dir.display().to_string()),
        ("gan:architecture", recorded.model.architecture.to_string()),
        ("gan:step", recorded.step.to_string()),
    ];
    let files =
        config.write_reporting(&model.generator, &out, &studio.device, &describe, |_| {
            job.done.fetch_add(1, Ordering::Relaxed);
            if job.cancel.load(Ordering::Relaxed) {
                return Err(TrainError::Invalid("cancelled".into()));
            }
            Ok(())
        })?;
    let images: Vec<std::path::PathBuf> = files[..files.len() - 1].to_vec();
    let verdicts = model.checkpoint.judge(&images, 3, &studio.device)?;
    let settings = json!({
        "run": request.run,
        "checkpoint": model.checkpoint.dir.file_name().map(|n| n.to_string_lossy().into_owned()),
        "step": recorded.step,
        "seed": seed,
        "count": request.count,
        "size": request.size,
        "native_size": native,
        "created_unix_ms": stamp as u64,
    });
    std::fs::write(out.join("settings.json"), format!("{settings:#}\n")).map_err(|source| {
        TrainError::Io {
            path: out.join("settings.json"),
            source,
        }
    })?;
    let images: Vec<Value> = images
        .iter()
        .zip(&verdicts)
        .enumerate()
        .map(|(index, (path, verdict))| {
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            json!({
                "url": format!("/api/outputs/{folder}/{file}"),
                "index": index,
                "seed": seed,
                "p_real": verdict.real_probability,
                "score": verdict.raw_score,
                "styles": verdict.styles,
            })
        })
        .collect();
    Ok(json!({
        "folder": folder,
        "path": out.display().to_string(),
        "seed": seed,
        "images": images,
        "grid": format!("/api/outputs/{folder}/grid.png"),
        "settings": settings,
    }))
}

/// Progress events (`progress`: done and total), then `done` (the result) or `failed`.
pub async fn events(State(studio): State<Arc<Studio>>, Path(job): Path<u64>) -> Response {
    let Some(job) = lock(&studio.jobs).get(&job).cloned() else {
        return not_found();
    };
    let stream =
        futures_util::stream::unfold((job, usize::MAX, false), |(job, shown, ended)| async move {
            if ended {
                return None;
            }
            loop {
                let outcome = lock(&job.outcome).clone();
                if let Some(outcome) = outcome {
                    let event = match outcome {
                        Ok(result) => Event::default().event("done").data(result.to_string()),
                        Err(message) => Event::default()
                            .event("failed")
                            .data(json!({ "error": message }).to_string()),
                    };
                    return Some((Ok::<_, Infallible>(event), (job, shown, true)));
                }
                let done = job.done.load(Ordering::Relaxed);
                if done != shown {
                    let total = job.total.load(Ordering::Relaxed);
                    let event = Event::default()
                        .event("progress")
                        .data(json!({ "done": done, "total": total }).to_string());
                    return Some((Ok(event), (job, done, false)));
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Asks a running generation to stop after its current image.
pub async fn cancel(State(studio): State<Arc<Studio>>, Path(job): Path<u64>) -> Response {
    match lock(&studio.jobs).get(&job) {
        Some(job) => {
            job.cancel.store(true, Ordering::Relaxed);
            Json(json!({ "cancelled": true })).into_response()
        }
        None => not_found(),
    }
}

/// Earlier generations, newest first (at most 50): their settings and first image.
pub async fn history(State(studio): State<Arc<Studio>>) -> Response {
    let generated = studio.out.join("generated");
    let entries = tokio::task::spawn_blocking(move || {
        let Ok(entries) = std::fs::read_dir(&generated) else {
            return Vec::new();
        };
        let mut found: Vec<(u64, Value)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let folder = e.file_name().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(e.path().join("settings.json")).ok()?;
                let settings: Value = serde_json::from_str(&text).ok()?;
                let created = settings["created_unix_ms"].as_u64().unwrap_or(0);
                Some((
                    created,
                    json!({
                        "folder": folder,
                        "settings": settings,
                        "first": format!("/api/outputs/{folder}/image-000.png"),
                    }),
                ))
            })
            .collect();
        found.sort_by_key(|entry| std::cmp::Reverse(entry.0));
        found
            .into_iter()
            .take(50)
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    Json(json!({ "history": entries })).into_response()
}

/// A generated image (`image-NNN.png`), the generation's `grid.png` or its `settings.json`.
pub async fn output_file(
    State(studio): State<Arc<Studio>>,
    Path((folder, file)): Path<(String, String)>,
) -> Response {
    let generated = studio.out.join("generated");
    if !safe_name(&folder) {
        return not_found();
    }
    let is_image = file
        .strip_prefix("image-")
        .and_then(|rest| rest.strip_suffix(".png"))
        .is_some_and(|digits| digits.len() >= 3 && digits.bytes().all(|b| b.is_ascii_digit()));
    let (path, mime) = if is_image {
        (resolve_inside(&generated, &[&folder, &file]), "image/png")
    } else if file == "grid.png" {
        (
            resolve_inside(&generated, &[&format!("{folder}-grid.png")]),
            "image/png",
        )
    } else if file == "settings.json" {
        (
            resolve_inside(&generated, &[&folder, &file]),
            "application/json",
        )
    } else {
        return not_found();
    };
    serve(path, mime).await
}
