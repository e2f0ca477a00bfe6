//! Train/validation splits: by a fraction and a seed, or by a CSV column.

use serde::{Deserialize, Serialize};

/// Which part of a data set to use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum SplitConfig {
    /// Every image.
    #[default]
    All,
    /// A random split: `val_fraction` of the images (rounded) form the validation part, drawn
    /// with `seed` over the sorted file list, so the same files land in the same part every
    /// time; `part` says which part to keep.
    Fraction {
        /// The share of images in the validation part, in `[0, 1)`.
        val_fraction: f64,
        /// The seed of the draw.
        seed: u64,
        /// The part to keep.
        part: SplitPart,
    },
    /// The images whose CSV `column` has one of `values` (for example `split` = `train`).
    Column {
        /// The CSV column.
        column: String,
        /// The values to keep.
        values: Vec<String>,
    },
}

/// One side of a fraction split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SplitPart {
    /// The training part: `1 - val_fraction` of the images.
    Train,
    /// The validation part.
    Val,
}
