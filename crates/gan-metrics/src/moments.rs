//! Mean and covariance of feature vectors that arrive in batches, without keeping the vectors:
//! memory stays one `dim x dim` matrix (32 MB for Inception's 2048) whatever the image count,
//! where keeping 50,000 features would take 800 MB.

use super::FidError;
use super::linalg::Matrix;
use super::statistics::DatasetStatistics;

/// Rows gathered before they are folded into the sum of outer products (one matrix product
/// of this many rows is much faster than many small ones).
const FOLD_ROWS: usize = 256;

/// Streaming mean and covariance of `dim`-dimensional vectors.
///
/// The vectors are shifted by the mean of the first batch before their sums are taken (the
/// shifted-data algorithm), so the covariance keeps its precision when the mean is large
/// against the spread; it equals the two-pass result of [`DatasetStatistics::from_features`]
/// to rounding.
#[derive(Debug, Clone)]
pub struct FeatureMoments {
    dim: usize,
    count: usize,
    shift: Option<Vec<f64>>,
    /// Σ (x − shift).
    sum: Vec<f64>,
    /// Σ (x − shift)(x − shift)ᵀ over the folded rows.
    outer: Matrix,
    /// Shifted rows not folded yet, row-major.
    pending: Vec<f64>,
}

impl FeatureMoments {
    /// No vectors yet, of size `dim`.
    pub fn new(dim: usize) -> Self {
        Self {
            dim,
            count: 0,
            shift: None,
            sum: vec![0.0; dim],
            outer: Matrix::zeros(dim),
            pending: Vec::new(),
        }
    }

    /// Vectors added so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Adds the rows of `batch` (`[rows, dim]`, row-major).
    ///
    /// Errors when the rows are not `dim` long.
    pub fn add(&mut self, batch: &[f64]) -> Result<(), FidError> {
        if self.dim == 0 || !batch.len().is_multiple_of(self.dim) {
            return Err(FidError::Invalid(format!(
                "feature batch of {} values is not whole rows of {}",
                batch.len(),
                self.dim
            )));
        }
        let rows = batch.len() / self.dim;
        if rows == 0 {
            return Ok(());
        }
        let shift = self.shift.get_or_insert_with(|| {
            let mut mean = vec![0.0; batch.len() / rows];
            for row in batch.chunks_exact(mean.len()) {
                for (m, x) in mean.iter_mut().zip(row) {
                    *m += x;
                }
            }
            mean.iter_mut().for_each(|m| *m /= rows as f64);
            mean
        });
        for row in batch.chunks_exact(self.dim) {
            for ((s, x), c) in self.sum.iter_mut().zip(row).zip(shift.iter()) {
                let centred = x - c;
                *s += centred;
                self.pending.push(centred);
            }
        }
        self.count += rows;
        if self.pending.len() >= FOLD_ROWS * self.dim {
            self.fold();
        }
        Ok(())
    }

    /// Folds the pending rows into the sum of outer products.
    fn fold(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let rows = self.pending.len() / self.dim;
        let block = Matrix::new(rows, self.dim, std::mem::take(&mut self.pending))
            .expect("whole pending rows");
        let update = block.product(true, &block, false);
        for (o, u) in self.outer.values.iter_mut().zip(&update.values) {
            *o += u;
        }
        self.pending = block.values;
        self.pending.clear();
    }

    /// The mean and unbiased covariance (divisor `count − 1`) of everything added, without
    /// the features themselves.
    ///
    /// Errors with fewer than two vectors (the covariance is undefined).
    pub fn finish(mut self, weights_sha256: Option<String>) -> Result<DatasetStatistics, FidError> {
        if self.count < 2 {
            return Err(FidError::Invalid(format!(
                "statistics need at least 2 images, got {}",
                self.count
            )));
        }
        self.fold();
        let n = self.count as f64;
        let shift = self.shift.take().expect("set by the first batch");
        let offset: Vec<f64> = self.sum.iter().map(|s| s / n).collect();
        let mean = shift.iter().zip(&offset).map(|(c, o)| c + o).collect();
        let mut covariance = self.outer;
        for (i, oi) in offset.iter().enumerate() {
            let row = &mut covariance.values[i * self.dim..(i + 1) * self.dim];
            for (v, oj) in row.iter_mut().zip(&offset) {
                *v = (*v - n * oi * oj) / (n - 1.0);
            }
        }
        Ok(DatasetStatistics::from_moments(
            self.count,
            mean,
            covariance,
            weights_sha256,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic features with a large mean against their spread (the hard case for a
    /// one-pass covariance) and correlated columns.
    fn features(rows: usize, dim: usize) -> Matrix {
        let mut state = 0x1234_5678_u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let mut values = Vec::with_capacity(rows * dim);
        for _ in 0..rows {
            let common = next();
            for j in 0..dim {
                values.push(1000.0 + j as f64 + common * (j % 3) as f64 + next());
            }
        }
        Matrix::new(rows, dim, values).unwrap()
    }

    #[test]
    fn streaming_equals_two_pass_for_any_batching() {
        let (rows, dim) = (700, 24);
        let all = features(rows, dim);
        let two_pass = DatasetStatistics::from_features(all.clone(), false, None).unwrap();
        for sizes in [
            vec![700],
            vec![1, 699],
            vec![7, 300, 1, 392],
            vec![256, 256, 188],
        ] {
            let mut moments = FeatureMoments::new(dim);
            let mut start = 0;
            for size in &sizes {
                moments
                    .add(&all.values[start * dim..(start + size) * dim])
                    .unwrap();
                start += size;
            }
            assert_eq!(moments.count(), rows);
            let streamed = moments.finish(None).unwrap();
            assert_eq!(streamed.count, rows);
            for (a, b) in streamed.mean.iter().zip(&two_pass.mean) {
                assert!(
                    (a - b).abs() <= 1e-12 * b.abs(),
                    "mean {a} vs {b} ({sizes:?})"
                );
            }
            let scale = two_pass
                .covariance
                .values
                .iter()
                .fold(0.0f64, |m, v| m.max(v.abs()));
            for (a, b) in streamed
                .covariance
                .values
                .iter()
                .zip(&two_pass.covariance.values)
            {
                assert!((a - b).abs() <= 1e-11 * scale, "cov {a} vs {b} ({sizes:?})");
            }
            assert!(streamed.features.is_none());
        }
    }

    #[test]
    fn too_few_vectors_or_ragged_rows_are_errors() {
        let mut moments = FeatureMoments::new(3);
        assert!(moments.add(&[1.0, 2.0]).is_err(), "not a whole row");
        moments.add(&[1.0, 2.0, 3.0]).unwrap();
        let err = moments.finish(None).unwrap_err().to_string();
        assert!(err.contains("at least 2 images, got 1"), "{err}");
    }
}
