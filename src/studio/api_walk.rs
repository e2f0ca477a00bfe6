//! Latent walks: one frame at any point of the spherical path between two seeds' latent vectors
//! (a generator forward of one image: fast enough to follow a slider), and the walk as a GIF.

use super::state::Studio;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use gan::burn::prelude::*;
use gan::core::Generator;
use gan::train::LatentWalkConfig;
use gan::train::latent_walk::{seed_latent, slerp};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// The most frames a GIF export has.
pub const MAX_FRAMES: usize = 120;

/// A point of a walk, or a whole walk.
#[derive(Debug, Deserialize)]
pub struct WalkQuery {
    /// The run.
    pub run: String,
    /// A checkpoint of the run; its latest when absent.
    #[serde(default)]
    pub checkpoint: Option<String>,
    /// The seed at `t = 0`.
    pub from: u64,
    /// The seed at `t = 1`.
    pub to: u64,
    /// Where on the path, 0 to 1 (frames).
    #[serde(default)]
    pub t: f32,
    /// How many frames (GIFs).
    #[serde(default = "default_frames")]
    pub frames: usize,
}

fn default_frames() -> usize {
    24
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// The image at `t` on the path from seed `from` to seed `to`, as PNG.
pub async fn frame(State(studio): State<Arc<Studio>>, Query(query): Query<WalkQuery>) -> Response {
    if !(0.0..=1.0).contains(&query.t) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("t must be from 0 to 1, got {}", query.t),
        );
    }
    let Some(run_dir) = studio.model_dir(&query.run, query.checkpoint.as_deref()) else {
        return error(
            StatusCode::BAD_REQUEST,
            format!("no run named {}", query.run),
        );
    };
    let worker = studio.clone();
    let png = tokio::task::spawn_blocking(move || {
        worker.infer(|| {
            let model = worker.model(&run_dir)?;
            let dim = model.generator.latent_dim();
            let a = seed_latent(query.from, dim, &worker.device);
            let b = seed_latent(query.to, dim, &worker.device);
            let latent = Tensor::<2>::from_data(
                TensorData::new(slerp(&a, &b, query.t), [1, dim]),
                &worker.device,
            );
            let images = gan::train::sample::to_rgb_images(model.generator.generate(latent))
                .map_err(|e| e.to_string())?;
            gan::train::sample::encode_png(&images[0], &[]).map_err(|e| e.to_string())
        })
    })
    .await;
    match png {
        Ok(Ok(bytes)) => ([(header::CONTENT_TYPE, "image/png")], bytes).into_response(),
        Ok(Err(message)) => error(StatusCode::UNPROCESSABLE_ENTITY, message),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the walk failed"),
    }
}

/// The walk from `from` to `to` in `frames` frames, there and back, as a looping GIF.
pub async fn gif(State(studio): State<Arc<Studio>>, Query(query): Query<WalkQuery>) -> Response {
    if !(2..=MAX_FRAMES).contains(&query.frames) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("frames must be from 2 to {MAX_FRAMES}"),
        );
    }
    let Some(run_dir) = studio.model_dir(&query.run, query.checkpoint.as_deref()) else {
        return error(
            StatusCode::BAD_REQUEST,
            format!("no run named {}", query.run),
        );
    };
    let worker = studio.clone();
    let gif = tokio::task::spawn_blocking(move || {
        worker.infer(|| {
            let model = worker.model(&run_dir)?;
            let frames = LatentWalkConfig::new(query.from, query.to)
                .with_frames(query.frames)
                .with_bounce(true)
                .with_quiet(true)
                .frames(&model.generator, &worker.device)
                .map_err(|e| e.to_string())?;
            gan::train::output::gif::gif_bytes(&frames, "walk").map_err(|e| e.to_string())
        })
    })
    .await;
    match gif {
        Ok(Ok(bytes)) => (
            [
                (header::CONTENT_TYPE, "image/gif"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"walk.gif\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(message)) => error(StatusCode::UNPROCESSABLE_ENTITY, message),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the walk failed"),
    }
}
