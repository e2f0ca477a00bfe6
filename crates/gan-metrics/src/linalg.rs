//! Dense `f64` linear algebra for the Fréchet distance: a symmetric eigendecomposition, the
//! square root of a symmetric positive semi-definite matrix, and the trace of the square root of
//! a product of two such matrices.
//!
//! The eigendecomposition is the classical one of EISPACK (`tred2` + `tql2`, as in JAMA):
//! Householder reduction to tridiagonal form, then the implicit QL algorithm with Wilkinson
//! shifts. It is exact up to rounding (no fixed iteration count: QL iterates until every
//! off-diagonal element is below `2^-52` times the norm), and the eigenvector matrix is
//! orthogonal to machine precision. Matrices are stored column-major internally so that the
//! inner loops (Householder updates, Givens rotations) run over contiguous memory; products
//! use the `gemm` crate (already a dependency of Burn's CPU backend).
//!
//! ## Why the trace of `sqrtm(S1 S2)` is computed from symmetric matrices
//!
//! The reference (`scipy.linalg.sqrtm(S2 @ S1)`) takes the square root of a non-symmetric
//! product by a complex Schur decomposition and keeps the real part of its trace. For symmetric
//! positive semi-definite `S1 = F Fᵀ` (here `F = U Λ^½` from `S1 = U Λ Uᵀ`), the non-zero
//! eigenvalues of `S1 S2 = F (Fᵀ S2)` are those of `Fᵀ S2 F` (the products `AB` and `BA` share
//! their non-zero eigenvalues), which is symmetric positive semi-definite. So
//!
//! `tr sqrtm(S1 S2) = Σ √λᵢ(Fᵀ S2 F) = tr sqrtm(√S1 S2 √S1)`,
//!
//! with real, non-negative `λᵢ` (rounding can make tiny ones negative: they are clamped to 0,
//! which is what the real part of scipy's complex square root gives them). This needs one
//! eigendecomposition with vectors (of `S1`) and one without (of `Fᵀ S2 F`).

// The index loops of tred2/tql2 are kept as in EISPACK/JAMA, so the port can be checked
// line by line against them.
#![allow(clippy::needless_range_loop)]

use gemm::Parallelism;
use rayon::prelude::*;

/// A dense `f64` matrix, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// `rows * cols` values, row after row.
    pub values: Vec<f64>,
}

impl Matrix {
    /// A matrix from row-major values; `None` if `values.len() != rows * cols`.
    pub fn new(rows: usize, cols: usize, values: Vec<f64>) -> Option<Self> {
        (values.len() == rows * cols).then_some(Self { rows, cols, values })
    }

    /// The `n x n` zero matrix.
    pub fn zeros(n: usize) -> Self {
        Self {
            rows: n,
            cols: n,
            values: vec![0.0; n * n],
        }
    }

    /// The element at row `i`, column `j`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.values[i * self.cols + j]
    }

    /// The sum of the diagonal.
    pub fn trace(&self) -> f64 {
        (0..self.rows.min(self.cols)).map(|i| self.get(i, i)).sum()
    }

    /// Whether the matrix is square.
    pub fn is_square(&self) -> bool {
        self.rows == self.cols
    }

    /// `selfᵀ` if `transpose`, else `self`, times `other`ᵀ if `transpose_other`, else `other`.
    ///
    /// Panics if the inner dimensions differ (an internal invariant: callers check sizes).
    pub fn product(&self, transpose: bool, other: &Matrix, transpose_other: bool) -> Matrix {
        let (m, k) = if transpose {
            (self.cols, self.rows)
        } else {
            (self.rows, self.cols)
        };
        let (k2, n) = if transpose_other {
            (other.cols, other.rows)
        } else {
            (other.rows, other.cols)
        };
        assert_eq!(k, k2, "matrix product of incompatible shapes");
        let mut out = vec![0.0; m * n];
        if m == 0 || n == 0 {
            return Matrix {
                rows: m,
                cols: n,
                values: out,
            };
        }
        // (row stride, column stride) of each operand as seen after the optional transpose.
        let (lhs_rs, lhs_cs) = if transpose {
            (1, self.cols as isize)
        } else {
            (self.cols as isize, 1)
        };
        let (rhs_rs, rhs_cs) = if transpose_other {
            (1, other.cols as isize)
        } else {
            (other.cols as isize, 1)
        };
        // SAFETY: `out` holds m*n values written with row stride n; `self` and `other` hold
        // rows*cols values, and the strides above address exactly the m x k and k x n views of
        // them (checked by the shape assertion). The buffers do not overlap.
        unsafe {
            gemm::gemm(
                m,
                n,
                k,
                out.as_mut_ptr(),
                1,
                n as isize,
                false,
                self.values.as_ptr(),
                lhs_cs,
                lhs_rs,
                other.values.as_ptr(),
                rhs_cs,
                rhs_rs,
                0.0,
                1.0,
                false,
                false,
                false,
                Parallelism::Rayon(0),
            );
        }
        Matrix {
            rows: m,
            cols: n,
            values: out,
        }
    }
}

