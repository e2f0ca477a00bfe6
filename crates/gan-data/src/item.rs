//! One decoded, resized image with its style label.

/// One RGB image ready for batching: square, or (with random cropping) a strip whose shorter
/// side is the training size, cut to a square by [`EpochView`](crate::EpochView).
#[derive(Debug, Clone, PartialEq)]
pub struct PaintingItem {
    /// 8-bit RGB pixels, row-major `[height, width, 3]`.
    pub pixels: Vec<u8>,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Style (class) index, when the data set has labels.
    pub label: Option<usize>,
}

impl PaintingItem {
    /// A square `size` x `size` image.
    pub fn square(pixels: Vec<u8>, size: usize, label: Option<usize>) -> Self {
        Self {
            pixels,
            width: size,
            height: size,
            label,
        }
    }

    /// The side of the square this item becomes: its shorter side.
    pub fn size(&self) -> usize {
        self.width.min(self.height)
    }

    /// Mirrors the image left to right, in place.
    pub fn flip_horizontal(&mut self) {
        let row_len = self.width * 3;
        for row in self.pixels.chunks_exact_mut(row_len) {
            for x in 0..self.width / 2 {
                let (a, b) = (x * 3, (self.width - 1 - x) * 3);
                for c in 0..3 {
                    row.swap(a + c, b + c);
                }
            }
        }
    }

    /// Cuts the square of side [`size`](Self::size) that starts `offset` pixels along the
    /// longer side (clamped to fit). A square item is unchanged.
    pub fn crop_square(&mut self, offset: usize) {
        let size = self.size();
        if self.width == self.height {
            return;
        }
        let (x0, y0) = if self.width > self.height {
            (offset.min(self.width - size), 0)
        } else {
            (0, offset.min(self.height - size))
        };
        let mut out = Vec::with_capacity(size * size * 3);
        for y in y0..y0 + size {
            let start = (y * self.width + x0) * 3;
            out.extend_from_slice(&self.pixels[start..start + size * 3]);
        }
        self.pixels = out;
        self.width = size;
        self.height = size;
    }

    /// Cuts the centre square (see [`crop_square`](Self::crop_square)).
    pub fn crop_center(&mut self) {
        let slack = self.width.max(self.height) - self.size();
        self.crop_square(slack / 2);
    }
}
