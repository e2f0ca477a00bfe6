//! # gan-data
//!
//! Where a GAN's images come from: sources, decoding, resizing, labels and batching into
//! `[B, 3, H, W]` tensors in `[-1, 1]`.
//!
//! - [`ArtDatasetConfig`] / [`ArtDataset`]: real art data sets from a folder tree or a `.zip`
//!   archive read in place, labelled by their first folder level or a CSV column; junk
//!   (hidden files, `__MACOSX/`, `._*`), other extensions and byte-identical duplicates
//!   skipped; class filter, per-class cap, train/val splits; JPEG, PNG, WebP, BMP, GIF and
//!   TIFF in any colour type to 8-bit RGB with EXIF orientation; bad files skipped and named
//!   in a [`LoadReport`]; an optional in-memory cache.
//! - [`ProceduralPaintings`]: an embedded, deterministic set of procedurally painted images in
//!   five labelled styles, so that training works with no download.
//! - [`EpochView`]: one epoch's shuffled order with random flips (and crops), reproducible
//!   from a seed and the epoch number (so a resumed run sees the same batches).
//! - [`PrefetchLoader`]: batches decoded in parallel (rayon) and prepared ahead of training.
//! - [`download`] (feature `download`): fetch an archive by URL, resumably, check its
//!   SHA-256 and extract it.
//!
//! ```no_run
//! use gan_data::{DataSource, ProceduralPaintingsConfig};
//!
//! let source = DataSource::Embedded(ProceduralPaintingsConfig::new());
//! let data = source.open(64).unwrap();
//! println!("{} images in styles {:?}", data.dataset.len(), data.class_names);
//! ```

mod art;
mod batch;
mod csv_labels;
mod decode;
mod digest;
#[cfg(feature = "download")]
pub mod download;
mod epoch;
mod error;
mod header;
mod item;
mod loader;
mod procedural;
pub mod random;
mod report;
mod resize;
mod source;
mod split;
mod store;

pub use art::{ArtDataset, ArtDatasetConfig, IMAGE_EXTENSIONS};
pub use batch::{PaintingBatch, PaintingBatcher};
pub use csv_labels::CsvLabels;
pub use decode::{DEFAULT_MAX_PIXELS, DecodeFailure, decode_rgb, probe};
pub use digest::{file_sha256, sha256};
pub use epoch::EpochView;
pub use error::DataError;
pub use header::probe_file;
pub use item::PaintingItem;
pub use loader::{PrefetchIter, PrefetchLoader};
pub use procedural::{PaintingStyle, ProceduralPaintings, ProceduralPaintingsConfig};
pub use report::{LoadReport, SkipReason, SkippedFile};
pub use resize::{CropMode, center_crop_resize, resize_and_center_crop, resize_shorter_side};
pub use source::{DataSource, OpenedDataset};
pub use split::{SplitConfig, SplitPart};
pub use store::{ImageStore, SharedFile, StoredFile};

/// Re-export of Burn's dataset trait, implemented by every data set here.
pub use burn::data::dataset::Dataset;
