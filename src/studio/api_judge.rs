//! The judge: an uploaded image, prepared exactly as training prepares images (shorter side
//! scaled to the model's size, centre crop), then the discriminator's P(real) (a critic's or
//! hinge discriminator's score, labelled as such) and, for CAN, its three most likely styles.
//! The crop it judged comes back as a PNG, so the page shows what the model saw.

use super::state::Studio;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use gan::train::judge::{judge_items, prepare_image};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// Which model judges, and the upload's name (for messages).
#[derive(Debug, Deserialize)]
pub struct JudgeQuery {
    /// The run.
    pub run: String,
    /// A checkpoint of the run; its latest when absent.
    #[serde(default)]
    pub checkpoint: Option<String>,
    /// The file's name, as the user chose it.
    #[serde(default)]
    pub name: String,
}

/// Judges the request body (the image file's bytes, at most [`super::MAX_UPLOAD`]).
pub async fn judge(
    State(studio): State<Arc<Studio>>,
    Query(query): Query<JudgeQuery>,
    body: Bytes,
) -> Response {
    let Some(run_dir) = studio.model_dir(&query.run, query.checkpoint.as_deref()) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": format!("no run named {}", query.run) })),
        )
            .into_response();
    };
    let worker = studio.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        worker.infer(|| {
            let model = worker.model(&run_dir)?;
            let size = model.checkpoint.metadata.model.image_size;
            let name = std::path::PathBuf::from(if query.name.is_empty() { "upload" } else { &query.name });
            let item = prepare_image(&body, size, &name).map_err(|e| e.to_string())?;
            let crop = image::RgbImage::from_raw(size as u32, size as u32, item.pixels.clone())
                .ok_or("the prepared image has the wrong size")?;
            let png = gan::train::sample::encode_png(&crop, &[]).map_err(|e| e.to_string())?;
            let scores = judge_items(
                &model.discriminator,
                &model.checkpoint.metadata.class_names,
                std::slice::from_ref(&name),
                &[item],
                3,
                model.checkpoint.gives_probability(),
                &worker.device,
                None,
            );
            let score = &scores[0];
            Ok::<_, String>(json!({
                "name": name,
                "p_real": score.real_probability,
                "score": score.raw_score,
                "label": if score.real_probability.is_some() { "P(real)" } else { "critic score (higher: more real; not a probability)" },
                "styles": score.styles,
                "crop": format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png)),
                "size": size,
            }))
        })
    })
    .await;
    match outcome {
        Ok(Ok(result)) => Json(result).into_response(),
        Ok(Err(message)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": message })),
        )
            .into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": "the judge failed" })),
        )
            .into_response(),
    }
}
