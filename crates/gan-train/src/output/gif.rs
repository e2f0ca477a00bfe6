//! Animated GIFs from RGB frames: the training-progress GIF and latent-space walks.

use crate::delayed_progress::DelayedProgress;
use crate::error::TrainError;
use image::codecs::gif::{GifEncoder, Repeat};
use image::{Delay, DynamicImage, Frame, RgbImage};
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// Colour quantisation speed of the encoder: 1 is slowest and best, 30 fastest. 10 keeps a
/// hundred 512-pixel frames to a few seconds with no visible banding on paintings.
const QUANTIZATION_SPEED: i32 = 10;

/// One frame of an animation and how long it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct GifFrame {
    /// The picture. Every frame of one GIF has the first frame's size.
    pub image: RgbImage,
    /// How long it stays on screen, in milliseconds.
    pub delay_ms: u32,
}

/// Writes `frames` as an animated GIF that loops forever, creating the file's folder, and
/// counts each encoded frame on `progress` when given. Frames whose size differs from the
/// first frame's are an error.
pub fn save_gif(
    frames: &[GifFrame],
    path: &Path,
    progress: Option<&DelayedProgress>,
) -> Result<(), TrainError> {
    check_frames(frames, &path.display().to_string())?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(TrainError::io(parent))?;
    }
    let file = File::create(path).map_err(TrainError::io(path))?;
    encode_gif(frames, BufWriter::new(file), progress).map_err(|err| TrainError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(err),
    })
}

/// The bytes of `frames` as an animated GIF that loops forever (for a notebook or a web page);
/// the same checks as [`save_gif`], with `what` naming the animation in errors.
pub fn gif_bytes(frames: &[GifFrame], what: &str) -> Result<Vec<u8>, TrainError> {
    check_frames(frames, what)?;
    let mut bytes = Vec::new();
    encode_gif(frames, &mut bytes, None)
        .map_err(|err| TrainError::Setting(format!("GIF {what}: cannot encode: {err}")))?;
    Ok(bytes)
}

/// Refuses no frames, and frames of different sizes.
fn check_frames(frames: &[GifFrame], what: &str) -> Result<(), TrainError> {
    let Some(first) = frames.first() else {
        return Err(TrainError::Setting(format!("no frames to write to {what}")));
    };
    if let Some(odd) = frames
        .iter()
        .find(|f| f.image.dimensions() != first.image.dimensions())
    {
        return Err(TrainError::Setting(format!(
            "GIF {what}: frames of {:?} and {:?} pixels cannot share one animation",
            first.image.dimensions(),
            odd.image.dimensions()
        )));
    }
    Ok(())
}

fn encode_gif(
    frames: &[GifFrame],
    writer: impl std::io::Write,
    progress: Option<&DelayedProgress>,
) -> Result<(), image::ImageError> {
    let mut encoder = GifEncoder::new_with_speed(writer, QUANTIZATION_SPEED);
    encoder.set_repeat(Repeat::Infinite)?;
    encoder.encode_frames(frames.iter().map(|frame| {
        if let Some(progress) = progress {
            progress.inc(1);
        }
        let rgba = DynamicImage::ImageRgb8(frame.image.clone()).into_rgba8();
        Frame::from_parts(
            rgba,
            0,
            0,
            Delay::from_numer_denom_ms(frame.delay_ms.max(1), 1),
        )
    }))
}
