//! The training-progress GIF: the run's sample grids, all from one fixed noise batch, in step
//! order, so the animation shows the same latent vectors becoming paintings.

use crate::delayed_progress::DelayedProgress;
use crate::error::TrainError;
use crate::output::gif::{GifFrame, save_gif};
use burn::config::Config;
use image::imageops::{self, FilterType};
use std::path::{Path, PathBuf};

/// How the sample grids become an animation.
#[derive(Config, Debug, PartialEq)]
pub struct ProgressGifConfig {
    /// At most this many frames, evenly spread over the grids (the first and last always in).
    #[config(default = 100)]
    pub max_frames: usize,
    /// Frames wider than this many pixels are scaled down (keeping their aspect ratio).
    #[config(default = 512)]
    pub max_width: u32,
    /// How long each frame shows, in milliseconds.
    #[config(default = 250)]
    pub frame_delay_ms: u32,
    /// How long the last frame (the finished model) shows, in milliseconds.
    #[config(default = 2000)]
    pub last_frame_delay_ms: u32,
    /// No progress bar (otherwise one appears when writing takes over a second).
    #[config(default = false)]
    pub quiet: bool,
}

/// The sample grids `step-*.png` in `samples_dir`, in step order.
pub fn sample_grids(samples_dir: &Path) -> Result<Vec<PathBuf>, TrainError> {
    let mut grids: Vec<PathBuf> = std::fs::read_dir(samples_dir)
        .map_err(TrainError::io(samples_dir))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| n.starts_with("step-") && n.ends_with(".png"))
        })
        .collect();
    // Zero-padded step numbers sort by name.
    grids.sort();
    Ok(grids)
}

/// `count` indices spread evenly over `0..len`, the first and last included (just the last
/// when `count` is below 2).
fn spread(len: usize, count: usize) -> Vec<usize> {
    if len <= count {
        return (0..len).collect();
    }
    if count < 2 {
        return vec![len - 1];
    }
    (0..count)
        .map(|i| (i * (len - 1) + (count - 1) / 2) / (count - 1))
        .collect()
}

impl ProgressGifConfig {
    /// Writes the grids of `samples_dir` as an animated GIF at `path`; returns how many frames
    /// it holds. No grids is an error naming the folder.
    pub fn assemble(&self, samples_dir: &Path, path: &Path) -> Result<usize, TrainError> {
        let grids = sample_grids(samples_dir)?;
        if grids.is_empty() {
            return Err(TrainError::Setting(format!(
                "no sample grids (step-*.png) in {}",
                samples_dir.display()
            )));
        }
        let picked = spread(grids.len(), self.max_frames);
        let mut frames: Vec<GifFrame> = Vec::with_capacity(picked.len());
        for (n, &index) in picked.iter().enumerate() {
            let grid = &grids[index];
            let mut image = image::open(grid)
                .map_err(|err| TrainError::Io {
                    path: grid.clone(),
                    source: std::io::Error::other(err),
                })?
                .to_rgb8();
            // Every frame takes the first frame's size (a resumed run may sample differently).
            let (w, h) = match frames.first() {
                Some(first) => first.image.dimensions(),
                None if image.width() > self.max_width => {
                    let h = image.height() as u64 * self.max_width as u64 / image.width() as u64;
                    (self.max_width, h.max(1) as u32)
                }
                None => image.dimensions(),
            };
            if image.dimensions() != (w, h) {
                image = imageops::resize(&image, w, h, FilterType::Triangle);
            }
            let last = n + 1 == picked.len();
            frames.push(GifFrame {
                image,
                delay_ms: if last {
                    self.last_frame_delay_ms
                } else {
                    self.frame_delay_ms
                },
            });
        }
        let progress = DelayedProgress::new(frames.len(), "GIF frames", self.quiet);
        save_gif(&frames, path, Some(&progress))?;
        progress.finish();
        Ok(frames.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_keeps_ends_and_count() {
        assert_eq!(spread(3, 100), vec![0, 1, 2]);
        assert_eq!(spread(0, 100), Vec::<usize>::new());
        let picked = spread(1000, 10);
        assert_eq!(picked.len(), 10);
        assert_eq!((picked[0], picked[9]), (0, 999));
        assert!(picked.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn assembles_grids_in_step_order() {
        let dir = tempfile::tempdir().unwrap();
        let samples = dir.path().join("samples");
        std::fs::create_dir_all(&samples).unwrap();
        for (step, shade) in [(2u8, 200u8), (1, 10), (10, 120)] {
            let image = image::RgbImage::from_pixel(8, 6, image::Rgb([shade, shade, shade]));
            image
                .save(samples.join(format!("step-{step:08}.png")))
                .unwrap();
        }
        std::fs::write(samples.join("notes.txt"), "not a grid").unwrap();
        let gif = dir.path().join("progress.gif");
        let frames = ProgressGifConfig::new().assemble(&samples, &gif).unwrap();
        assert_eq!(frames, 3);

        use image::AnimationDecoder;
        let decoder = image::codecs::gif::GifDecoder::new(std::io::BufReader::new(
            std::fs::File::open(&gif).unwrap(),
        ))
        .unwrap();
        let decoded = decoder.into_frames().collect_frames().unwrap();
        let shades: Vec<u8> = decoded
            .iter()
            .map(|f| f.buffer().get_pixel(3, 3)[0])
            .collect();
        assert_eq!(decoded.len(), 3);
        assert!(
            shades[0] < 30 && shades[1] > 180 && (100..140).contains(&shades[2]),
            "{shades:?}"
        );
    }

    #[test]
    fn no_grids_is_an_error_naming_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let err = ProgressGifConfig::new()
            .assemble(dir.path(), &dir.path().join("p.gif"))
            .unwrap_err();
        assert!(
            err.to_string().contains(&dir.path().display().to_string()),
            "{err}"
        );
    }
}
