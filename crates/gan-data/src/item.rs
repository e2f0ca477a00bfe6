//! One decoded, resized image with its style label.

/// One square RGB image ready for batching.
#[derive(Debug, Clone, PartialEq)]
pub struct PaintingItem {
    /// 8-bit RGB pixels, row-major `[size, size, 3]`.
    pub pixels: Vec<u8>,
    /// Height and width in pixels.
    pub size: usize,
    /// Style (class) index, when the data set has labels.
    pub label: Option<usize>,
}

impl PaintingItem {
    /// Mirrors the image left to right, in place.
    pub fn flip_horizontal(&mut self) {
        let row_len = self.size * 3;
        for row in self.pixels.chunks_exact_mut(row_len) {
            for x in 0..self.size / 2 {
                let (a, b) = (x * 3, (self.size - 1 - x) * 3);
                for c in 0..3 {
                    row.swap(a + c, b + c);
                }
            }
        }
    }
}
