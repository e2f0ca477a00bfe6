//! Real-ESRGAN upscaling of images, as Real-ESRGAN's own inference does it: RGB in `[0, 1]`, the
//! network, clamp to `[0, 1]`, x 255, round half to even, 8-bit; large inputs in tiles with an
//! overlap (`tile_pad`), so memory stays bounded for any image size; images of one size in
//! batches. What `gan upscale`, `gan generate --upscale`, the studio and notebooks call.
//!
//! The official weights are read from a folder ([`default_weights_dir`]), each file checked
//! against the SHA-256 that [`RealEsrganModel::sha256`] records;
//! `scripts/upscale/fetch_realesrgan_weights.sh` puts them there.

use crate::delayed_progress::DelayedProgress;
use crate::error::TrainError;
use crate::sample::save_png_described;
use burn::module::Module;
use burn::prelude::*;
use gan_core::realesrgan::ncnn::NcnnModel;
use gan_core::realesrgan::{RealEsrgan, RealEsrganModel};
use image::RgbImage;
use std::path::{Path, PathBuf};

/// The environment variable that names the weights folder.
pub const WEIGHTS_DIR_ENV: &str = "GAN_REALESRGAN_DIR";

/// The script that fetches the weights, named in errors.
pub const FETCH_SCRIPT: &str = "scripts/upscale/fetch_realesrgan_weights.sh";

/// Without an explicit tile size, inputs with a side longer than this are upscaled in tiles of
/// this size (x4plus then needs about 1.2 GB of activations per tile on the CPU).
pub const AUTO_TILE: usize = 256;

/// Real-ESRGAN's default overlap between tiles, in input pixels.
pub const DEFAULT_TILE_PAD: usize = 10;

/// The largest output this upscales, in pixels (256 M: 768 MB as 8-bit RGB).
pub const MAX_OUTPUT_PIXELS: u64 = 1 << 28;

/// Where the weights are looked for when no folder is given: `$GAN_REALESRGAN_DIR` if set,
/// else `.cache/realesrgan` (relative to the working directory), where the fetch script puts
/// them.
pub fn default_weights_dir() -> PathBuf {
    std::env::var_os(WEIGHTS_DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".cache/realesrgan"))
}

/// How tiles are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Tiling {
    /// Tiles of [`AUTO_TILE`] for inputs with a longer side; others whole.
    Auto,
    /// Never tile (fastest; memory grows with the image).
    Off,
    /// Tiles of this many input pixels a side.
    Size(usize),
}

impl Tiling {
    /// `0` means off, as Real-ESRGAN's `--tile 0`.
    pub fn from_size(size: usize) -> Self {
        if size == 0 {
            Self::Off
        } else {
            Self::Size(size)
        }
    }

    fn tile_for(self, height: usize, width: usize) -> Option<usize> {
        match self {
            Self::Off => None,
            Self::Size(size) => Some(size),
            Self::Auto => (height.max(width) > AUTO_TILE).then_some(AUTO_TILE),
        }
    }
}

/// A Real-ESRGAN network ready to upscale images.
#[derive(Debug, Clone)]
pub struct Upscaler {
    network: RealEsrgan,
    name: String,
    device: Device,
    tiling: Tiling,
    tile_pad: usize,
    batch_size: usize,
}

/// What [`Upscaler::upscale_files`] did.
#[derive(Debug, Default)]
pub struct UpscaleReport {
    /// The PNGs written, in input order.
    pub written: Vec<PathBuf>,
    /// Inputs that could not be read or were too large, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

impl Upscaler {
    /// Loads an official model from `dir` (see [`default_weights_dir`]): both files must be
    /// there and match their SHA-256, and the graph must be the expected network.
    pub fn load(model: RealEsrganModel, dir: &Path, device: &Device) -> Result<Self, TrainError> {
        let (param_sha, bin_sha) = model.sha256();
        let stem = model.file_stem();
        let param_path = dir.join(format!("{stem}.param"));
        let bin_path = dir.join(format!("{stem}.bin"));
        let param = read_checked(&param_path, param_sha)?;
        let bin = read_checked(&bin_path, bin_sha)?;
        let param = String::from_utf8(param).map_err(|_| TrainError::UpscaleWeights {
            path: param_path.clone(),
            problem: "is not text".into(),
        })?;
        let graph = NcnnModel::parse(
            &param,
            &param_path.display().to_string(),
            &bin,
            &bin_path.display().to_string(),
        )?;
        let network = model.config().load_ncnn(&graph, device)?;
        Ok(Self::new(
            network,
            format!("realesrgan-{}", model.name()),
            device,
        ))
    }

