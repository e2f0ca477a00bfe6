//! Resizing to the training resolution: scale the shorter side, then crop the centre.

use image::imageops::{self, FilterType};
use image::{DynamicImage, RgbImage};

/// Scales `image` so that its shorter side is `size` (up or down, with a Catmull-Rom filter),
/// crops the centre `size` x `size` square, and converts it to 8-bit RGB.
pub fn resize_and_center_crop(image: &DynamicImage, size: u32) -> RgbImage {
    let rgb = image.to_rgb8();
    let (w, h) = rgb.dimensions();
    if w == size && h == size {
        return rgb;
    }
    let scale = size as f64 / w.min(h) as f64;
    let new_w = ((w as f64 * scale).round() as u32).max(size);
    let new_h = ((h as f64 * scale).round() as u32).max(size);
    let resized = imageops::resize(&rgb, new_w, new_h, FilterType::CatmullRom);
    let x = (new_w - size) / 2;
    let y = (new_h - size) / 2;
    imageops::crop_imm(&resized, x, y, size, size).to_image()
}
