//! A data set's Inception statistics (mean and covariance of its pool features), and their
//! cache file, so that FID during training needs only the generated images.
//!
//! ## File format (version 1, little-endian)
//!
//! | bytes | content |
//! |-------|---------|
//! | 8 | magic `GANFIDST` |
//! | 4 | format version, `u32` = 1 |
//! | 8 | header length `h`, `u64` |
//! | h | JSON header: `{"count", "dim", "weights_sha256", "features"}` |
//! | 8·dim | mean, `f64` |
//! | 8·dim² | covariance, row-major `f64` |
//! | 4·count·dim | the features themselves, `f32`, only when `"features": true` (needed for KID) |

use super::FidError;
use super::linalg::{Matrix, psd_factor};
use serde::{Deserialize, Serialize};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::OnceLock;

const MAGIC: &[u8; 8] = b"GANFIDST";
const VERSION: u32 = 1;

/// Mean and covariance of a set of feature vectors, optionally with the vectors themselves.
///
/// The eigendecomposition of the covariance that the Fréchet distance needs is computed once,
/// on first use ([`DatasetStatistics::covariance_factor`]), and kept: FID during training
/// compares the same data set's statistics with every evaluation's.
#[derive(Debug, Clone)]
pub struct DatasetStatistics {
    /// Number of feature vectors (images).
    pub count: usize,
    /// The mean feature, `[dim]`.
    pub mean: Vec<f64>,
    /// The unbiased covariance (`np.cov(features, rowvar=False)`), `[dim, dim]`.
    pub covariance: Matrix,
    /// The features, `[count, dim]`, kept when KID is wanted against this set.
    pub features: Option<Matrix>,
    /// SHA-256 of the weights file that made the features, if known.
    pub weights_sha256: Option<String>,
    /// `F` with `covariance = F Fᵀ`, computed on first use.
    factor: OnceLock<Option<Matrix>>,
}

impl PartialEq for DatasetStatistics {
    /// Equal when the data are equal; the cached factor does not count.
    fn eq(&self, other: &Self) -> bool {
        self.count == other.count
            && self.mean == other.mean
            && self.covariance == other.covariance
            && self.features == other.features
            && self.weights_sha256 == other.weights_sha256
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    count: usize,
    dim: usize,
    weights_sha256: Option<String>,
    features: bool,
}

impl DatasetStatistics {
    /// Mean and unbiased covariance (divisor `count − 1`) of `features` (`[count, dim]`), in
    /// `f64`; `keep_features` keeps the features for KID.
    ///
    /// Errors with fewer than two feature vectors (the covariance is undefined).
    pub fn from_features(
        features: Matrix,
        keep_features: bool,
        weights_sha256: Option<String>,
    ) -> Result<Self, FidError> {
        let (count, dim) = (features.rows, features.cols);
        if count < 2 {
            return Err(FidError::Invalid(format!(
                "statistics need at least 2 images, got {count}"
            )));
        }
        let mut mean = vec![0.0; dim];
        for row in features.values.chunks_exact(dim) {
            for (m, x) in mean.iter_mut().zip(row) {
                *m += x;
            }
        }
        for m in &mut mean {
            *m /= count as f64;
        }
        let mut centred = features.clone();
        for row in centred.values.chunks_exact_mut(dim) {
            for (x, m) in row.iter_mut().zip(&mean) {
                *x -= m;
            }
        }
        let mut covariance = centred.product(true, &centred, false);
        for v in &mut covariance.values {
            *v /= (count - 1) as f64;
        }
        Ok(Self {
            count,
            mean,
            covariance,
            features: keep_features.then_some(features),
            weights_sha256,
            factor: OnceLock::new(),
        })
    }

    /// Statistics from an already computed mean and unbiased covariance (see
    /// [`FeatureMoments`](super::FeatureMoments)), without features.
    pub(crate) fn from_moments(
        count: usize,
        mean: Vec<f64>,
        covariance: Matrix,
        weights_sha256: Option<String>,
    ) -> Self {
        Self {
            count,
            mean,
            covariance,
            features: None,
            weights_sha256,
            factor: OnceLock::new(),
        }
    }

