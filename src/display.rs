//! Pictures and tables inline in notebooks. [`Png`], [`Gif`] and [`Html`] values implement
//! evcxr's display protocol: a cell of the Rust Jupyter kernel that ends in one of them shows
//! it (evcxr calls `evcxr_display`, which prints `EVCXR_BEGIN_CONTENT <mime>`, the content, and
//! `EVCXR_END_CONTENT`; images go base64-encoded).
//!
//! [`ToPng`] draws images from what a GAN gives: an 8-bit image, a grid of them, or a tensor of
//! images in `[-1, 1]`. So a cell ends in `grid.to_png()` or `images.to_png()`:
//!
//! ```no_run
//! use gan::burn::prelude::*;
//! use gan::core::dcgan::DcganGeneratorConfig;
//! use gan::display::ToPng;
//! let device = gan::core::device::parse_device("cpu")?;
//! let generator = DcganGeneratorConfig::new().with_image_size(32).init(&device)?;
//! let images = generator.forward(gan::train::sample::latent_noise(16, 100, 7, &device));
//! images.to_png() // in a notebook: the 4x4 grid, inline
//! # ; Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Drawing never panics: what cannot be drawn (a tensor with 2 channels, an empty grid) shows
//! as a line of text saying why.

use crate::train::output::gif::{GifFrame, gif_bytes};
use crate::train::sample::{encode_png, grid, to_rgb_images};
use base64::Engine;
use burn::prelude::*;
use image::RgbImage;

/// What a display value holds: its bytes for one MIME type, or why it could not be drawn.
#[derive(Debug, Clone, PartialEq)]
enum Content {
    Bytes(Vec<u8>),
    Problem(String),
}

/// Prints one evcxr display block: base64 for binary types, the text itself for HTML.
fn protocol(mime: &str, content: &Content) -> String {
    match content {
        Content::Bytes(bytes) if mime.starts_with("image/") => format!(
            "EVCXR_BEGIN_CONTENT {mime}\n{}\nEVCXR_END_CONTENT\n",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ),
        Content::Bytes(bytes) => format!(
            "EVCXR_BEGIN_CONTENT {mime}\n{}\nEVCXR_END_CONTENT\n",
            String::from_utf8_lossy(bytes)
        ),
        Content::Problem(problem) => {
            format!("EVCXR_BEGIN_CONTENT text/plain\ncannot draw: {problem}\nEVCXR_END_CONTENT\n")
        }
    }
}

/// A PNG picture that a notebook shows inline.
#[derive(Debug, Clone, PartialEq)]
pub struct Png(Content);

impl Png {
    /// An 8-bit RGB image as PNG.
    pub fn from_image(image: &RgbImage) -> Self {
        if image.width() == 0 || image.height() == 0 {
            return Self(Content::Problem("the image is empty".into()));
        }
        Self(match encode_png(image, &[]) {
            Ok(bytes) => Content::Bytes(bytes),
            Err(error) => Content::Problem(error.to_string()),
        })
    }

    /// Images laid out in a grid of `columns` columns (at least 1).
    pub fn grid(images: &[RgbImage], columns: usize) -> Self {
        if images.is_empty() {
            return Self(Content::Problem("no images".into()));
        }
        if images
            .iter()
            .any(|image| image.dimensions() != images[0].dimensions())
        {
            return Self(Content::Problem("images of different sizes".into()));
        }
        Self::from_image(&grid(images, columns))
    }

    /// A PNG file's bytes as they are (a sample grid or learning curve a run wrote).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(Content::Bytes(bytes))
    }

    /// Reads a PNG file (a run's `learning_curve.png`, a sample grid); a missing file shows as
    /// text naming it.
    pub fn open(path: impl AsRef<std::path::Path>) -> Self {
        let path = path.as_ref();
        Self(match std::fs::read(path) {
            Ok(bytes) => Content::Bytes(bytes),
            Err(error) => Content::Problem(format!("{}: {error}", path.display())),
        })
    }

    /// The PNG bytes, or `None` when it could not be drawn.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.0 {
            Content::Bytes(bytes) => Some(bytes),
            Content::Problem(_) => None,
        }
    }

    /// What evcxr reads from the cell's output.
    pub fn display_text(&self) -> String {
        protocol("image/png", &self.0)
    }

    /// Shows the picture in an evcxr notebook (evcxr calls this on a cell's final value).
    pub fn evcxr_display(&self) {
        print!("{}", self.display_text());
    }
}

