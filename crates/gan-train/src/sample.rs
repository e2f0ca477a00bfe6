//! Sampling: latent noise that depends only on a seed, and image grids as PNG.

use crate::error::TrainError;
use crate::random::{LATENT_STREAM, StepRandom};
use burn::prelude::*;
use gan_core::Generator;
use image::{Rgb, RgbImage};
use std::path::Path;

/// `count` latent vectors from N(0, 1), drawn on the host from `seed`: the same seed gives the
/// same noise on every backend and device.
///
/// - returns: `[count, latent_dim]`
pub fn latent_noise(count: usize, latent_dim: usize, seed: u64, device: &Device) -> Tensor<2> {
    StepRandom::new(seed).normal(LATENT_STREAM, [count, latent_dim], device)
}

/// `latent` cut into consecutive batches of at most `batch` rows (at least one), for
/// generating many images without holding them all at once.
///
/// - `latent`: `[N, latent_dim]`
/// - yields: `[B, latent_dim]`, the last one possibly shorter
pub fn latent_batches(latent: Tensor<2>, batch: usize) -> impl Iterator<Item = Tensor<2>> {
    let [count, _] = latent.dims();
    let batch = batch.max(1);
    (0..count)
        .step_by(batch)
        .map(move |start| latent.clone().narrow(0, start, batch.min(count - start)))
}

/// Generates `count` images from `seed` with `generator` in inference mode.
///
/// - returns: `[count, C, H, W]` in `[-1, 1]`
pub fn generate<G: Generator>(
    generator: &G,
    count: usize,
    seed: u64,
    device: &Device,
) -> Tensor<4> {
    let generator = generator.valid();
    let device = device.clone().without_autodiff();
    generator.generate(latent_noise(count, generator.latent_dim(), seed, &device))
}

/// Converts images in `[-1, 1]` to 8-bit RGB images (grayscale is repeated to RGB).
///
/// - `images`: `[B, C, H, W]`, C = 1 or 3
pub fn to_rgb_images(images: Tensor<4>) -> Result<Vec<RgbImage>, TrainError> {
    let [batch, channels, height, width] = images.dims();
    if channels != 1 && channels != 3 {
        return Err(TrainError::Setting(format!(
            "images need 1 or 3 channels to be saved, got {channels}"
        )));
    }
    let values: Vec<f32> = images.into_data().iter::<f32>().collect();
    let plane = height * width;
    Ok((0..batch)
        .map(|b| {
            let image = &values[b * channels * plane..(b + 1) * channels * plane];
            RgbImage::from_fn(width as u32, height as u32, |x, y| {
                let p = y as usize * width + x as usize;
                let at = |c: usize| {
                    let v = image[(c % channels) * plane + p];
                    ((v + 1.0) * 127.5).round().clamp(0.0, 255.0) as u8
                };
                Rgb([at(0), at(1), at(2)])
            })
        })
        .collect())
}

/// Lays `images` out in a grid of `columns` columns with a 2-pixel dark border.
pub fn grid(images: &[RgbImage], columns: usize) -> RgbImage {
    let columns = columns.max(1).min(images.len().max(1));
    let rows = images.len().div_ceil(columns).max(1);
    let (w, h) = images.first().map_or((1, 1), |i| i.dimensions());
    let pad = 2;
    let mut out = RgbImage::from_pixel(
        columns as u32 * (w + pad) + pad,
        rows as u32 * (h + pad) + pad,
        Rgb([24, 24, 24]),
    );
    for (i, image) in images.iter().enumerate() {
        let x = pad + (i % columns) as u32 * (w + pad);
        let y = pad + (i / columns) as u32 * (h + pad);
        image::imageops::replace(&mut out, image, x as i64, y as i64);
    }
    out
}

/// Saves images in `[-1, 1]` as one PNG grid, about square, with `text` chunks (see
/// [`save_png_described`]).
///
/// - `images`: `[B, C, H, W]`
pub fn save_grid(
    images: Tensor<4>,
    path: &Path,
    text: &[(&str, String)],
) -> Result<(), TrainError> {
    let images = to_rgb_images(images)?;
    let columns = (images.len() as f64).sqrt().ceil() as usize;
    save_png_described(&grid(&images, columns), path, text)
}

/// Writes a PNG with text chunks (`key: value`, UTF-8 `iTXt`), creating its folder: what
/// made it (model, step, seed, index) travels with the picture.
pub fn save_png_described(
    image: &RgbImage,
    path: &Path,
    text: &[(&str, String)],
) -> Result<(), TrainError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(TrainError::io(parent))?;
    }
    let bytes = encode_png(image, text).map_err(|err| TrainError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(err),
    })?;
    std::fs::write(path, bytes).map_err(TrainError::io(path))
}

/// A PNG file's bytes: 8-bit RGB, well compressed, with `text` as UTF-8 `iTXt` chunks after
/// a `Software` chunk.
pub fn encode_png(
    image: &RgbImage,
    text: &[(&str, String)],
) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let (width, height) = image.dimensions();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Paintings compress well (an 8x8 grid of 64x64 to about a quarter of its 843 KB); noise,
    // such as an untrained generator's, barely does.
    encoder.set_compression(png::Compression::High);
    encoder.add_itxt_chunk(
        "Software".into(),
        format!("gan {}", env!("CARGO_PKG_VERSION")),
    )?;
    for (key, value) in text {
        encoder.add_itxt_chunk(key.to_string(), value.clone())?;
    }
    let mut writer = encoder.write_header()?;
    writer.write_image_data(image.as_raw())?;
    writer.finish()?;
    Ok(bytes)
}

/// Writes a PNG, creating its folder.
pub fn save_png(image: &RgbImage, path: &Path) -> Result<(), TrainError> {
    save_png_described(image, path, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smooth_pictures_are_written_compressed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grid.png");
        let image = RgbImage::from_fn(530, 530, |x, y| {
            Rgb([(x / 3) as u8, (y / 3) as u8, ((x + y) / 6) as u8])
        });
        save_png(&image, &path).unwrap();
        let raw = 530 * 530 * 3;
        let written = std::fs::metadata(&path).unwrap().len() as usize;
        assert!(
            written * 10 < raw,
            "{written} bytes for {raw} bytes of pixels"
        );
        let decoded = image::open(&path).unwrap().to_rgb8();
        assert_eq!(decoded, image);
    }
}
