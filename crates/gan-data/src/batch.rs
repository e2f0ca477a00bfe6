//! Batching images into tensors: `[B, 3, H, W]` in `[-1, 1]`, with optional style labels.

use crate::item::PaintingItem;
use burn::data::dataloader::batcher::Batcher;
use burn::prelude::*;

/// A batch of images and, when the data set is labelled, their style indices.
#[derive(Debug, Clone)]
pub struct PaintingBatch {
    /// `[B, 3, H, W]`, values in `[-1, 1]`.
    pub images: Tensor<4>,
    /// `[B]` style indices, when every item in the batch has a label.
    pub labels: Option<Tensor<1, Int>>,
}

/// Turns [`PaintingItem`]s into a [`PaintingBatch`]: 8-bit RGB to `x / 127.5 - 1`, HWC to
/// CHW, on the host, then one upload to the device.
#[derive(Debug, Clone, Copy, Default)]
pub struct PaintingBatcher;

impl PaintingBatcher {
    /// Creates a batcher.
    pub fn new() -> Self {
        Self
    }
}

impl Batcher<PaintingItem, PaintingBatch> for PaintingBatcher {
    fn batch(&self, items: Vec<PaintingItem>, device: &Device) -> PaintingBatch {
        let batch = items.len();
        // A strip left by random cropping outside an epoch view becomes its centre square.
        let items: Vec<PaintingItem> = items
            .into_iter()
            .map(|mut item| {
                item.crop_center();
                item
            })
            .collect();
        let size = items.first().map_or(0, |item| item.size());
        let plane = size * size;
        let mut values = vec![0.0f32; batch * 3 * plane];
        for (b, item) in items.iter().enumerate() {
            assert_eq!(
                item.size(),
                size,
                "PaintingBatcher: every image of a batch must have the same size"
            );
            let out = &mut values[b * 3 * plane..(b + 1) * 3 * plane];
            for (p, rgb) in item.pixels.chunks_exact(3).enumerate() {
                for c in 0..3 {
                    out[c * plane + p] = rgb[c] as f32 / 127.5 - 1.0;
                }
            }
        }
        let images = Tensor::from_data(TensorData::new(values, [batch, 3, size, size]), device);
        let labels: Option<Vec<i64>> = items
            .iter()
            .map(|item| item.label.map(|l| l as i64))
            .collect();
        let labels = labels.map(|l| Tensor::from_data(TensorData::new(l, [batch]), device));
        PaintingBatch { images, labels }
    }
}
