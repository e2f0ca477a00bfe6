//! Resizing to the training resolution: scale the shorter side (up or down), then crop.

use image::imageops::{self, FilterType};
use image::{DynamicImage, RgbImage};
use serde::{Deserialize, Serialize};

/// How a non-square image becomes square after its shorter side is scaled to the training
/// size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CropMode {
    /// The centre square (deterministic).
    #[default]
    Center,
    /// A square at a random position along the longer side, drawn again every epoch.
    Random,
}

/// Scales `image` so that its shorter side is `size` (up or down, with a Catmull-Rom filter),
/// crops the centre `size` x `size` square, and converts it to 8-bit RGB.
pub fn resize_and_center_crop(image: &DynamicImage, size: u32) -> RgbImage {
    let rgb = resize_shorter_side(&image.to_rgb8(), size);
    let (w, h) = rgb.dimensions();
    if w == size && h == size {
        return rgb;
    }
    imageops::crop_imm(&rgb, (w - size) / 2, (h - size) / 2, size, size).to_image()
}

/// Scales `image` so that its shorter side is `size`, keeping the aspect ratio (the longer side
/// is rounded and never below `size`). Catmull-Rom filter, which also antialiases when
/// shrinking.
pub fn resize_shorter_side(image: &RgbImage, size: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    if w.min(h) == size {
        return image.clone();
    }
    let scale = size as f64 / w.min(h) as f64;
    let new_w = ((w as f64 * scale).round() as u32).max(size);
    let new_h = ((h as f64 * scale).round() as u32).max(size);
    imageops::resize(image, new_w, new_h, FilterType::CatmullRom)
}