    /// An upscaler around any network (for example a small one in a test); `name` goes into
    /// the PNGs it writes. Tiles automatically, overlap [`DEFAULT_TILE_PAD`], batches of 4.
    pub fn new(network: RealEsrgan, name: impl Into<String>, device: &Device) -> Self {
        Self {
            network: network.valid(),
            name: name.into(),
            device: device.clone(),
            tiling: Tiling::Auto,
            tile_pad: DEFAULT_TILE_PAD,
            batch_size: 4,
        }
    }

    /// Sets how inputs are tiled.
    pub fn with_tiling(mut self, tiling: Tiling) -> Self {
        self.tiling = tiling;
        self
    }

    /// Sets the overlap of tiles, in input pixels.
    pub fn with_tile_pad(mut self, tile_pad: usize) -> Self {
        self.tile_pad = tile_pad;
        self
    }

    /// Sets how many images of one size go through the network at once (at least 1).
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }

    /// The upscaling factor (4 for the official models).
    pub fn scale(&self) -> usize {
        self.network.scale()
    }

    /// The network (in inference mode).
    pub fn network(&self) -> &RealEsrgan {
        &self.network
    }

    /// The model's name, as written into PNGs (`realesrgan-x4plus`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Upscales RGB images in `[0, 1]`, tiled as set: `[B, 3, H, W]` to `[B, 3, sH, sW]`,
    /// clamped to `[0, 1]`.
    pub fn upscale_tensor(&self, images: Tensor<4>) -> Tensor<4> {
        self.upscale_tensor_reporting(images, None)
    }

    /// [`Upscaler::upscale_tensor`], counting each image's tiles on `progress` as they finish
    /// (an untiled image is one tile; see [`Upscaler::work`]).
    pub fn upscale_tensor_reporting(
        &self,
        images: Tensor<4>,
        progress: Option<&DelayedProgress>,
    ) -> Tensor<4> {
        let [batch, _, height, width] = images.dims();
        let output = match self.tiling.tile_for(height, width) {
            None => {
                let output = self.network.forward(images);
                if let Some(progress) = progress {
                    progress.inc(batch);
                }
                output
            }
            Some(tile) => self.tiled(images, tile.max(1), progress),
        };
        output.clamp(0.0, 1.0)
    }

    /// The units of work of one `width` x `height` image: its tile count (1 when untiled), what
    /// the `*_reporting` calls count on a progress bar.
    pub fn work(&self, width: u32, height: u32) -> usize {
        let (width, height) = (width as usize, height as usize);
        match self.tiling.tile_for(height, width) {
            None => 1,
            Some(tile) => height.div_ceil(tile.max(1)) * width.div_ceil(tile.max(1)),
        }
    }

    /// Real-ESRGAN's `tile_process`: each `tile` x `tile` piece is run with `tile_pad` pixels
    /// of its surroundings, and only its own part of the output is kept.
    fn tiled(
        &self,
        images: Tensor<4>,
        tile: usize,
        progress: Option<&DelayedProgress>,
    ) -> Tensor<4> {
        let [_, _, height, width] = images.dims();
        let scale = self.scale();
        let mut rows = Vec::with_capacity(height.div_ceil(tile));
        for y0 in (0..height).step_by(tile) {
            let y1 = (y0 + tile).min(height);
            let (py0, py1) = (
                y0.saturating_sub(self.tile_pad),
                (y1 + self.tile_pad).min(height),
            );
            let mut row = Vec::with_capacity(width.div_ceil(tile));
            for x0 in (0..width).step_by(tile) {
                let x1 = (x0 + tile).min(width);
                let (px0, px1) = (
                    x0.saturating_sub(self.tile_pad),
                    (x1 + self.tile_pad).min(width),
                );
                let piece = images
                    .clone()
                    .slice([0..images.dims()[0], 0..3, py0..py1, px0..px1]);
                let output = self.network.forward(piece);
                if let Some(progress) = progress {
                    progress.inc(images.dims()[0]);
                }
                let (ty, tx) = ((y0 - py0) * scale, (x0 - px0) * scale);
                let [batch, channels, ..] = output.dims();
                row.push(output.slice([
                    0..batch,
                    0..channels,
                    ty..ty + (y1 - y0) * scale,
                    tx..tx + (x1 - x0) * scale,
                ]));
            }
            rows.push(Tensor::cat(row, 3));
        }
        Tensor::cat(rows, 2)
    }