/// An animated GIF that a notebook shows inline (a latent walk).
#[derive(Debug, Clone, PartialEq)]
pub struct Gif(Content);

impl Gif {
    /// Frames as a looping GIF, each shown `delay_ms` milliseconds.
    pub fn from_images(images: &[RgbImage], delay_ms: u32) -> Self {
        let frames: Vec<GifFrame> = images
            .iter()
            .map(|image| GifFrame {
                image: image.clone(),
                delay_ms,
            })
            .collect();
        Self::from_frames(&frames)
    }

    /// Frames with their own delays (what `LatentWalkConfig::frames` gives) as a looping GIF.
    pub fn from_frames(frames: &[GifFrame]) -> Self {
        Self(match gif_bytes(frames, "in the notebook") {
            Ok(bytes) => Content::Bytes(bytes),
            Err(error) => Content::Problem(error.to_string()),
        })
    }

    /// The GIF bytes, or `None` when it could not be drawn.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.0 {
            Content::Bytes(bytes) => Some(bytes),
            Content::Problem(_) => None,
        }
    }

    /// What evcxr reads from the cell's output.
    pub fn display_text(&self) -> String {
        protocol("image/gif", &self.0)
    }

    /// Shows the animation in an evcxr notebook.
    pub fn evcxr_display(&self) {
        print!("{}", self.display_text());
    }
}

/// An HTML fragment that a notebook shows inline: a table of numbers, say.
#[derive(Debug, Clone, PartialEq)]
pub struct Html(String);

impl Html {
    /// Any HTML (not escaped: build it from trusted parts, or use [`Html::table`]).
    pub fn new(html: impl Into<String>) -> Self {
        Self(html.into())
    }

