//! The data sets given with `--data` (only those: the page cannot name a folder): their styles,
//! their images page by page, and one image through the preprocessing training applies:
//! the original, the centre square, its mirror image (training flips at random), and the image
//! at model size.

use super::security::not_found;
use super::state::{PREVIEW_SIZE, Studio};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use image::RgbImage;
use image::imageops::{self, FilterType};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// The largest side of a preview picture, in pixels.
const DISPLAY: u32 = 256;

/// The data sets and their styles.
pub async fn list(State(studio): State<Arc<Studio>>) -> Response {
    let sets: Vec<Value> = studio
        .data
        .iter()
        .enumerate()
        .map(|(id, set)| {
            let names = set.dataset.class_names();
            let mut counts = vec![0usize; names.len()];
            let len = gan::burn::data::dataset::Dataset::len(&set.dataset);
            for index in 0..len {
                if let Some(count) = set.dataset.label(index).and_then(|l| counts.get_mut(l)) {
                    *count += 1;
                }
            }
            json!({
                "id": id,
                "path": set.path.display().to_string(),
                "count": len,
                "styles": names.iter().zip(&counts).map(|(name, count)| json!({ "name": name, "count": count })).collect::<Vec<_>>(),
                "skipped": set.dataset.report().bad_files.len(),
            })
        })
        .collect();
    Json(json!({ "sets": sets, "model_size": PREVIEW_SIZE })).into_response()
}

/// A page of images.
#[derive(Debug, Deserialize)]
pub struct ImagesQuery {
    /// Only this style (by name); all when absent.
    pub style: Option<String>,
    /// The first image of the page.
    #[serde(default)]
    pub offset: usize,
    /// Images per page (at most 100).
    #[serde(default = "default_limit")]
    pub limit: usize,
}

fn default_limit() -> usize {
    24
}

/// `{"images": [{"index", "name", "style"}], "total"}` for one page.
pub async fn images(
    State(studio): State<Arc<Studio>>,
    Path(set): Path<usize>,
    Query(query): Query<ImagesQuery>,
) -> Response {
    let Some(set) = studio.data.get(set) else {
        return not_found();
    };
    let names = set.dataset.class_names();
    let wanted = match &query.style {
        Some(style) => match names.iter().position(|n| n == style) {
            Some(label) => Some(label),
            None => {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({ "error": format!("no style {style}") })),
                )
                    .into_response();
            }
        },
        None => None,
    };
    let paths = set.dataset.paths();
    let matching: Vec<usize> = (0..paths.len())
        .filter(|&i| wanted.is_none() || set.dataset.label(i) == wanted)
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(query.offset)
        .take(query.limit.min(100))
        .map(|&index| {
            json!({
                "index": index,
                "name": paths[index].file_name().map(|n| n.to_string_lossy().into_owned()),
                "style": set.dataset.label(index).and_then(|l| names.get(l)),
            })
        })
        .collect();
    Json(json!({ "images": page, "total": matching.len() })).into_response()
}

fn data_url(image: &RgbImage) -> String {
    let png = gan::train::sample::encode_png(image, &[]).unwrap_or_default();
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

fn fit(image: &RgbImage, side: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let scale = side as f64 / w.max(h).max(1) as f64;
    if scale >= 1.0 {
        return image.clone();
    }
    let (nw, nh) = (
        ((w as f64 * scale).round() as u32).max(1),
        ((h as f64 * scale).round() as u32).max(1),
    );
    imageops::resize(image, nw, nh, FilterType::Triangle)
}

/// One image through the preprocessing, as data URLs.
pub async fn preview(
    State(studio): State<Arc<Studio>>,
    Path((set, index)): Path<(usize, usize)>,
) -> Response {
    if studio.data.get(set).is_none() {
        return not_found();
    }
    let worker = studio.clone();
    let result = tokio::task::spawn_blocking(move || {
        let set = &worker.data[set];
        let original = set.dataset.original(index).map_err(|e| e.to_string())?;
        let (w, h) = original.dimensions();
        // The data loader's own centre square, at display size (training then resizes it to
        // the model's size: `load` below).
        let square = gan::data::center_crop_resize(&original, DISPLAY.min(w.min(h)));
        let flipped = imageops::flip_horizontal(&square);
        let item = set.dataset.load(index).map_err(|e| e.to_string())?;
        let model = RgbImage::from_raw(item.width as u32, item.height as u32, item.pixels)
            .ok_or("a loaded image has the wrong size")?;
        Ok::<_, String>(json!({
            "index": index,
            "original_size": [w, h],
            "original": data_url(&fit(&original, DISPLAY)),
            "crop": data_url(&square),
            "flip": data_url(&flipped),
            "model": data_url(&model),
            "model_size": PREVIEW_SIZE,
        }))
    })
    .await;
    match result {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(message)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": message })),
        )
            .into_response(),
        Err(_) => not_found(),
    }
}
