//! Batches decoded in parallel and prepared ahead of time: a background thread assembles the
//! next batches (each image decoded and resized on its own rayon task) while training runs on
//! the current one, so loading is not the bottleneck.

use crate::batch::{PaintingBatch, PaintingBatcher};
use crate::item::PaintingItem;
use burn::data::dataloader::batcher::Batcher;
use burn::data::dataset::{Dataset, DatasetError};
use burn::prelude::Device;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::JoinHandle;

/// A parallel, prefetching batch loader over any data set of [`PaintingItem`]s.
#[derive(Clone)]
pub struct PrefetchLoader {
    pool: Arc<rayon::ThreadPool>,
    batch_size: usize,
    prefetch: usize,
}

impl std::fmt::Debug for PrefetchLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrefetchLoader")
            .field("threads", &self.pool.current_num_threads())
            .field("batch_size", &self.batch_size)
            .field("prefetch", &self.prefetch)
            .finish()
    }
}

impl PrefetchLoader {
    /// A loader of `batch_size` images per batch that decodes on `threads` threads (0: one
    /// per core) and keeps up to `prefetch` batches ready (at least one).
    pub fn new(batch_size: usize, threads: usize, prefetch: usize) -> Self {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("gan-data-loader-{i}"))
            .build()
            .unwrap_or_else(|_| {
                rayon::ThreadPoolBuilder::new()
                    .build()
                    .expect("a default rayon pool")
            });
        Self {
            pool: Arc::new(pool),
            batch_size: batch_size.max(1),
            prefetch: prefetch.max(1),
        }
    }

    /// Images per batch.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Iterates the batches of `dataset` numbered `batches` (batch `b` holds items
    /// `b * batch_size ..`, the last one possibly shorter), each as `[B, 3, H, W]` on
    /// `device`. Batches arrive in order; dropping the iterator stops the background work.
    pub fn iter(
        &self,
        dataset: Arc<dyn Dataset<PaintingItem>>,
        batches: Range<usize>,
        device: &Device,
    ) -> PrefetchIter {
        let (sender, receiver) = sync_channel(self.prefetch);
        let pool = self.pool.clone();
        let batch_size = self.batch_size;
        let device = device.clone();
        let len = dataset.len();
        let worker = std::thread::Builder::new()
            .name("gan-data-prefetch".into())
            .spawn(move || {
                for b in batches {
                    let start = b * batch_size;
                    if start >= len {
                        break;
                    }
                    let end = (start + batch_size).min(len);
                    let items: Result<Vec<PaintingItem>, DatasetError> = pool.install(|| {
                        (start..end)
                            .into_par_iter()
                            .map(|i| dataset.get(i))
                            .collect()
                    });
                    let batch = items.map(|items| PaintingBatcher::new().batch(items, &device));
                    let failed = batch.is_err();
                    if sender.send(batch).is_err() || failed {
                        break;
                    }
                }
            })
            .expect("spawning the prefetch thread");
        PrefetchIter {
            receiver,
            worker: Some(worker),
        }
    }
}

/// Batches from [`PrefetchLoader::iter`].
pub struct PrefetchIter {
    receiver: Receiver<Result<PaintingBatch, DatasetError>>,
    worker: Option<JoinHandle<()>>,
}

impl Iterator for PrefetchIter {
    type Item = Result<PaintingBatch, DatasetError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.receiver.recv().ok()
    }
}

impl Drop for PrefetchIter {
    fn drop(&mut self) {
        // Unblock a worker waiting to send, then let it finish its current batch.
        let (_, dead) = sync_channel(0);
        drop(std::mem::replace(&mut self.receiver, dead));
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}
