//! An image file's size from its header alone, reading a few hundred bytes instead of the
//! whole file: what opening a large data set does for every image.
//!
//! JPEG (most paintings) is read marker by marker up to its frame header, skipping EXIF and
//! other segments by their lengths (the `image` crate's JPEG decoder would read the whole file
//! first). The other formats go through the `image` crate's streaming decoders.

use crate::decode::{
    DecodeFailure, JPEG_TAIL, NOT_AN_IMAGE, TRUNCATED_JPEG, check_size, jpeg_is_truncated,
};
use crate::report::SkipReason;
use image::{ImageDecoder, ImageFormat, ImageReader};
use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind, Read, Seek};
use std::path::Path;

/// Reads the width and height of the image file at `path` from its header, and checks them
/// against `max_pixels`. Only the header is read, and for a JPEG also its last few KB, where
/// its end-of-image marker must be (a JPEG cut short is truncated); other formats cut short
/// after their header pass here and fail when decoded.
pub fn probe_file(path: &Path, max_pixels: u64) -> Result<(u32, u32), DecodeFailure> {
    let unreadable = |e: std::io::Error| DecodeFailure::new(SkipReason::Unreadable, e.to_string());
    let file = File::open(path).map_err(unreadable)?;
    if file.metadata().map_err(unreadable)?.len() == 0 {
        return Err(DecodeFailure::new(SkipReason::Empty, "the file is empty"));
    }
    let mut reader = BufReader::with_capacity(4096, file);
    let head = reader.fill_buf().map_err(unreadable)?;
    let format = image::guess_format(head)
        .map_err(|_| DecodeFailure::new(SkipReason::Undecodable, NOT_AN_IMAGE))?;
    let size = if format == ImageFormat::Jpeg {
        let size = jpeg_size(&mut reader)?;
        check_jpeg_tail(reader.get_mut()).map_err(unreadable)??;
        size
    } else {
        let decoder = ImageReader::with_format(reader, format)
            .into_decoder()
            .map_err(DecodeFailure::from_image_error)?;
        decoder.dimensions()
    };
    check_size(size, max_pixels)
}

/// Reads the last bytes of a JPEG file and checks for its end-of-image marker.
fn check_jpeg_tail(file: &mut File) -> std::io::Result<Result<(), DecodeFailure>> {
    let len = file.metadata()?.len();
    let start = len.saturating_sub(JPEG_TAIL as u64);
    file.seek(std::io::SeekFrom::Start(start))?;
    let mut tail = Vec::with_capacity(JPEG_TAIL);
    file.read_to_end(&mut tail)?;
    Ok(if jpeg_is_truncated(&tail) {
        Err(DecodeFailure::new(SkipReason::Truncated, TRUNCATED_JPEG))
    } else {
        Ok(())
    })
}

