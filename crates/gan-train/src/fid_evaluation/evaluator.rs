//! FID during training: every `every` generator steps (and at the end), the FID of `samples`
//! generated images against the Inception statistics of the training data, which are computed
//! once and cached in the run folder (`fid_reference.fidstats`). Each value goes to `fid.csv`,
//! to the progress output, and into the next checkpoint's metadata (`metrics.fid`), where
//! `gan models` lists it.
//!
//! The generated images come from one fixed noise batch ([`fid_noise_seed`]), so the values
//! of a run are comparable with each other and a resumed run measures exactly what an
//! uninterrupted one would.

use crate::checkpoint::write_atomic;
use crate::config::TrainingConfig;
use crate::delayed_progress::DelayedProgress;
use crate::error::TrainError;
use crate::fid_evaluation::config::FidEvaluationConfig;
use crate::output::run_folder::RunFolder;
use crate::random::{fid_noise_seed, fid_subset_seed};
use crate::sample::{latent_batches, latent_noise};
use burn::data::dataset::{Dataset, DatasetError};
use burn::prelude::*;
use gan_core::Generator;
use gan_data::random::permutation;
use gan_data::{OpenedDataset, PaintingItem, PrefetchLoader};
use gan_metrics::{DatasetStatistics, FidExtractor, frechet_distance_of};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What the cached reference statistics were computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ReferenceKey {
    data: String,
    images: usize,
    data_set_images: usize,
    image_size: usize,
    /// The seed of the random draw, when only part of the data set is used.
    seed: Option<u64>,
    weights_sha256: String,
}

/// The Inception network and the reference statistics of a run, ready to measure a
/// generator.
#[derive(Debug)]
pub struct FidEvaluator {
    config: FidEvaluationConfig,
    extractor: FidExtractor,
    reference: DatasetStatistics,
    seed: u64,
}

impl FidEvaluator {
    /// Loads the Inception weights onto `device` and gets the reference statistics: the
    /// configured statistics file, or the cached statistics of `data` in the run folder `run` when they
    /// were made from the same data, size, count and weights, or else computes them (a
    /// progress bar unless `quiet`) and caches them there.
    ///
    /// Errors name the weights or statistics file at fault, before any training step.
    pub fn prepare(
        config: &FidEvaluationConfig,
        training: &TrainingConfig,
        data: &OpenedDataset,
        image_size: usize,
        run: &RunFolder,
        device: &Device,
    ) -> Result<Self, TrainError> {
        config.validate()?;
        let device = device.clone().without_autodiff();
        let extractor = FidExtractor::load(config.weights_path(), &device)?;
        let reference = match &config.reference_statistics {
            Some(path) => {
                let statistics = DatasetStatistics::load(path)?;
                if let Some(theirs) = &statistics.weights_sha256
                    && theirs != &extractor.weights_sha256
                {
                    return Err(TrainError::Setting(format!(
                        "FID statistics {} were made with other Inception weights (SHA-256 {}) \
                         than {} ({}): FID values would not compare",
                        path.display(),
                        theirs,
                        config.weights_path().display(),
                        extractor.weights_sha256
                    )));
                }
                statistics
            }
            None => {
                let images = config
                    .reference_images
                    .map_or(data.dataset.len(), |n| n.min(data.dataset.len()));
                let key = ReferenceKey {
                    data: data.description.clone(),
                    images,
                    data_set_images: data.dataset.len(),
                    image_size,
                    seed: (images < data.dataset.len()).then_some(training.seed),
                    weights_sha256: extractor.weights_sha256.clone(),
                };
                match cached_reference(run, &key) {
                    Some(statistics) => statistics,
                    None => {
                        let statistics =
                            reference_statistics(&extractor, config, training, data, images)?;
                        save_reference(run, &key, &statistics)?;
                        statistics
                    }
                }
            }
        };
        Ok(Self {
            config: config.clone(),
            extractor,
            reference,
            seed: training.seed,
        })
    }

