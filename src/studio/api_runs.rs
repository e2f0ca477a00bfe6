//! The runs under `--runs`: cards (architecture, size, steps, date, FID, data set, latest grid,
//! learning curve), their sample grids and files, their metrics, and a live feed of a run in
//! progress (server-sent events), for runs started here or from a terminal alike.

use super::security::{not_found, resolve_inside, safe_name, serve};
use super::state::Studio;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use gan::train::output::{FidLog, MetricsLog, RunFolder};
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

/// The direct sub-folders of the runs folder that are runs, as cards.
pub async fn list(State(studio): State<Arc<Studio>>) -> Response {
    let studio = studio.clone();
    let cards = tokio::task::spawn_blocking(move || run_cards(&studio))
        .await
        .unwrap_or_default();
    Json(json!({ "runs": cards })).into_response()
}

fn run_cards(studio: &Studio) -> Vec<Value> {
    let Ok(entries) = std::fs::read_dir(&studio.runs) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| safe_name(name) && RunFolder::is_run(&studio.runs.join(name)))
        .collect();
    names.sort();
    names.iter().map(|name| card(studio, name)).collect()
}

fn card(studio: &Studio, name: &str) -> Value {
    let dir = studio.runs.join(name);
    let model = gan::train::runs::find_models(&dir)
        .ok()
        .and_then(|(models, _)| models.into_iter().next());
    let steps = sample_steps(&dir);
    let grid = steps
        .last()
        .map(|step| format!("/api/runs/{name}/samples/step-{step:08}.png"));
    let curve = RunFolder::new(&dir)
        .learning_curve()
        .is_file()
        .then(|| format!("/api/runs/{name}/files/learning_curve.png"));
    let mut card = json!({
        "name": name,
        "training": studio.is_training(name),
        "latest_grid": grid,
        "curve": curve,
        "has_model": model.is_some(),
    });
    if let Some(model) = model {
        card["architecture"] = json!(model.architecture);
        card["image_size"] = json!(model.image_size);
        card["steps"] = json!(model.steps);
        card["created_unix"] = json!(model.created_unix);
        card["data"] = json!(model.data);
        card["fid"] = json!(model.fid);
        card["styles"] = json!(model.styles);
        card["checkpoint"] = json!(
            model
                .checkpoint
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        );
        card["checkpoints"] = json!(checkpoint_names(&dir));
    }
    card
}

/// The run's checkpoint folders (`step-NNNNNNNN` with metadata), newest first.
fn checkpoint_names(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(RunFolder::new(dir).checkpoints()) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("metadata.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("step-") && safe_name(name))
        .collect();
    names.sort_unstable_by(|a, b| b.cmp(a));
    names
}

/// The steps that have a sample grid, ascending.
fn sample_steps(dir: &std::path::Path) -> Vec<usize> {
    let Ok(entries) = std::fs::read_dir(RunFolder::new(dir).samples()) else {
        return Vec::new();
    };
    let mut steps: Vec<usize> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_prefix("step-")?
                .strip_suffix(".png")?
                .parse()
                .ok()
        })
        .collect();
    steps.sort_unstable();
    steps
}

/// `{"steps": [...]}`: the steps of run `run` that have a sample grid.
pub async fn samples(State(studio): State<Arc<Studio>>, Path(run): Path<String>) -> Response {
    match resolve_inside(&studio.runs, &[&run]) {
        Some(dir) => Json(json!({ "steps": sample_steps(&dir) })).into_response(),
        None => not_found(),
    }
}

/// A sample grid: `samples/step-NNNNNNNN.png` of a run, nothing else.
pub async fn sample_file(
    State(studio): State<Arc<Studio>>,
    Path((run, file)): Path<(String, String)>,
) -> Response {
    let pattern = file
        .strip_prefix("step-")
        .and_then(|rest| rest.strip_suffix(".png"))
        .is_some_and(|digits| digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()));
    if !pattern {
        return not_found();
    }
    serve(
        resolve_inside(&studio.runs, &[&run, "samples", &file]),
        "image/png",
    )
    .await
}

/// A run's own outputs by name: its learning curve, progress GIF, metrics and FID logs.
pub async fn run_file(
    State(studio): State<Arc<Studio>>,
    Path((run, file)): Path<(String, String)>,
) -> Response {
    let mime = match file.as_str() {
        "learning_curve.png" => "image/png",
        "progress.gif" => "image/gif",
        "metrics.csv" | "fid.csv" => "text/csv",
        _ => return not_found(),
    };
    serve(resolve_inside(&studio.runs, &[&run, &file]), mime).await
}

/// A run's metrics rows and FID points as JSON, for curves drawn in the page.
pub async fn metrics(State(studio): State<Arc<Studio>>, Path(run): Path<String>) -> Response {
    let Some(dir) = resolve_inside(&studio.runs, &[&run]) else {
        return not_found();
    };
    Json(read_metrics(&dir, 0)).into_response()
}

/// `{"columns": [...], "rows": [[...]], "fid": [[step, fid]], "samples": [...]}` from row
/// `from` on.
fn read_metrics(dir: &std::path::Path, from: usize) -> Value {
    let folder = RunFolder::new(dir);
    // The run's own readers: a row still being written is left for the next event.
    let (columns, metrics) = MetricsLog::read_columns(&folder.metrics()).unwrap_or_default();
    let fid: Vec<[f64; 2]> = FidLog::read(&folder.fid_log())
        .unwrap_or_default()
        .into_iter()
        .map(|point| [point.step as f64, point.fid])
        .collect();
    // Rows in the CSV's column order; NaN is not JSON, so a non-finite value goes as null.
    let number = |v: f32| if v.is_finite() { json!(v) } else { Value::Null };
    let rows: Vec<Vec<Value>> = metrics
        .iter()
        .skip(from)
        .map(|m| {
            let mut row = vec![
                json!(m.step),
                json!(m.epoch),
                number(m.discriminator_loss),
                number(m.generator_loss),
                number(m.real_score),
                number(m.fake_score_before),
                number(m.fake_score_after),
                number(m.images_per_second),
            ];
            row.extend(m.extra.iter().map(|&v| number(v)));
            row
        })
        .collect();
    // The run's planned length and batch size, for an ETA (config.json records the settings).
    let config: Value = std::fs::read_to_string(folder.config())
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null);
    let training = &config["training"];
    json!({
        "columns": columns,
        "rows": rows,
        "fid": fid,
        "samples": sample_steps(dir),
        "total_steps": training["steps"],
        "batch_size": training["batch_size"],
    })
}

/// Server-sent events for a run: every second, the metrics rows added since the last event,
/// the FID points and sample steps, and whether it is still training.
pub async fn live(State(studio): State<Arc<Studio>>, Path(run): Path<String>) -> Response {
    let Some(dir) = resolve_inside(&studio.runs, &[&run]) else {
        return not_found();
    };
    let stream = futures_util::stream::unfold(
        (studio, run, dir, 0usize, true),
        |(studio, run, dir, sent, first)| async move {
            if !first {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            let (update, rows) = {
                let (studio, run, dir) = (studio.clone(), run.clone(), dir.clone());
                tokio::task::spawn_blocking(move || {
                    let mut update = read_metrics(&dir, sent);
                    let rows = sent + update["rows"].as_array().map_or(0, Vec::len);
                    update["training"] = json!(studio.is_training(&run));
                    update["from"] = json!(sent);
                    (update, rows)
                })
                .await
                .unwrap_or((json!({}), sent))
            };
            let event = Event::default().event("metrics").data(update.to_string());
            Some((Ok::<_, Infallible>(event), (studio, run, dir, rows, false)))
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