/// The size in a JPEG's frame header (SOF0–SOF15), found by walking the markers from the
/// start of the file and seeking over each segment.
fn jpeg_size<R: Read + Seek>(reader: &mut R) -> Result<(u32, u32), DecodeFailure> {
    let failed = |e: std::io::Error| {
        if e.kind() == ErrorKind::UnexpectedEof {
            DecodeFailure::new(
                SkipReason::Truncated,
                "the JPEG ends before its frame header",
            )
        } else {
            DecodeFailure::new(SkipReason::Unreadable, e.to_string())
        }
    };
    let byte = |reader: &mut R| -> Result<u8, DecodeFailure> {
        let mut b = [0u8; 1];
        reader.read_exact(&mut b).map_err(failed)?;
        Ok(b[0])
    };
    if byte(reader)? != 0xFF || byte(reader)? != 0xD8 {
        return Err(DecodeFailure::new(
            SkipReason::Undecodable,
            "not a JPEG: no start-of-image marker",
        ));
    }
    loop {
        // A marker is 0xFF (possibly repeated as fill) and a code that is neither 0 nor 0xFF.
        if byte(reader)? != 0xFF {
            return Err(DecodeFailure::new(
                SkipReason::Undecodable,
                "broken JPEG: a segment is followed by something that is not a marker",
            ));
        }
        let mut code = byte(reader)?;
        while code == 0xFF {
            code = byte(reader)?;
        }
        match code {
            // Markers without a segment.
            0x01 | 0xD0..=0xD7 | 0xD8 => continue,
            0xD9 | 0xDA => {
                return Err(DecodeFailure::new(
                    SkipReason::Undecodable,
                    "broken JPEG: no frame header before the image data",
                ));
            }
            _ => {}
        }
        let length = u16::from_be_bytes([byte(reader)?, byte(reader)?]);
        if length < 2 {
            return Err(DecodeFailure::new(
                SkipReason::Undecodable,
                format!("broken JPEG: segment 0xFF{code:02X} has length {length}"),
            ));
        }
        // Start of frame: every 0xC0-0xCF except DHT (C4), JPG (C8) and DAC (CC).
        if matches!(code, 0xC0..=0xCF) && !matches!(code, 0xC4 | 0xC8 | 0xCC) {
            let mut frame = [0u8; 5];
            reader.read_exact(&mut frame).map_err(failed)?;
            let height = u16::from_be_bytes([frame[1], frame[2]]) as u32;
            let width = u16::from_be_bytes([frame[3], frame[4]]) as u32;
            return Ok((width, height));
        }
        reader.seek_relative(length as i64 - 2).map_err(failed)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{decode_rgb, probe};

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 7) as u8, (y * 5) as u8, 90])
        });
        let mut bytes = Vec::new();
        image
            .write_to(&mut std::io::Cursor::new(&mut bytes), ImageFormat::Jpeg)
            .unwrap();
        bytes
    }

    /// `jpeg` with `count` APP1 segments of `len` bytes each after its start marker, as
    /// large EXIF, XMP and ICC blocks are laid out.
    fn with_app_segments(jpeg: &[u8], count: usize, len: u16) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        for i in 0..count {
            out.extend([0xFF, 0xE1]);
            out.extend(len.to_be_bytes());
            out.extend(std::iter::repeat_n(i as u8, len as usize - 2));
        }
        out.extend(&jpeg[2..]);
        out
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn jpeg_size_comes_from_the_frame_header_past_large_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let plain = jpeg(37, 21);
        let big = with_app_segments(&plain, 20, 65_000); // 1.3 MB of metadata first
        for (name, bytes) in [("plain.jpg", &plain), ("big.jpg", &big)] {
            let path = write(dir.path(), name, bytes);
            assert_eq!(probe_file(&path, u64::MAX), Ok((37, 21)), "{name}");
            assert_eq!(
                probe(bytes, u64::MAX),
                Ok((37, 21)),
                "{name}: as the full decoder"
            );
        }
        assert_eq!(decode_rgb(&big, u64::MAX).unwrap().dimensions(), (37, 21));
    }

    #[test]
    fn a_jpeg_without_its_end_is_truncated_from_the_header_and_its_tail() {
        let dir = tempfile::tempdir().unwrap();
        // Cut just after the frame header: the size is there, the end-of-image marker is not.
        let plain = jpeg(64, 48);
        let sos = plain.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        let cut = write(dir.path(), "cut.jpg", &plain[..sos + 4]);
        assert_eq!(
            probe_file(&cut, u64::MAX).unwrap_err().reason,
            SkipReason::Truncated
        );
        let decoded = decode_rgb(&std::fs::read(&cut).unwrap(), u64::MAX);
        assert_eq!(decoded.unwrap_err().reason, SkipReason::Truncated);
        // A little data after the end-of-image marker is allowed.
        let mut trailing = plain.clone();
        trailing.extend_from_slice(&[0u8; 100]);
        let trailing = write(dir.path(), "trailing.jpg", &trailing);
        assert_eq!(probe_file(&trailing, u64::MAX), Ok((64, 48)));
        // A file cut before its frame header is truncated.
        let sof = plain.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        let short = write(dir.path(), "short.jpg", &plain[..sof + 3]);
        assert_eq!(
            probe_file(&short, u64::MAX).unwrap_err().reason,
            SkipReason::Truncated
        );
    }

    #[test]
    fn other_formats_limits_and_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let image = image::RgbImage::new(30, 20);
        for format in [
            ImageFormat::Png,
            ImageFormat::Bmp,
            ImageFormat::Gif,
            ImageFormat::Tiff,
            ImageFormat::WebP,
        ] {
            let mut bytes = Vec::new();
            image
                .write_to(&mut std::io::Cursor::new(&mut bytes), format)
                .unwrap();
            let path = write(dir.path(), &format!("x.{:?}", format), &bytes);
            assert_eq!(probe_file(&path, u64::MAX), Ok((30, 20)), "{format:?}");
            let err = probe_file(&path, 599).unwrap_err();
            assert_eq!(err.reason, SkipReason::TooLarge, "{format:?}");
            assert!(
                err.message.contains("30x20 = 600 pixels"),
                "{}",
                err.message
            );
        }
        let empty = write(dir.path(), "empty.jpg", &[]);
        assert_eq!(
            probe_file(&empty, u64::MAX).unwrap_err().reason,
            SkipReason::Empty
        );
        let garbage = write(dir.path(), "garbage.jpg", b"this is not an image at all");
        assert_eq!(
            probe_file(&garbage, u64::MAX).unwrap_err().reason,
            SkipReason::Undecodable
        );
        let missing = probe_file(&dir.path().join("missing.png"), u64::MAX).unwrap_err();
        assert_eq!(missing.reason, SkipReason::Unreadable);
        // A JPEG whose header is followed by a non-marker byte is broken, not an image.
        let mut broken = jpeg(8, 8)[..4].to_vec();
        broken.extend([0x00, 0x04, 0, 0, 0x12, 0x34]);
        let broken = write(dir.path(), "broken.jpg", &broken);
        assert_eq!(
            probe_file(&broken, u64::MAX).unwrap_err().reason,
            SkipReason::Undecodable
        );
    }
}
