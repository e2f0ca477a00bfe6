//! The kernel inception distance (KID, Bińkowski et al. 2018): the unbiased estimate of the
//! squared maximum mean discrepancy between two feature sets under the polynomial kernel
//! `k(x, y) = (xᵀy / d + 1)³`, averaged over random subsets as StyleGAN2-ADA's
//! `kernel_inception_distance.py` does.

use super::FidError;
use super::linalg::Matrix;
use burn::config::Config;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// How KID draws its subsets.
#[derive(Config, Debug, PartialEq)]
pub struct KidConfig {
    /// Number of random subsets averaged.
    #[config(default = 100)]
    pub num_subsets: usize,
    /// Largest subset size; the size used is `min(n_real, n_generated, max_subset_size)`.
    #[config(default = 1000)]
    pub max_subset_size: usize,
    /// Seed of the subset draws.
    #[config(default = 0)]
    pub seed: u64,
}

/// KID over subsets: their mean (the KID) and standard deviation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KidReport {
    /// The mean over subsets of the unbiased MMD² estimate.
    pub mean: f64,
    /// The population standard deviation over subsets (0 for one subset).
    pub std: f64,
    /// Number of subsets averaged.
    pub num_subsets: usize,
    /// Size of each subset (of both sets).
    pub subset_size: usize,
}

/// The unbiased MMD² estimate between all of `x` (`[m, d]`) and all of `y` (`[n, d]`) under
/// the polynomial kernel `(xᵀy / d + 1)³`:
///
/// `1/(m(m−1)) Σ_{i≠j} k(xᵢ,xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ,yⱼ) − 2/(mn) Σ k(xᵢ,yⱼ)`.
///
/// Errors when the feature sizes differ or a set has fewer than two rows.
pub fn mmd2_unbiased(x: &Matrix, y: &Matrix) -> Result<f64, FidError> {
    if x.cols != y.cols {
        return Err(FidError::Invalid(format!(
            "KID of features of different sizes ({} and {})",
            x.cols, y.cols
        )));
    }
    if x.rows < 2 || y.rows < 2 {
        return Err(FidError::Invalid(format!(
            "KID needs at least 2 feature vectors per set, got {} and {}",
            x.rows, y.rows
        )));
    }
    let d = x.cols as f64;
    let kernel_sum = |a: &Matrix, b: &Matrix, skip_diagonal: bool| -> f64 {
        let gram = a.product(false, b, true);
        let mut sum = 0.0;
        for i in 0..gram.rows {
            for j in 0..gram.cols {
                if skip_diagonal && i == j {
                    continue;
                }
                sum += (gram.get(i, j) / d + 1.0).powi(3);
            }
        }
        sum
    };
    let (m, n) = (x.rows as f64, y.rows as f64);
    Ok(
        kernel_sum(x, x, true) / (m * (m - 1.0)) + kernel_sum(y, y, true) / (n * (n - 1.0))
            - 2.0 * kernel_sum(x, y, false) / (m * n),
    )
}

/// KID between `real` (`[n_real, d]`) and `generated` (`[n_gen, d]`) features: the mean and
/// standard deviation of [`mmd2_unbiased`] over `config.num_subsets` pairs of subsets of
/// `min(n_real, n_gen, max_subset_size)` rows, drawn without replacement.
///
/// When both sets have exactly the subset size, every subset is the whole set and the result
/// does not depend on the seed.
pub fn kernel_inception_distance(
    real: &Matrix,
    generated: &Matrix,
    config: &KidConfig,
) -> Result<KidReport, FidError> {
    if config.num_subsets == 0 {
        return Err(FidError::Invalid("KID needs at least one subset".into()));
    }
    let size = real.rows.min(generated.rows).min(config.max_subset_size);
    let mut rng = StdRng::seed_from_u64(config.seed);
    let mut values = Vec::with_capacity(config.num_subsets);
    for _ in 0..config.num_subsets {
        let g = subset(generated, size, &mut rng);
        let r = subset(real, size, &mut rng);
        values.push(mmd2_unbiased(&g, &r)?);
    }
    let count = values.len() as f64;
    let mean = values.iter().sum::<f64>() / count;
    let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / count).sqrt();
    Ok(KidReport {
        mean,
        std,
        num_subsets: config.num_subsets,
        subset_size: size,
    })
}

fn subset(features: &Matrix, size: usize, rng: &mut StdRng) -> Matrix {
    let rows: Vec<usize> = if size == features.rows {
        (0..size).collect()
    } else {
        rand::seq::index::sample(rng, features.rows, size).into_vec()
    };
    let mut values = Vec::with_capacity(size * features.cols);
    for row in rows {
        values.extend_from_slice(&features.values[row * features.cols..(row + 1) * features.cols]);
    }
    Matrix {
        rows: size,
        cols: features.cols,
        values,
    }
}
