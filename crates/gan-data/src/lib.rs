//! # gan-data
//!
//! Where a GAN's images come from: sources, decoding, resizing, labels and batching into
//! `[B, 3, H, W]` tensors in `[-1, 1]`.
//!
//! - [`ImageFolderDataset`]: a folder of images; the first folder level names the style.
//! - [`ProceduralPaintings`]: an embedded, deterministic set of procedurally painted images in
//!   five labelled styles, so that training works with no download.
//! - [`EpochView`]: one epoch's shuffled order with random horizontal flips, reproducible
//!   from a seed and the epoch number (so a resumed run sees the same batches).
//! - [`PaintingBatcher`]: batches [`PaintingItem`]s into a [`PaintingBatch`] through Burn's
//!   `DataLoader`.
//!
//! ```no_run
//! use gan_data::{DataSource, ProceduralPaintingsConfig};
//!
//! let source = DataSource::Embedded(ProceduralPaintingsConfig::new());
//! let data = source.open(64).unwrap();
//! println!("{} images in styles {:?}", data.dataset.len(), data.class_names);
//! ```

mod batch;
mod epoch;
mod error;
mod folder;
mod item;
mod procedural;
pub mod random;
mod resize;
mod source;

pub use batch::{PaintingBatch, PaintingBatcher};
pub use epoch::EpochView;
pub use error::DataError;
pub use folder::{IMAGE_EXTENSIONS, ImageFolderDataset};
pub use item::PaintingItem;
pub use procedural::{PaintingStyle, ProceduralPaintings, ProceduralPaintingsConfig};
pub use resize::resize_and_center_crop;
pub use source::{DataSource, OpenedDataset};

/// Re-export of Burn's dataset trait, implemented by every data set here.
pub use burn::data::dataset::Dataset;
