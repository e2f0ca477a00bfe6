//! Batched generation from a trained generator: images from a seed (the same seed always gives
//! the same images), upscaled by Real-ESRGAN and/or resized to an output size, written as PNGs
//! with a grid. What `gan generate`, the studio and notebooks call.

use crate::delayed_progress::DelayedProgress;
use crate::error::TrainError;
use crate::sample::{grid, latent_batches, latent_noise, save_png_described, to_rgb_images};
use crate::upscale::{Upscaler, default_weights_dir};
use burn::config::Config;
use burn::prelude::*;
use gan_core::Generator;
use gan_core::realesrgan::RealEsrganModel;
use image::RgbImage;
use image::imageops::{self, FilterType};
use std::path::{Path, PathBuf};

/// The largest output size, in pixels.
pub const MAX_OUTPUT_SIZE: u32 = 4096;

/// At most this many images go into `grid.png` (the first ones).
pub const MAX_GRID_IMAGES: usize = 64;

/// The most images one generation makes (their latent noise is drawn at once).
pub const MAX_COUNT: usize = 100_000;

/// What to generate.
#[derive(Config, Debug, PartialEq)]
pub struct GenerationConfig {
    /// How many images.
    #[config(default = 16)]
    pub count: usize,
    /// Seed of the latent noise: image `i` depends only on the seed and `i`.
    #[config(default = 0)]
    pub seed: u64,
    /// Output size in pixels (`None`: the model's, times 4 with `upscale`). Other sizes are
    /// resampled with a Lanczos filter, which adds no detail.
    #[config(default = "None")]
    pub size: Option<u32>,
    /// Real-ESRGAN 4x upscaling of every image before `size` applies: the same bytes as
    /// [`Upscaler::upscale_files`] on the images generated without it.
    #[config(default = "None")]
    pub upscale: Option<RealEsrganModel>,
    /// The folder of the Real-ESRGAN weights (`None`: [`default_weights_dir`]).
    #[config(default = "None")]
    pub upscale_weights: Option<PathBuf>,
    /// Images per forward pass.
    #[config(default = 16)]
    pub batch_size: usize,
    /// No progress bar (otherwise one appears when generation takes over a second).
    #[config(default = false)]
    pub quiet: bool,
    /// Replace the images of an earlier generation in the output folder (otherwise such a
    /// folder is refused, so that two generations never mix).
    #[config(default = false)]
    pub overwrite: bool,
}

impl GenerationConfig {
    /// Checks the count (1 to [`MAX_COUNT`]), the size and the batch size.
    pub fn validate(&self) -> Result<(), TrainError> {
        if self.count == 0 || self.count > MAX_COUNT {
            return Err(TrainError::Invalid(format!(
                "the image count must be from 1 to {MAX_COUNT}, got {}",
                self.count
            )));
        }
        if self.batch_size == 0 {
            return Err(TrainError::Invalid(
                "the batch size must be at least 1".into(),
            ));
        }
        check_output_size(self.size).map(drop)
    }

    /// Calls `each(i, image)` for every image, in order, at the output size.
    pub fn for_each_image<G: Generator>(
        &self,
        generator: &G,
        device: &Device,
        each: impl FnMut(usize, RgbImage) -> Result<(), TrainError>,
    ) -> Result<(), TrainError> {
        self.validate()?;
        let upscaler = self.upscaler(device)?;
        let latent = latent_noise(self.count, generator.latent_dim(), self.seed, device);
        let progress = DelayedProgress::new(self.count, "images", self.quiet);
        images_from_latent(
            generator,
            latent,
            self.batch_size,
            upscaler.as_ref(),
            self.size,
            &progress,
            each,
        )?;
        progress.finish();
        Ok(())
    }

    /// The Real-ESRGAN upscaler `upscale` asks for, loaded from `upscale_weights`.
    pub fn upscaler(&self, device: &Device) -> Result<Option<Upscaler>, TrainError> {
        let Some(model) = self.upscale else {
            return Ok(None);
        };
        let dir = self
            .upscale_weights
            .clone()
            .unwrap_or_else(default_weights_dir);
        Ok(Some(
            Upscaler::load(model, &dir, device)?.with_batch_size(self.batch_size.min(4)),
        ))
    }

    /// The images, in order, at the output size.
    pub fn images<G: Generator>(
        &self,
        generator: &G,
        device: &Device,
    ) -> Result<Vec<RgbImage>, TrainError> {
        let mut images = Vec::with_capacity(self.count);
        self.for_each_image(generator, device, |_, image| {
            images.push(image);
            Ok(())
        })?;
        Ok(images)
    }

    /// Writes `image-NNN.png` for every image into `out`, and their grid (the first
    /// [`MAX_GRID_IMAGES`]) beside it as [`grid_path`]`(out)`, so that the folder holds only
    /// the images (FID reads every image in a folder); returns the files, the grid last.
    ///
    /// A folder that holds images of an earlier generation is refused unless `overwrite`,
    /// which removes them first.
    ///
    /// Each PNG carries text chunks: `gan:seed`, `gan:index` (the image's), `gan:size`, and
    /// `describe` (for example the model and its step, as `gan generate` writes them).
    pub fn write<G: Generator>(
        &self,
        generator: &G,
        out: &Path,
        device: &Device,
        describe: &[(&str, String)],
    ) -> Result<Vec<PathBuf>, TrainError> {
        self.write_reporting(generator, out, device, describe, |_| Ok(()))
    }