    /// The feature size.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// `F = V diag(√λ)` from the eigendecomposition of the covariance (`covariance = F Fᵀ`),
    /// computed on the first call and cached; `None` if the covariance is not finite.
    pub fn covariance_factor(&self) -> Option<&Matrix> {
        self.factor
            .get_or_init(|| psd_factor(&self.covariance))
            .as_ref()
    }

    /// Writes the statistics to `path` (format in the module documentation), through a
    /// temporary file renamed into place.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), FidError> {
        let path = path.as_ref();
        let header = serde_json::to_vec(&Header {
            count: self.count,
            dim: self.dim(),
            weights_sha256: self.weights_sha256.clone(),
            features: self.features.is_some(),
        })
        .map_err(|e| FidError::Invalid(format!("cannot encode statistics header: {e}")))?;
        let tmp = path.with_extension("tmp");
        let file = std::fs::File::create(&tmp).map_err(FidError::io(&tmp))?;
        let mut out = BufWriter::new(file);
        let mut write = |bytes: &[u8]| out.write_all(bytes).map_err(FidError::io(&tmp));
        write(MAGIC)?;
        write(&VERSION.to_le_bytes())?;
        write(&(header.len() as u64).to_le_bytes())?;
        write(&header)?;
        for v in self.mean.iter().chain(&self.covariance.values) {
            write(&v.to_le_bytes())?;
        }
        if let Some(features) = &self.features {
            for v in &features.values {
                write(&(*v as f32).to_le_bytes())?;
            }
        }
        out.flush().map_err(FidError::io(&tmp))?;
        drop(out);
        std::fs::rename(&tmp, path).map_err(FidError::io(path))
    }

    /// Reads statistics written by [`DatasetStatistics::save`].
    ///
    /// Errors name the file: wrong magic or version, bad header, truncated data.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, FidError> {
        let path = path.as_ref();
        let bad = |message: String| FidError::Statistics {
            path: path.to_path_buf(),
            message,
        };
        let file = std::fs::File::open(path).map_err(FidError::io(path))?;
        let mut input = BufReader::new(file);
        let mut read = |n: usize| -> Result<Vec<u8>, FidError> {
            let mut buf = vec![0u8; n];
            input
                .read_exact(&mut buf)
                .map_err(|e| FidError::Statistics {
                    path: path.to_path_buf(),
                    message: format!("truncated ({e})"),
                })?;
            Ok(buf)
        };
        if read(8)? != MAGIC {
            return Err(bad("not a gan FID statistics file (bad magic)".into()));
        }
        let version = u32::from_le_bytes(read(4)?.try_into().expect("4 bytes"));
        if version != VERSION {
            return Err(bad(format!("format version {version}, expected {VERSION}")));
        }
        let header_len = u64::from_le_bytes(read(8)?.try_into().expect("8 bytes"));
        if header_len > 1 << 20 {
            return Err(bad(format!("header of {header_len} bytes is too large")));
        }
        let header: Header = serde_json::from_slice(&read(header_len as usize)?)
            .map_err(|e| bad(format!("bad header: {e}")))?;
        let (count, dim) = (header.count, header.dim);
        if dim == 0 || dim > 1 << 16 || count > 1 << 32 {
            return Err(bad(format!("implausible sizes: count {count}, dim {dim}")));
        }
        // Check the length before allocating anything of the sizes the header claims.
        let expected = 20
            + header_len
            + 8 * (dim as u64 + (dim * dim) as u64)
            + if header.features {
                4 * count as u64 * dim as u64
            } else {
                0
            };
        let actual = std::fs::metadata(path).map_err(FidError::io(path))?.len();
        if actual != expected {
            return Err(bad(format!(
                "truncated or padded: {actual} bytes where its header implies {expected}"
            )));
        }
        let f64s = |bytes: Vec<u8>| -> Vec<f64> {
            bytes
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
                .collect()
        };
        let mean = f64s(read(8 * dim)?);
        let covariance = Matrix::new(dim, dim, f64s(read(8 * dim * dim)?)).expect("dim² values");
        let features = if header.features {
            let values = read(4 * count * dim)?
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")) as f64)
                .collect();
            Some(Matrix::new(count, dim, values).expect("count·dim values"))
        } else {
            None
        };
        Ok(Self {
            count,
            mean,
            covariance,
            features,
            weights_sha256: header.weights_sha256,
            factor: OnceLock::new(),
        })
    }
}
