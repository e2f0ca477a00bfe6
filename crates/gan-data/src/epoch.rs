//! One epoch's view of a data set: a shuffled order and random horizontal flips, both
//! reproducible from `(seed, epoch)` so that a resumed run continues with the same batches.

use crate::item::PaintingItem;
use crate::random::{derive_seed, permutation, tags};
use burn::data::dataset::{Dataset, DatasetError};
use std::sync::Arc;

/// A shuffled, optionally flipped, view of a data set for one epoch.
pub struct EpochView {
    inner: Arc<dyn Dataset<PaintingItem>>,
    order: Vec<usize>,
    flip_seed: Option<u64>,
    crop_seed: u64,
}

impl EpochView {
    /// The view of epoch `epoch`: items in a permutation drawn from `(seed, epoch)`, each
    /// mirrored left-right with probability 1/2 when `random_flip` is set. Non-square items
    /// (from [`CropMode::Random`](crate::CropMode)) are cut to a square at a random position.
    pub fn new(
        inner: Arc<dyn Dataset<PaintingItem>>,
        seed: u64,
        epoch: u64,
        random_flip: bool,
    ) -> Self {
        let order = permutation(inner.len(), derive_seed(&[seed, epoch, tags::SHUFFLE]));
        let flip_seed = random_flip.then(|| derive_seed(&[seed, epoch, tags::FLIP]));
        let crop_seed = derive_seed(&[seed, epoch, tags::CROP]);
        Self {
            inner,
            order,
            flip_seed,
            crop_seed,
        }
    }

    /// The underlying data set index served at `position`.
    pub fn source_index(&self, position: usize) -> usize {
        self.order[position]
    }
}

impl Dataset<PaintingItem> for EpochView {
    fn get(&self, position: usize) -> Result<PaintingItem, DatasetError> {
        let mut item = self.inner.get(self.order[position])?;
        if item.width != item.height {
            // A strip from a random-crop data set: cut a square at a position drawn from
            // (seed, epoch, position), or the centre without a seed.
            let slack = item.width.max(item.height) - item.size();
            let offset = derive_seed(&[self.crop_seed, position as u64]) as usize % (slack + 1);
            item.crop_square(offset);
        }
        if let Some(seed) = self.flip_seed
            && derive_seed(&[seed, position as u64]) & 1 == 1
        {
            item.flip_horizontal();
        }
        Ok(item)
    }

    fn len(&self) -> usize {
        self.order.len()
    }
}