/// The eigendecomposition `A = V diag(λ) Vᵀ` of a symmetric matrix.
#[derive(Debug, Clone)]
pub struct SymmetricEigen {
    /// The eigenvalues, ascending.
    pub values: Vec<f64>,
    /// The eigenvectors as the columns of an `n x n` row-major matrix (column `i` belongs to
    /// `values[i]`); empty when only eigenvalues were asked for.
    pub vectors: Option<Matrix>,
}

impl SymmetricEigen {
    /// Decomposes the symmetric matrix `a` (only its lower triangle is read).
    ///
    /// With `vectors == false` only the eigenvalues are computed, about three times faster.
    /// Returns `None` if `a` is not square, holds a non-finite value, or QL does not converge.
    pub fn new(a: &Matrix, vectors: bool) -> Option<Self> {
        if !a.is_square() || a.values.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let n = a.rows;
        if n == 0 {
            return Some(Self {
                values: Vec::new(),
                vectors: vectors.then(|| Matrix::zeros(0)),
            });
        }
        // Column-major working copy: v[row + col * n]. `a` is symmetric, so its row-major
        // values are its column-major values; symmetrise from the lower triangle.
        let mut v = vec![0.0; n * n];
        for col in 0..n {
            for row in col..n {
                let x = a.values[row * n + col];
                v[row + col * n] = x;
                v[col + row * n] = x;
            }
        }
        let mut d = vec![0.0; n];
        let mut e = vec![0.0; n];
        tred2(n, &mut v, &mut d, &mut e, vectors);
        let mut rotations = Vec::new();
        if !tql2(n, &mut d, &mut e, vectors.then_some(&mut rotations)) {
            return None;
        }
        if vectors {
            apply_rotations(n, &mut v, &rotations);
        }

        // Sort ascending, carrying the vectors along; convert to row-major.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| d[i].total_cmp(&d[j]));
        let values = order.iter().map(|&i| d[i]).collect();
        let vectors = vectors.then(|| {
            let mut out = vec![0.0; n * n];
            for (new_col, &old_col) in order.iter().enumerate() {
                for row in 0..n {
                    out[row * n + new_col] = v[row + old_col * n];
                }
            }
            Matrix {
                rows: n,
                cols: n,
                values: out,
            }
        });
        Some(Self { values, vectors })
    }
}

/// The symmetric square root `V diag(√max(λ, 0)) Vᵀ` of a symmetric positive semi-definite
/// matrix (negative eigenvalues from rounding are clamped to 0).
///
/// Returns `None` if `a` is not square or holds a non-finite value.
pub fn sqrtm_psd(a: &Matrix) -> Option<Matrix> {
    let (factor, vectors) = factor_and_vectors(a)?;
    Some(factor.product(false, &vectors, true))
}

/// `F = V diag(√max(λ, 0))` from the eigendecomposition `a = V diag(λ) Vᵀ`, so that
/// `a = F Fᵀ`: the part of [`trace_sqrt_product`] that depends on `S1` only, worth caching when
/// `S1` (a data set's covariance) is compared with many `S2`.
///
/// Returns `None` if `a` is not square or holds a non-finite value.
pub fn psd_factor(a: &Matrix) -> Option<Matrix> {
    factor_and_vectors(a).map(|(factor, _)| factor)
}