    /// The reference statistics.
    pub fn reference(&self) -> &DatasetStatistics {
        &self.reference
    }

    /// The FID of `generator` (in inference mode) on the run's fixed FID noise
    /// ([`fid_noise_seed`]), `samples` images in batches of `batch_size`.
    pub fn evaluate<G: Generator>(&self, generator: &G) -> Result<f64, TrainError> {
        let generator = generator.valid();
        let device = &self.extractor.device;
        let (samples, batch) = (self.config.samples, self.config.batch_size);
        let noise = latent_noise(
            samples,
            generator.latent_dim(),
            fid_noise_seed(self.seed),
            device,
        );
        let batches = latent_batches(noise, batch).map(|z| generator.generate(z));
        let generated = self.extractor.statistics_of_generated(batches, false)?;
        Ok(frechet_distance_of(&self.reference, &generated)?)
    }

    /// Generated images per evaluation.
    pub fn samples(&self) -> usize {
        self.config.samples
    }
}

/// The cached statistics in `run`, if they were made from what `key` describes.
fn cached_reference(run: &RunFolder, key: &ReferenceKey) -> Option<DatasetStatistics> {
    let text = std::fs::read_to_string(run.fid_reference_key()).ok()?;
    let cached: ReferenceKey = serde_json::from_str(&text).ok()?;
    if &cached != key {
        return None;
    }
    DatasetStatistics::load(run.fid_reference()).ok()
}

/// Writes the statistics, then the key that says what they are of.
fn save_reference(
    run: &RunFolder,
    key: &ReferenceKey,
    statistics: &DatasetStatistics,
) -> Result<(), TrainError> {
    let root = run.root();
    std::fs::create_dir_all(root).map_err(TrainError::io(root))?;
    statistics.save(run.fid_reference())?;
    let json = serde_json::to_vec_pretty(key).map_err(|e| TrainError::Setting(e.to_string()))?;
    write_atomic(&run.fid_reference_key(), &json)
}

/// `count` images of a data set, drawn without replacement.
struct Selection {
    inner: Arc<dyn Dataset<PaintingItem>>,
    indices: Vec<usize>,
}

impl Dataset<PaintingItem> for Selection {
    fn get(&self, index: usize) -> Result<PaintingItem, DatasetError> {
        match self.indices.get(index) {
            Some(&source) => self.inner.get(source),
            None => Err(DatasetError::new(gan_data::DataError::IndexOutOfRange {
                index,
                len: self.indices.len(),
            })),
        }
    }

    fn len(&self) -> usize {
        self.indices.len()
    }
}

/// The Inception statistics of `images` training images (all of them, or a random draw from
/// the run's seed), centre-cropped and unflipped, exactly as the training batches hold them.
fn reference_statistics(
    extractor: &FidExtractor,
    config: &FidEvaluationConfig,
    training: &TrainingConfig,
    data: &OpenedDataset,
    images: usize,
) -> Result<DatasetStatistics, TrainError> {
    let mut indices = permutation(data.dataset.len(), fid_subset_seed(training.seed));
    indices.truncate(images);
    let selection = Arc::new(Selection {
        inner: data.dataset.clone(),
        indices,
    });
    let batch = config.batch_size;
    let loader = PrefetchLoader::new(batch, training.loader_workers, training.prefetch_batches);
    let progress = DelayedProgress::new(images, "reference images", training.quiet);
    let mut failure = None;
    let batches = loader
        .iter(selection, 0..images.div_ceil(batch), &extractor.device)
        .map_while(|batch| match batch {
            Ok(batch) => {
                progress.inc(batch.images.dims()[0]);
                Some(batch.images)
            }
            Err(err) => {
                failure = Some(err);
                None
            }
        });
    let statistics = extractor.statistics_of_generated(batches, false);
    progress.finish();
    if let Some(err) = failure {
        return Err(TrainError::Loading(format!(
            "FID reference images of {}: {err}",
            data.description
        )));
    }
    Ok(statistics?)
}