    /// A table with a header row; every cell is escaped.
    pub fn table<H: AsRef<str>, C: AsRef<str>>(header: &[H], rows: &[Vec<C>]) -> Self {
        let mut html = String::from("<table>\n<tr>");
        for cell in header {
            html.push_str(&format!("<th>{}</th>", escape(cell.as_ref())));
        }
        html.push_str("</tr>\n");
        for row in rows {
            html.push_str("<tr>");
            for cell in row {
                html.push_str(&format!("<td>{}</td>", escape(cell.as_ref())));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table>");
        Self(html)
    }

    /// The HTML text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What evcxr reads from the cell's output.
    pub fn display_text(&self) -> String {
        protocol("text/html", &Content::Bytes(self.0.clone().into_bytes()))
    }

    /// Shows the HTML in an evcxr notebook.
    pub fn evcxr_display(&self) {
        print!("{}", self.display_text());
    }
}

/// `&`, `<`, `>` and `"` as HTML entities.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Things that can be drawn as a PNG.
pub trait ToPng {
    /// The picture.
    fn to_png(&self) -> Png;
}

impl ToPng for RgbImage {
    fn to_png(&self) -> Png {
        Png::from_image(self)
    }
}

impl ToPng for [RgbImage] {
    /// A square-ish grid of the images.
    fn to_png(&self) -> Png {
        let columns = (self.len() as f64).sqrt().ceil() as usize;
        Png::grid(self, columns.max(1))
    }
}

impl ToPng for Vec<RgbImage> {
    fn to_png(&self) -> Png {
        self.as_slice().to_png()
    }
}

impl ToPng for Tensor<4> {
    /// `[B, C, H, W]` images in `[-1, 1]` (what a generator gives; 1 or 3 channels) as a
    /// square-ish grid.
    fn to_png(&self) -> Png {
        match to_rgb_images(self.clone()) {
            Ok(images) => images.to_png(),
            Err(error) => Png(Content::Problem(error.to_string())),
        }
    }
}

impl ToPng for Tensor<3> {
    /// One `[C, H, W]` image in `[-1, 1]`.
    fn to_png(&self) -> Png {
        self.clone().unsqueeze::<4>().to_png()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits an evcxr display block into its MIME type and body.
    fn block(text: &str) -> (String, String) {
        let rest = text
            .strip_prefix("EVCXR_BEGIN_CONTENT ")
            .expect("starts with the begin marker");
        let (mime, rest) = rest.split_once('\n').expect("a MIME line");
        let body = rest
            .strip_suffix("\nEVCXR_END_CONTENT\n")
            .expect("ends with the end marker");
        (mime.to_string(), body.to_string())
    }

    fn decode(body: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("the body is base64")
    }

    fn picture() -> RgbImage {
        RgbImage::from_fn(5, 3, |x, y| image::Rgb([x as u8 * 50, y as u8 * 80, 7]))
    }

    #[test]
    fn a_png_block_carries_the_image_in_base64() {
        let (mime, body) = block(&picture().to_png().display_text());
        assert_eq!(mime, "image/png");
        let decoded = image::load_from_memory(&decode(&body)).unwrap().to_rgb8();
        assert_eq!(decoded, picture());
    }

    #[test]
    fn a_tensor_becomes_a_grid_of_its_images() {
        let device = crate::core::device::parse_device("cpu").unwrap();
        let values: Vec<f32> = (0..4 * 3 * 2 * 2)
            .map(|i| (i % 5) as f32 / 2.0 - 1.0)
            .collect();
        let images = Tensor::<4>::from_data(TensorData::new(values, [4, 3, 2, 2]), &device);
        let png = images.to_png();
        let decoded = image::load_from_memory(png.bytes().unwrap())
            .unwrap()
            .to_rgb8();
        let expected = grid(&to_rgb_images(images.clone()).unwrap(), 2);
        assert_eq!(decoded, expected, "a 2x2 grid of the four images");
        let two_channels = images.slice([0..4, 0..2, 0..2, 0..2]).to_png();
        let (mime, body) = block(&two_channels.display_text());
        assert_eq!(mime, "text/plain");
        assert!(
            body.starts_with("cannot draw: ") && body.contains("2"),
            "{body}"
        );
        assert!(two_channels.bytes().is_none());
    }

    #[test]
    fn a_gif_block_carries_every_frame() {
        let frames = [picture(), image::imageops::flip_horizontal(&picture())];
        let (mime, body) = block(&Gif::from_images(&frames, 50).display_text());
        assert_eq!(mime, "image/gif");
        let bytes = decode(&body);
        assert!(bytes.starts_with(b"GIF89a"));
        use image::AnimationDecoder;
        let decoder = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(decoder.into_frames().count(), 2);
        let mixed = Gif::from_images(&[picture(), RgbImage::new(2, 2)], 50);
        assert!(mixed.display_text().contains("cannot share one animation"));
    }

    #[test]
    fn html_tables_escape_their_cells() {
        let table = Html::table(&["image", "P(real)"], &[vec!["<noise>", "0.12"]]);
        let (mime, body) = block(&table.display_text());
        assert_eq!(mime, "text/html");
        assert!(body.contains("<th>P(real)</th>"), "{body}");
        assert!(
            body.contains("<td>&lt;noise&gt;</td><td>0.12</td>"),
            "{body}"
        );
    }

    #[test]
    fn empty_or_missing_pictures_say_why() {
        assert!(
            Vec::<RgbImage>::new()
                .to_png()
                .display_text()
                .contains("cannot draw: no images")
        );
        let missing = Png::open("/nonexistent/learning_curve.png").display_text();
        assert!(
            missing.contains("/nonexistent/learning_curve.png"),
            "{missing}"
        );
    }
}