    /// Upscales 8-bit RGB images, in order; consecutive images of one size go through the
    /// network together (up to the batch size). `progress` counts finished tiles of images
    /// ([`Upscaler::work`] of each).
    pub fn upscale_images(
        &self,
        images: &[RgbImage],
        progress: Option<&DelayedProgress>,
    ) -> Result<Vec<RgbImage>, TrainError> {
        let mut output = Vec::with_capacity(images.len());
        let mut start = 0;
        while start < images.len() {
            let size = images[start].dimensions();
            let mut end = start + 1;
            while end < images.len()
                && end - start < self.batch_size
                && images[end].dimensions() == size
            {
                end += 1;
            }
            for image in &images[start..end] {
                self.check_size(image)?;
            }
            let batch = to_unit_tensor(&images[start..end], &self.device);
            output.extend(from_unit_tensor(
                self.upscale_tensor_reporting(batch, progress),
            )?);
            start = end;
        }
        Ok(output)
    }

    /// Upscales one 8-bit RGB image.
    pub fn upscale_image(&self, image: &RgbImage) -> Result<RgbImage, TrainError> {
        let mut images = self.upscale_images(std::slice::from_ref(image), None)?;
        Ok(images.remove(0))
    }

    fn check_size(&self, image: &RgbImage) -> Result<(), TrainError> {
        let (width, height) = image.dimensions();
        let scale = self.scale() as u64;
        let pixels = width as u64 * height as u64 * scale * scale;
        if pixels > MAX_OUTPUT_PIXELS {
            return Err(TrainError::Invalid(format!(
                "a {width}x{height} image would upscale to {}x{} pixels, more than the \
                 {MAX_OUTPUT_PIXELS} this program writes",
                width as u64 * scale,
                height as u64 * scale
            )));
        }
        Ok(())
    }

    /// Upscales image files (any format the data loader reads; alpha is dropped) into `out`,
    /// one `<input name>.png` per input, with `gan:upscale` (the model) and `gan:source` (the
    /// input's file name) text chunks. Unreadable or too large inputs are skipped and
    /// reported. Two inputs with one name, or outputs that exist already (unless
    /// `overwrite`), are refused before anything is written.
    pub fn upscale_files(
        &self,
        inputs: &[PathBuf],
        out: &Path,
        overwrite: bool,
        quiet: bool,
    ) -> Result<UpscaleReport, TrainError> {
        let targets = output_paths(inputs, out, overwrite)?;
        std::fs::create_dir_all(out).map_err(TrainError::io(out))?;
        // Progress in tiles when any image is tiled (a large image takes minutes), from the
        // headers; an unreadable header counts one.
        let work: Vec<usize> = inputs
            .iter()
            .map(|path| {
                image::image_dimensions(path).map_or(1, |(width, height)| self.work(width, height))
            })
            .collect();
        let total: usize = work.iter().sum();
        let unit = if total > inputs.len() {
            "tiles"
        } else {
            "images"
        };
        let progress = DelayedProgress::new(total, unit, quiet);
        let mut report = UpscaleReport::default();
        let items: Vec<(&PathBuf, &PathBuf, usize)> = inputs
            .iter()
            .zip(&targets)
            .zip(&work)
            .map(|((input, target), work)| (input, target, *work))
            .collect();
        for chunk in items.chunks(self.batch_size) {
            let mut images = Vec::with_capacity(chunk.len());
            let mut kept = Vec::with_capacity(chunk.len());
            for &(input, target, work) in chunk {
                match read_image(input).and_then(|image| self.check_size(&image).map(|_| image)) {
                    Ok(image) => {
                        images.push(image);
                        kept.push((input, target));
                    }
                    Err(error) => {
                        report.skipped.push((input.clone(), error.to_string()));
                        progress.inc(work);
                    }
                }
            }
            let upscaled = self.upscale_images(&images, Some(&progress))?;
            for (image, (input, target)) in upscaled.iter().zip(kept) {
                let source = input
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let text = [("gan:upscale", self.name.clone()), ("gan:source", source)];
                save_png_described(image, target, &text)?;
                report.written.push(target.clone());
            }
        }
        progress.finish();
        Ok(report)
    }
}