fn factor_and_vectors(a: &Matrix) -> Option<(Matrix, Matrix)> {
    let eigen = SymmetricEigen::new(a, true)?;
    let vectors = eigen.vectors?;
    let mut factor = vectors.clone();
    let n = factor.cols;
    let roots: Vec<f64> = eigen.values.iter().map(|l| l.max(0.0).sqrt()).collect();
    for row in factor.values.chunks_exact_mut(n) {
        for (x, r) in row.iter_mut().zip(&roots) {
            *x *= r;
        }
    }
    Some((factor, vectors))
}

/// `tr sqrtm(S1 S2)` for symmetric positive semi-definite `S1` and `S2`, computed as
/// `Σ √max(λᵢ, 0)` over the eigenvalues of the symmetric `Fᵀ S2 F` with `S1 = F Fᵀ` (see the
/// module documentation).
///
/// Returns `None` if the matrices are not square of the same size or hold non-finite values.
pub fn trace_sqrt_product(s1: &Matrix, s2: &Matrix) -> Option<f64> {
    if !s1.is_square() || s1.rows != s2.rows || s1.cols != s2.cols {
        return None;
    }
    trace_sqrt_product_factored(&psd_factor(s1)?, s2)
}

/// [`trace_sqrt_product`] with `S1` given by its factor `F` ([`psd_factor`]).
///
/// Returns `None` if the sizes differ or `s2` holds a non-finite value.
pub fn trace_sqrt_product_factored(factor: &Matrix, s2: &Matrix) -> Option<f64> {
    if !factor.is_square() || !s2.is_square() || factor.rows != s2.rows {
        return None;
    }
    if s2.values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let inner = factor
        .product(true, s2, false)
        .product(false, factor, false);
    let eigen = SymmetricEigen::new(&inner, false)?;
    Some(eigen.values.iter().map(|l| l.max(0.0).sqrt()).sum())
}

/// Householder reduction of the symmetric matrix in `v` (column-major) to tridiagonal form:
/// diagonal in `d`, sub-diagonal in `e[1..]`. With `vectors`, `v` ends as the orthogonal
/// transformation; JAMA's `tred2` with column-major indexing.
fn tred2(n: usize, v: &mut [f64], d: &mut [f64], e: &mut [f64], vectors: bool) {
    // at(row, col) in column-major storage.
    let at = |row: usize, col: usize| row + col * n;
    for j in 0..n {
        d[j] = v[at(n - 1, j)];
    }
    for i in (1..n).rev() {
        let mut scale = 0.0;
        let mut h = 0.0;
        for k in 0..i {
            scale += d[k].abs();
        }
        if scale == 0.0 {
            e[i] = d[i - 1];
            for j in 0..i {
                d[j] = v[at(i - 1, j)];
                v[at(i, j)] = 0.0;
                v[at(j, i)] = 0.0;
            }
        } else {
            for k in 0..i {
                d[k] /= scale;
                h += d[k] * d[k];
            }
            let f = d[i - 1];
            let mut g = h.sqrt();
            if f > 0.0 {
                g = -g;
            }
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            // e = A d over the leading i x i block, from its lower triangle. Columns run in
            // parallel, each thread summing into its own vector.
            for j in 0..i {
                v[at(j, i)] = d[j];
            }
            let dd = &d[..i];
            let product = v[..i * n]
                .par_chunks(n)
                .enumerate()
                .with_min_len(PARALLEL_COLUMNS)
                .fold(
                    || vec![0.0; i],
                    |mut acc, (j, col)| {
                        let f = dd[j];
                        let col = &col[..i];
                        let mut g = col[j] * f;
                        for ((x, a), dk) in
                            col[j + 1..].iter().zip(&mut acc[j + 1..]).zip(&dd[j + 1..])
                        {
                            g += x * dk;
                            *a += x * f;
                        }
                        acc[j] += g;
                        acc
                    },
                )
                .reduce(
                    || vec![0.0; i],
                    |mut a, b| {
                        for (x, y) in a.iter_mut().zip(b) {
                            *x += y;
                        }
                        a
                    },
                );
            e[..i].copy_from_slice(&product);
            let mut f = 0.0;
            for j in 0..i {
                e[j] /= h;
                f += e[j] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[j] -= hh * d[j];
            }
            // The rank-2 update A -= d eᵀ + e dᵀ of the lower triangle, columns in parallel.
            let (dd, ee) = (&d[..i], &e[..i]);
            v[..i * n]
                .par_chunks_mut(n)
                .enumerate()
                .with_min_len(PARALLEL_COLUMNS)
                .for_each(|(j, col)| {
                    let (f, g) = (dd[j], ee[j]);
                    for ((x, ek), dk) in col[j..i].iter_mut().zip(&ee[j..]).zip(&dd[j..]) {
                        *x -= f * ek + g * dk;
                    }
                });
            for j in 0..i {
                d[j] = v[at(i - 1, j)];
                v[at(i, j)] = 0.0;
            }
        }
        d[i] = h;
    }
    if vectors {
        // Accumulate the transformations.
        for i in 0..n - 1 {
            v[at(n - 1, i)] = v[at(i, i)];
            v[at(i, i)] = 1.0;
            let h = d[i + 1];
            if h != 0.0 {
                for k in 0..=i {
                    d[k] = v[at(k, i + 1)] / h;
                }
                let (left, right) = v.split_at_mut((i + 1) * n);
                let next = &right[..=i];
                let d = &d[..=i];
                // Columns 0..=i are independent: one dot product and one axpy each.
                left.par_chunks_mut(n).for_each(|column| {
                    let col = &mut column[..=i];
                    let g: f64 = next.iter().zip(col.iter()).map(|(a, b)| a * b).sum();
                    for (x, dk) in col.iter_mut().zip(d) {
                        *x -= g * dk;
                    }
                });
            }
            for k in 0..=i {
                v[at(k, i + 1)] = 0.0;
            }
        }
        for j in 0..n {
            d[j] = v[at(n - 1, j)];
            v[at(n - 1, j)] = 0.0;
        }
        v[at(n - 1, n - 1)] = 1.0;
    } else {
        // Without accumulation the tridiagonal's diagonal is left on the diagonal of `v`.
        for j in 0..n {
            d[j] = v[at(j, j)];
        }
    }
    e[0] = 0.0;
}

