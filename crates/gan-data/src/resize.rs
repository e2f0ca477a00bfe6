//! Resizing to the training resolution: scale the shorter side (up or down), then crop. The
//! Catmull-Rom convolution runs through `fast_image_resize` (SIMD); its kernel widens with the
//! downscale factor, so shrinking is antialiased as in PIL.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
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

/// Scales `image` so that its shorter side is `size` (up or down, Catmull-Rom), crops the
/// centre `size` x `size` square, and converts it to 8-bit RGB. The crop is taken from the
/// source at sub-pixel precision, so no pixel is resampled twice.
pub fn resize_and_center_crop(image: &DynamicImage, size: u32) -> RgbImage {
    let rgb = match image {
        DynamicImage::ImageRgb8(rgb) => std::borrow::Cow::Borrowed(rgb),
        other => std::borrow::Cow::Owned(other.to_rgb8()),
    };
    center_crop_resize(&rgb, size)
}

/// [`resize_and_center_crop`] for an RGB image.
pub fn center_crop_resize(image: &RgbImage, size: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    if w == size && h == size {
        return image.clone();
    }
    let options = catmull_rom().fit_into_destination(Some((0.5, 0.5)));
    resize_rgb(image, size, size, &options)
}

/// Scales `image` so that its shorter side is `size`, keeping the aspect ratio (the longer side
/// is rounded and never below `size`).
pub fn resize_shorter_side(image: &RgbImage, size: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    if w.min(h) == size {
        return image.clone();
    }
    let scale = size as f64 / w.min(h) as f64;
    let new_w = ((w as f64 * scale).round() as u32).max(size);
    let new_h = ((h as f64 * scale).round() as u32).max(size);
    resize_rgb(image, new_w, new_h, &catmull_rom())
}

fn catmull_rom() -> ResizeOptions {
    ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom))
}

fn resize_rgb(image: &RgbImage, width: u32, height: u32, options: &ResizeOptions) -> RgbImage {
    let (w, h) = image.dimensions();
    let source = ImageRef::new(w, h, image.as_raw(), PixelType::U8x3)
        .expect("an RgbImage's buffer is width x height x 3 bytes");
    let mut target = Image::new(width, height, PixelType::U8x3);
    Resizer::new()
        .resize(&source, &mut target, options)
        .expect("source and target are both U8x3");
    RgbImage::from_raw(width, height, target.into_vec())
        .expect("the resized buffer is width x height x 3 bytes")
}