/// Image files as given, with every folder among them replaced by its image files (the data
/// loader's extensions, any case; not recursive), sorted by name. A folder without images is an
/// error naming it.
pub fn image_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, TrainError> {
    let mut files = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        let mut found = Vec::new();
        for entry in std::fs::read_dir(input).map_err(TrainError::io(input))? {
            let path = entry.map_err(TrainError::io(input))?.path();
            let extension = path
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if path.is_file() && gan_data::IMAGE_EXTENSIONS.contains(&extension.as_str()) {
                found.push(path);
            }
        }
        if found.is_empty() {
            return Err(TrainError::Invalid(format!(
                "{} holds no images ({})",
                input.display(),
                gan_data::IMAGE_EXTENSIONS.join(", ")
            )));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// `<out>/<input stem>.png` for every input; refuses two inputs with one stem and (unless
/// `overwrite`) outputs that exist.
fn output_paths(
    inputs: &[PathBuf],
    out: &Path,
    overwrite: bool,
) -> Result<Vec<PathBuf>, TrainError> {
    let mut targets: Vec<PathBuf> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let stem = input.file_stem().ok_or_else(|| {
            TrainError::Invalid(format!("{} is not a file name", input.display()))
        })?;
        let target = out.join(format!("{}.png", stem.to_string_lossy()));
        if let Some(index) = targets.iter().position(|t| *t == target) {
            return Err(TrainError::Invalid(format!(
                "{} and {} would both be written to {}: upscale them into different folders",
                inputs[index].display(),
                input.display(),
                target.display()
            )));
        }
        if target.exists() && !overwrite {
            return Err(TrainError::Invalid(format!(
                "{} exists: write into another folder, or replace it (--overwrite)",
                target.display()
            )));
        }
        targets.push(target);
    }
    Ok(targets)
}

fn read_image(path: &Path) -> Result<RgbImage, TrainError> {
    let image = image::ImageReader::open(path)
        .map_err(TrainError::io(path))?
        .with_guessed_format()
        .map_err(TrainError::io(path))?
        .decode()
        .map_err(|error| TrainError::Image {
            path: path.to_path_buf(),
            message: error.to_string(),
        })?;
    Ok(image.to_rgb8())
}

fn read_checked(path: &Path, expected: &str) -> Result<Vec<u8>, TrainError> {
    let bytes = std::fs::read(path).map_err(|error| TrainError::UpscaleWeights {
        path: path.to_path_buf(),
        problem: error.to_string(),
    })?;
    let found = gan_data::sha256(&bytes);
    if found != expected {
        return Err(TrainError::UpscaleWeights {
            path: path.to_path_buf(),
            problem: format!("has SHA-256 {found}, expected {expected} (damaged or another file)"),
        });
    }
    Ok(bytes)
}

/// 8-bit RGB images of one size as `[B, 3, H, W]` in `[0, 1]` (value / 255).
pub fn to_unit_tensor(images: &[RgbImage], device: &Device) -> Tensor<4> {
    let (width, height) = images.first().map_or((0, 0), |image| image.dimensions());
    let (width, height) = (width as usize, height as usize);
    let plane = width * height;
    let mut values = vec![0.0f32; images.len() * 3 * plane];
    for (index, image) in images.iter().enumerate() {
        let base = index * 3 * plane;
        for (p, pixel) in image.pixels().enumerate() {
            for c in 0..3 {
                values[base + c * plane + p] = pixel[c] as f32 / 255.0;
            }
        }
    }
    Tensor::from_data(
        TensorData::new(values, [images.len(), 3, height, width]),
        device,
    )
}

/// `[B, 3, H, W]` in `[0, 1]` to 8-bit RGB images: x 255, rounded half to even (as NumPy's
/// `round`), clamped.
pub fn from_unit_tensor(images: Tensor<4>) -> Result<Vec<RgbImage>, TrainError> {
    let [batch, channels, height, width] = images.dims();
    if channels != 3 {
        return Err(TrainError::Invalid(format!(
            "an upscaled image needs 3 channels, got {channels}"
        )));
    }
    let values: Vec<f32> = images.into_data().iter::<f32>().collect();
    let plane = height * width;
    Ok((0..batch)
        .map(|b| {
            let image = &values[b * 3 * plane..(b + 1) * 3 * plane];
            RgbImage::from_fn(width as u32, height as u32, |x, y| {
                let p = y as usize * width + x as usize;
                let at = |c: usize| {
                    (image[c * plane + p] * 255.0)
                        .round_ties_even()
                        .clamp(0.0, 255.0) as u8
                };
                image::Rgb([at(0), at(1), at(2)])
            })
        })
        .collect())
}
