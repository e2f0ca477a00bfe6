//! FID during training: every `every` generator steps (and at the end), the FID of `samples`
//! generated images against the Inception statistics of the training data, which are computed
//! once and cached in the run folder (`fid_reference.fidstats`). Each value goes to `fid.csv`,
//! to the progress output, and into the next checkpoint's metadata (`metrics.fid`), where
//! `gan models` lists it.
//!
//! The generated images come from one fixed noise batch ([`fid_noise_seed`]), so the values
//! of a run are comparable with each other and a resumed run measures exactly what an
//! uninterrupted one would.

use crate::delayed_progress::DelayedProgress;
use crate::fid::{DatasetStatistics, FidExtractor, default_weights_path, frechet_distance_of};
use crate::metrics::open_resumed_csv;
use crate::sample::{latent_batches, latent_noise};
use crate::{TrainError, TrainingConfig};
use burn::config::Config;
use burn::data::dataset::{Dataset, DatasetError};
use burn::prelude::*;
use gan_core::Generator;
use gan_data::random::{derive_seed, permutation};
use gan_data::{OpenedDataset, PaintingItem, PrefetchLoader};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The FID log of a run folder: `step,fid,samples,seconds`, one row per evaluation.
pub const FID_LOG_FILE: &str = "fid.csv";
/// The cached Inception statistics of the training data in a run folder.
pub const FID_REFERENCE_FILE: &str = "fid_reference.fidstats";
/// What [`FID_REFERENCE_FILE`] was computed from (data set and its selection, image size,
/// image count, weights).
pub const FID_REFERENCE_KEY_FILE: &str = "fid_reference.json";

/// FID during training.
#[derive(Config, Debug, PartialEq)]
pub struct FidEvaluationConfig {
    /// Evaluate every this many generator steps (and after the last step).
    pub every: usize,
    /// Generated images per evaluation. FID is biased upwards for small counts, so only
    /// values with the same count compare; 2048 (the feature size) or more keeps the
    /// covariance full rank.
    #[config(default = 2048)]
    pub samples: usize,
    /// Training images behind the data set's statistics, drawn at random (from the run's
    /// seed); `None`: all of them.
    #[config(default = "None")]
    pub reference_images: Option<usize>,
    /// A statistics file to use as the reference instead of the training images (for example
    /// from `gan fid DIR --save-stats FILE`).
    #[config(default = "None")]
    pub reference_statistics: Option<PathBuf>,
    /// The Inception weights (`default_1.pt`); `None`: [`default_weights_path`].
    #[config(default = "None")]
    pub weights: Option<PathBuf>,
    /// Images per Inception forward pass.
    #[config(default = 16)]
    pub batch_size: usize,
}

impl FidEvaluationConfig {
    /// Checks every setting.
    pub fn validate(&self) -> Result<(), TrainError> {
        let bad = |message: String| Err(TrainError::Setting(message));
        if self.every == 0 {
            return bad("FID every must be at least 1 step".into());
        }
        if self.samples < 2 {
            return bad(format!(
                "FID needs at least 2 generated images, got {}",
                self.samples
            ));
        }
        if self.reference_images.is_some_and(|n| n < 2) {
            return bad(format!(
                "FID needs at least 2 reference images, got {:?}",
                self.reference_images
            ));
        }
        if self.batch_size == 0 {
            return bad("FID batch size must be at least 1".into());
        }
        Ok(())
    }

    /// The weights file these settings name.
    pub fn weights_path(&self) -> PathBuf {
        self.weights.clone().unwrap_or_else(default_weights_path)
    }
}

/// The seed of the noise behind every FID evaluation of a run with `seed`: evaluation draws
/// `latent_noise(samples, latent_dim, fid_noise_seed(seed))`.
pub fn fid_noise_seed(seed: u64) -> u64 {
    derive_seed(&[seed, 0xF1D])
}

/// One FID measurement of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FidPoint {
    /// The generator step it was measured after.
    pub step: usize,
    /// The FID.
    pub fid: f64,
}

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
    /// configured statistics file, or the cached statistics of `data` in `run_dir` when they
    /// were made from the same data, size, count and weights, or else computes them (a
    /// progress bar unless `quiet`) and caches them there.
    ///
    /// Errors name the weights or statistics file at fault, before any training step.
    pub fn prepare(
        config: &FidEvaluationConfig,
        training: &TrainingConfig,
        data: &OpenedDataset,
        image_size: usize,
        run_dir: &Path,
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
                match cached_reference(run_dir, &key) {
                    Some(statistics) => statistics,
                    None => {
                        let statistics =
                            reference_statistics(&extractor, config, training, data, images)?;
                        save_reference(run_dir, &key, &statistics)?;
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

/// The cached statistics in `run_dir`, if they were made from what `key` describes.
fn cached_reference(run_dir: &Path, key: &ReferenceKey) -> Option<DatasetStatistics> {
    let text = std::fs::read_to_string(run_dir.join(FID_REFERENCE_KEY_FILE)).ok()?;
    let cached: ReferenceKey = serde_json::from_str(&text).ok()?;
    if &cached != key {
        return None;
    }
    DatasetStatistics::load(run_dir.join(FID_REFERENCE_FILE)).ok()
}

/// Writes the statistics, then the key that says what they are of.
fn save_reference(
    run_dir: &Path,
    key: &ReferenceKey,
    statistics: &DatasetStatistics,
) -> Result<(), TrainError> {
    std::fs::create_dir_all(run_dir).map_err(TrainError::io(run_dir))?;
    statistics.save(run_dir.join(FID_REFERENCE_FILE))?;
    let json = serde_json::to_vec_pretty(key).map_err(|e| TrainError::Setting(e.to_string()))?;
    crate::checkpoint::write_atomic(&run_dir.join(FID_REFERENCE_KEY_FILE), &json)
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
    let mut indices = permutation(data.dataset.len(), derive_seed(&[training.seed, 0xF1D5]));
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

/// The append-only FID log of a run, [`FID_LOG_FILE`].
pub struct FidLog {
    path: PathBuf,
    file: File,
}

impl FidLog {
    /// Opens `path` for a run resumed after `resume_step` steps (0 for a new run), keeping
    /// the rows up to that step.
    pub fn open(path: &Path, resume_step: usize) -> Result<Self, TrainError> {
        let file = open_resumed_csv(path, resume_step, "step,fid,samples,seconds")?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Appends one evaluation.
    pub fn append(
        &mut self,
        point: FidPoint,
        samples: usize,
        seconds: f64,
    ) -> Result<(), TrainError> {
        writeln!(
            self.file,
            "{},{},{samples},{seconds:.2}",
            point.step, point.fid
        )
        .map_err(TrainError::io(&self.path))
    }

    /// Reads the evaluations of a FID log (none when the file does not exist).
    pub fn read(path: &Path) -> Result<Vec<FidPoint>, TrainError> {
        if !path.exists() {
            return Ok(Vec::new());
        }
        let text = std::fs::read_to_string(path).map_err(TrainError::io(path))?;
        text.lines()
            .skip(1)
            .map(|line| {
                let mut fields = line.split(',');
                let step = fields.next().and_then(|s| s.parse().ok());
                let fid = fields.next().and_then(|s| s.parse().ok());
                match (step, fid) {
                    (Some(step), Some(fid)) => Ok(FidPoint { step, fid }),
                    _ => Err(TrainError::Setting(format!(
                        "bad FID row in {}: {line}",
                        path.display()
                    ))),
                }
            })
            .collect()
    }
}