/// Implicit QL iterations on the tridiagonal matrix (`d`, `e`) until every off-diagonal element
/// is negligible (JAMA's `tql2`). With `rotations`, every Givens rotation is recorded, in
/// order, for [`apply_rotations`] (JAMA applies each one to the eigenvector matrix at once,
/// which streams the whole matrix through memory once per QL sweep).
///
/// Returns `false` if an eigenvalue needed more than 100 iterations (not seen with finite
/// input; QL converges cubically).
fn tql2(n: usize, d: &mut [f64], e: &mut [f64], mut rotations: Option<&mut Vec<Rotation>>) -> bool {
    for i in 1..n {
        e[i - 1] = e[i];
    }
    e[n - 1] = 0.0;
    let mut f = 0.0;
    let mut tst1: f64 = 0.0;
    let eps = f64::EPSILON;
    for l in 0..n {
        tst1 = tst1.max(d[l].abs() + e[l].abs());
        let mut m = l;
        while m < n - 1 && e[m].abs() > eps * tst1 {
            m += 1;
        }
        if m > l {
            let mut iterations = 0;
            loop {
                iterations += 1;
                if iterations > 100 {
                    return false;
                }
                let mut g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = p.hypot(1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let mut h = g - d[l];
                for x in d.iter_mut().skip(l + 2) {
                    *x -= h;
                }
                f += h;
                p = d[m];
                let mut c = 1.0;
                let mut c2 = c;
                let mut c3 = c;
                let el1 = e[l + 1];
                let mut s = 0.0;
                let mut s2 = 0.0;
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = p.hypot(e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    if let Some(rotations) = rotations.as_deref_mut() {
                        rotations.push(Rotation { column: i, c, s });
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if e[l].abs() <= eps * tst1 {
                    break;
                }
            }
        }
        d[l] += f;
        e[l] = 0.0;
    }
    true
}

/// A Givens rotation of columns `column` and `column + 1` of the eigenvector matrix.
#[derive(Debug, Clone, Copy)]
struct Rotation {
    column: usize,
    c: f64,
    s: f64,
}

/// Rows per block in [`apply_rotations`]: a block of all `n` columns (`ROW_BLOCK * n * 8`
/// bytes, 256 KiB for n = 2048) stays in the core's cache while every rotation passes over it.
const ROW_BLOCK: usize = 16;

/// Fewest columns per parallel task in [`tred2`].
const PARALLEL_COLUMNS: usize = 32;

/// Applies `rotations`, in order, to the columns of the column-major `v` (`n x n`): row blocks
/// are independent, so they run in parallel, each copied into a small cache-resident buffer
/// (`[column][row in block]`) that all rotations update before it is copied back.
fn apply_rotations(n: usize, v: &mut [f64], rotations: &[Rotation]) {
    let blocks: Vec<usize> = (0..n).step_by(ROW_BLOCK).collect();
    let updated: Vec<(usize, Vec<f64>)> = blocks
        .par_iter()
        .map(|&start| {
            let rows = ROW_BLOCK.min(n - start);
            let mut block = vec![0.0; rows * n];
            for col in 0..n {
                block[col * rows..(col + 1) * rows]
                    .copy_from_slice(&v[col * n + start..col * n + start + rows]);
            }
            for r in rotations {
                let (left, right) = block.split_at_mut((r.column + 1) * rows);
                let a = &mut left[r.column * rows..];
                let b = &mut right[..rows];
                for (x, y) in a.iter_mut().zip(b.iter_mut()) {
                    let h = *y;
                    *y = r.s * *x + r.c * h;
                    *x = r.c * *x - r.s * h;
                }
            }
            (start, block)
        })
        .collect();
    for (start, block) in updated {
        let rows = block.len() / n;
        for col in 0..n {
            v[col * n + start..col * n + start + rows]
                .copy_from_slice(&block[col * rows..(col + 1) * rows]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_psd(n: usize, rank: usize, seed: u64) -> Matrix {
        let mut state = seed;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let x = Matrix {
            rows: rank,
            cols: n,
            values: (0..rank * n).map(|_| next()).collect(),
        };
        x.product(true, &x, false)
    }

    #[test]
    fn eigen_reconstructs_and_is_orthogonal() {
        for (n, rank) in [(1, 1), (2, 2), (7, 3), (40, 40), (65, 20)] {
            let a = random_psd(n, rank, n as u64);
            let eig = SymmetricEigen::new(&a, true).unwrap();
            let v = eig.vectors.clone().unwrap();
            let vtv = v.product(true, &v, false);
            let mut scaled = v.clone();
            for row in scaled.values.chunks_exact_mut(n) {
                for (x, l) in row.iter_mut().zip(&eig.values) {
                    *x *= l;
                }
            }
            let back = scaled.product(false, &v, true);
            for i in 0..n {
                for j in 0..n {
                    let id = if i == j { 1.0 } else { 0.0 };
                    assert!((vtv.get(i, j) - id).abs() < 1e-12, "orthogonality n={n}");
                    assert!(
                        (back.get(i, j) - a.get(i, j)).abs() < 1e-11,
                        "reconstruction n={n}"
                    );
                }
            }
            let only = SymmetricEigen::new(&a, false).unwrap();
            for (x, y) in only.values.iter().zip(&eig.values) {
                assert!((x - y).abs() < 1e-11);
            }
            assert!(eig.values.windows(2).all(|w| w[0] <= w[1]));
        }
    }

    #[test]
    fn sqrtm_squares_back() {
        let a = random_psd(30, 30, 9);
        let s = sqrtm_psd(&a).unwrap();
        let back = s.product(false, &s, false);
        let eig = SymmetricEigen::new(&a, false).unwrap();
        for (x, y) in back.values.iter().zip(&a.values) {
            assert!(
                (x - y).abs() < 1e-11,
                "{x} vs {y}, eigenvalues {:?}",
                eig.values
            );
        }
    }

    #[test]
    fn rejects_non_square_and_non_finite() {
        let a = Matrix::new(2, 3, vec![0.0; 6]).unwrap();
        assert!(SymmetricEigen::new(&a, true).is_none());
        let b = Matrix::new(2, 2, vec![1.0, f64::NAN, f64::NAN, 1.0]).unwrap();
        assert!(sqrtm_psd(&b).is_none());
        assert!(trace_sqrt_product(&Matrix::zeros(2), &Matrix::zeros(3)).is_none());
    }
}
