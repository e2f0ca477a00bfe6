//! Decoding one image file into 8-bit RGB: any format the `image` crate reads here (JPEG,
//! PNG, WebP, BMP, GIF's first frame, TIFF), any colour type (grayscale, alpha, 16-bit,
//! palette, CMYK JPEG), with its EXIF orientation applied, and a pixel limit against
//! decompression bombs checked from the header before any pixel is decoded.

use crate::report::SkipReason;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

/// Pixel count above which an image is skipped unread: PIL's decompression-bomb error
/// threshold (2 x 89,478,485).
pub const DEFAULT_MAX_PIXELS: u64 = 178_956_970;

/// Why one file could not be decoded, and what the decoder said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeFailure {
    /// The reason, for the summary.
    pub reason: SkipReason,
    /// Details for the warning.
    pub message: String,
}

/// What a file that is not in a readable image format is told.
pub(crate) const NOT_AN_IMAGE: &str =
    "not an image in a supported format (JPEG, PNG, WebP, BMP, GIF, TIFF)";

impl DecodeFailure {
    /// The reason behind an `image` crate error: its limits hit (too large), the file ending
    /// early (truncated), or anything else (undecodable).
    pub(crate) fn from_image_error(error: image::ImageError) -> Self {
        let reason = match &error {
            image::ImageError::Limits(_) => SkipReason::TooLarge,
            image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                SkipReason::Truncated
            }
            _ => SkipReason::Undecodable,
        };
        Self::new(reason, error.to_string())
    }

    pub(crate) fn new(reason: SkipReason, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
        }
    }
}

/// Reads an image's width and height from its header, and checks them against `max_pixels`.
pub fn probe(bytes: &[u8], max_pixels: u64) -> Result<(u32, u32), DecodeFailure> {
    let decoder = open_decoder(bytes)?;
    check_size(decoder.dimensions(), max_pixels)
}

/// What a JPEG without its end is told.
pub(crate) const TRUNCATED_JPEG: &str =
    "the JPEG ends without its end-of-image marker (the file was cut short)";

/// How far from its end a JPEG's end-of-image marker is looked for: files may carry a little
/// data after it.
pub(crate) const JPEG_TAIL: usize = 4096;

/// Whether a JPEG whose last bytes are `tail` (up to [`JPEG_TAIL`]) was cut short: no
/// end-of-image marker (`FF D9`) among them. Entropy-coded data never holds `FF D9` (a data
/// byte `FF` is followed by `00`), so a file cut inside its scans has none there. The JPEG
/// decoder fills a missing part silently, so this is the check.
pub(crate) fn jpeg_is_truncated(tail: &[u8]) -> bool {
    !tail.windows(2).any(|pair| pair == [0xFF, 0xD9])
}

/// A truncation failure when `bytes` is a JPEG without its end.
fn check_jpeg_end(bytes: &[u8]) -> Result<(), DecodeFailure> {
    let tail = &bytes[bytes.len().saturating_sub(JPEG_TAIL)..];
    if bytes.starts_with(&[0xFF, 0xD8]) && jpeg_is_truncated(tail) {
        return Err(DecodeFailure::new(SkipReason::Truncated, TRUNCATED_JPEG));
    }
    Ok(())
}

/// Decodes `bytes` into an upright 8-bit RGB image. A JPEG cut short is refused as truncated
/// (the decoder would fill the missing part with grey).
pub fn decode_rgb(bytes: &[u8], max_pixels: u64) -> Result<image::RgbImage, DecodeFailure> {
    check_jpeg_end(bytes)?;
    let mut decoder = open_decoder(bytes)?;
    check_size(decoder.dimensions(), max_pixels)?;
    // A broken EXIF block does not make the pixels unusable: keep the stored orientation.
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(DecodeFailure::from_image_error)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(match image {
        DynamicImage::ImageRgb8(rgb) => rgb,
        other => other.to_rgb8(),
    })
}

fn open_decoder(bytes: &[u8]) -> Result<impl ImageDecoder + '_, DecodeFailure> {
    if bytes.is_empty() {
        return Err(DecodeFailure::new(SkipReason::Empty, "the file is empty"));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeFailure::new(SkipReason::Undecodable, e.to_string()))?;
    if reader.format().is_none() {
        return Err(DecodeFailure::new(SkipReason::Undecodable, NOT_AN_IMAGE));
    }
    // The pixel limit is ours (checked from the header); the allocation cap stays as a
    // second guard for formats whose header understates what they allocate.
    let mut limits = Limits::default();
    limits.max_alloc = Some(4 << 30);
    reader.limits(limits);
    reader
        .into_decoder()
        .map_err(DecodeFailure::from_image_error)
}

pub(crate) fn check_size((w, h): (u32, u32), max_pixels: u64) -> Result<(u32, u32), DecodeFailure> {
    if w == 0 || h == 0 {
        return Err(DecodeFailure::new(
            SkipReason::Undecodable,
            format!("the header says {w}x{h} pixels"),
        ));
    }
    let pixels = w as u64 * h as u64;
    if pixels > max_pixels {
        return Err(DecodeFailure::new(
            SkipReason::TooLarge,
            format!("{w}x{h} = {pixels} pixels is over the limit of {max_pixels}"),
        ));
    }
    Ok((w, h))
}