    /// [`GenerationConfig::write`], calling `written(i)` after image `i` is written: for
    /// progress, and to cancel (an error from it stops the generation and is returned).
    pub fn write_reporting<G: Generator>(
        &self,
        generator: &G,
        out: &Path,
        device: &Device,
        describe: &[(&str, String)],
        mut written_hook: impl FnMut(usize) -> Result<(), TrainError>,
    ) -> Result<Vec<PathBuf>, TrainError> {
        self.validate()?;
        let earlier = earlier_images(out)?;
        if !earlier.is_empty() && !self.overwrite {
            return Err(TrainError::Invalid(format!(
                "{} already holds {} generated images (image-NNN.png): write into another \
                 folder, or replace them (--overwrite)",
                out.display(),
                earlier.len()
            )));
        }
        for file in earlier {
            std::fs::remove_file(&file).map_err(TrainError::io(&file))?;
        }
        let mut written = Vec::with_capacity(self.count + 1);
        let mut grid_images = Vec::new();
        let mut text = vec![
            ("gan:seed", self.seed.to_string()),
            ("gan:index", String::new()),
        ];
        text.push((
            "gan:size",
            self.size.map_or("native".into(), |px| px.to_string()),
        ));
        if let Some(model) = self.upscale {
            text.push(("gan:upscale", format!("realesrgan-{model}")));
        }
        text.extend(describe.iter().cloned());
        self.for_each_image(generator, device, |i, image| {
            let path = out.join(format!("image-{i:03}.png"));
            text[1].1 = i.to_string();
            save_png_described(&image, &path, &text)?;
            written.push(path);
            written_hook(i)?;
            if grid_images.len() < MAX_GRID_IMAGES {
                grid_images.push(image);
            }
            Ok(())
        })?;
        let columns = (grid_images.len() as f64).sqrt().ceil() as usize;
        let grid_path = grid_path(out);
        text.retain(|(key, _)| *key != "gan:index");
        save_png_described(&grid(&grid_images, columns), &grid_path, &text)?;
        written.push(grid_path);
        Ok(written)
    }
}

/// Where [`GenerationConfig::write`] puts the grid of the images in `out`: beside the folder,
/// as `<out>-grid.png` (`generated/` gets `generated-grid.png`).
pub fn grid_path(out: &Path) -> PathBuf {
    match out.file_name() {
        Some(name) => out.with_file_name(format!("{}-grid.png", name.to_string_lossy())),
        None => out.join("grid.png"),
    }
}

/// The `image-NNN.png` files of an earlier generation in `out` (none when it does not exist).
fn earlier_images(out: &Path) -> Result<Vec<PathBuf>, TrainError> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(TrainError::io(out))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if name.is_some_and(|n| n.starts_with("image-") && n.ends_with(".png")) {
            files.push(path);
        }
    }
    Ok(files)
}

/// Checks an output size: `None` (the model's) or 1 to [`MAX_OUTPUT_SIZE`] pixels.
pub fn check_output_size(size: Option<u32>) -> Result<Option<u32>, TrainError> {
    match size {
        Some(px) if px == 0 || px > MAX_OUTPUT_SIZE => Err(TrainError::Invalid(format!(
            "the output size must be from 1 to {MAX_OUTPUT_SIZE} pixels, got {px}"
        ))),
        _ => Ok(size),
    }
}

/// `image` at `size` x `size` pixels (Lanczos resampling), or as it is when `size` is `None`
/// or its own size.
pub fn resize_to(image: RgbImage, size: Option<u32>) -> RgbImage {
    match size {
        Some(px) if image.dimensions() != (px, px) => {
            imageops::resize(&image, px, px, FilterType::Lanczos3)
        }
        _ => image,
    }
}

/// Runs `generator` in inference mode over `latent` in batches of `batch`, upscales the 8-bit
/// images with `upscaler` if given, resizes to `size`, and hands each image to `each` in
/// order, counting it on `progress`.
///
/// - `latent`: `[N, latent_dim]`
pub fn images_from_latent<G: Generator>(
    generator: &G,
    latent: Tensor<2>,
    batch: usize,
    upscaler: Option<&Upscaler>,
    size: Option<u32>,
    progress: &DelayedProgress,
    mut each: impl FnMut(usize, RgbImage) -> Result<(), TrainError>,
) -> Result<(), TrainError> {
    let generator = generator.valid();
    let mut index = 0;
    for batch in latent_batches(latent, batch) {
        let mut images = to_rgb_images(generator.generate(batch))?;
        if let Some(upscaler) = upscaler {
            images = upscaler.upscale_images(&images, None)?;
        }
        progress.inc(images.len());
        for image in images {
            each(index, resize_to(image, size))?;
            index += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_outside_the_range_are_refused() {
        assert!(check_output_size(None).unwrap().is_none());
        assert_eq!(check_output_size(Some(512)).unwrap(), Some(512));
        for bad in [0, MAX_OUTPUT_SIZE + 1] {
            let err = check_output_size(Some(bad)).unwrap_err();
            assert!(err.to_string().contains(&format!("got {bad}")), "{err}");
        }
        let err = GenerationConfig::new()
            .with_count(0)
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("got 0"), "{err}");
    }

    #[test]
    fn resize_keeps_or_resamples() {
        let image = RgbImage::from_pixel(4, 4, image::Rgb([10, 200, 30]));
        assert_eq!(resize_to(image.clone(), None), image);
        assert_eq!(resize_to(image.clone(), Some(4)), image);
        let big = resize_to(image, Some(9));
        assert_eq!(big.dimensions(), (9, 9));
        // A flat colour stays flat under Lanczos.
        assert!(big.pixels().all(|p| p.0 == [10, 200, 30]));
    }
}
