//! The weight gradient of a 2-D convolution as one column GEMM per chunk of the batch, on the
//! host: `dW[co, (ci, r, s)] = Σ_b Σ_p dY[b, co, p] · X_col[b, (ci, r, s), p]`.
//!
//! Burn's default (`conv2d_weight_backward` in burn-backend) runs this as a convolution over
//! swapped batch and channel axes, which flex executes as one narrow GEMM per input channel
//! (16 output columns for a 4x4 kernel), repacking `dY` each time. Here each thread takes a
//! slice of the batch, lays out a block of samples' patches as columns (`im2col`) and the same
//! samples' output gradient as rows, and accumulates one wide GEMM per block into its own
//! `[C_out, C_in·kh·kw]` sum; the threads' sums are added at the end. The transposed
//! convolution's weight gradient is the same computation with the roles of its input and its
//! output gradient exchanged ([`conv_transpose2d_weight_gradient`]).

use super::scratch::Scratch;
use rayon::prelude::*;

/// Geometry of a 2-D convolution with one group and no dilation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvGeometry {
    /// Batch size.
    pub batch: usize,
    /// Channels of the convolution's input.
    pub channels_in: usize,
    /// Channels of the convolution's output.
    pub channels_out: usize,
    /// Input height and width.
    pub input: [usize; 2],
    /// Kernel height and width.
    pub kernel: [usize; 2],
    /// Stride in height and width.
    pub stride: [usize; 2],
    /// Zero padding in height and width.
    pub padding: [usize; 2],
}

impl ConvGeometry {
    /// Output height and width, or `None` when the kernel does not fit the padded input.
    pub fn output(&self) -> Option<[usize; 2]> {
        let size = |i: usize| {
            let padded = self.input[i] + 2 * self.padding[i];
            (padded >= self.kernel[i] && self.stride[i] > 0)
                .then(|| (padded - self.kernel[i]) / self.stride[i] + 1)
        };
        Some([size(0)?, size(1)?])
    }
}

/// Columns of the im2col block: about this many output positions per GEMM (the GEMM's depth),
/// so that a block of patches stays a few MB.
const BLOCK_POSITIONS: usize = 2048;

/// The weight gradient of `y = conv2d(x, w)` (one group, no dilation).
///
/// - `x`: `[B, C_in, H, W]`, row-major
/// - `output_grad`: `[B, C_out, H_out, W_out]`, row-major
/// - returns `[C_out, C_in, kh, kw]`, row-major
///
/// # Panics
/// When a slice's length does not match `geometry` (callers check shapes first).
pub fn conv2d_weight_gradient(x: &[f32], output_grad: &[f32], geometry: &ConvGeometry) -> Vec<f32> {
    let g = geometry;
    let [h, w] = g.input;
    let [oh, ow] = g.output().expect("the kernel fits the padded input");
    let [kh, kw] = g.kernel;
    let positions = oh * ow;
    let columns = g.channels_in * kh * kw;
    let out_len = g.channels_out * columns;
    assert_eq!(x.len(), g.batch * g.channels_in * h * w, "x's length");
    assert_eq!(
        output_grad.len(),
        g.batch * g.channels_out * positions,
        "output gradient's length"
    );
    if g.batch == 0 || out_len == 0 || positions == 0 {
        return vec![0.0; out_len];
    }

    let samples_per_block = (BLOCK_POSITIONS / positions).clamp(1, g.batch);
    let tasks = rayon::current_num_threads().clamp(1, g.batch);
    let per_task = g.batch.div_ceil(tasks);
    let sums: Vec<Vec<f32>> = (0..g.batch)
        .step_by(per_task)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|first| {
            let last = (first + per_task).min(g.batch);
            let mut sum = vec![0.0f32; out_len];
            let block_depth = samples_per_block * positions;
            let mut patches_buffer = Scratch::new(0, columns * block_depth);
            let mut rows_buffer = Scratch::new(1, g.channels_out * block_depth);
            let mut accumulate = false;
            for start in (first..last).step_by(samples_per_block) {
                let end = (start + samples_per_block).min(last);
                let depth = (end - start) * positions;
                let patches = &mut patches_buffer.as_mut_slice()[..columns * depth];
                let rows = &mut rows_buffer.as_mut_slice()[..g.channels_out * depth];
                for (j, b) in (start..end).enumerate() {
                    im2col(x, g, b, ow, 0..oh, patches, depth, j * positions);
                    for co in 0..g.channels_out {
                        let from = (b * g.channels_out + co) * positions;
                        let to = co * depth + j * positions;
                        rows[to..to + positions]
                            .copy_from_slice(&output_grad[from..from + positions]);
                    }
                }
                // sum[co, n] (+)= Σ_k rows[co, k] · patches[n, k]
                // SAFETY: every pointer covers its matrix: `sum` is [C_out, columns] row-major,
                // `rows` [C_out, depth] row-major, `patches` [columns, depth] row-major read as
                // the [depth, columns] right-hand side (row stride 1, column stride depth).
                unsafe {
                    gemm::gemm(
                        g.channels_out,
                        columns,
                        depth,
                        sum.as_mut_ptr(),
                        1,
                        columns as isize,
                        accumulate,
                        rows.as_ptr(),
                        1,
                        depth as isize,
                        patches.as_ptr(),
                        depth as isize,
                        1,
                        1.0,
                        1.0,
                        false,
                        false,
                        false,
                        gemm::Parallelism::None,
                    );
                }
                accumulate = true;
            }
            sum
        })
        .collect();
    let mut sums = sums.into_iter();
    let mut total = sums.next().unwrap_or_else(|| vec![0.0; out_len]);
    for sum in sums {
        for (t, s) in total.iter_mut().zip(sum) {
            *t += s;
        }
    }
    total
}

/// Writes the patches of sample `b`'s output rows `rows` into `patches`
/// (`[C_in·kh·kw, depth]`, row-major) at column offset `offset`: row `(ci, r, s)`, column
/// `offset + (oy - rows.start)·W_out + ox` holds `x[b, ci, oy·stride - pad + r, ox·stride - pad
/// + s]`, zero outside the image.
#[allow(clippy::too_many_arguments)]
pub(crate) fn im2col(
    x: &[f32],
    g: &ConvGeometry,
    b: usize,
    ow: usize,
    rows: std::ops::Range<usize>,
    patches: &mut [f32],
    depth: usize,
    offset: usize,
) {
    let [h, w] = g.input;
    let [kh, kw] = g.kernel;
    let [sh, sw] = g.stride;
    let [ph, pw] = g.padding;
    for ci in 0..g.channels_in {
        let plane = &x[(b * g.channels_in + ci) * h * w..][..h * w];
        for r in 0..kh {
            for s in 0..kw {
                let row = (ci * kh + r) * kw + s;
                let out = &mut patches[row * depth + offset..][..rows.len() * ow];
                for (i, oy) in rows.clone().enumerate() {
                    let line = &mut out[i * ow..][..ow];
                    let iy = (oy * sh + r) as isize - ph as isize;
                    if iy < 0 || iy >= h as isize {
                        line.fill(0.0);
                        continue;
                    }
                    let input_row = &plane[iy as usize * w..][..w];
                    // ix = ox·sw + s − pw lies in [0, w) for ox in [lo, hi).
                    let lo = pw.saturating_sub(s).div_ceil(sw).min(ow);
                    let hi = if w + pw > s {
                        (w + pw - s).div_ceil(sw).clamp(lo, ow)
                    } else {
                        lo
                    };
                    line[..lo].fill(0.0);
                    line[hi..].fill(0.0);
                    if hi == lo {
                        continue;
                    }
                    let first = lo * sw + s - pw;
                    if sw == 1 {
                        line[lo..hi].copy_from_slice(&input_row[first..first + (hi - lo)]);
                    } else {
                        for (n, v) in line[lo..hi].iter_mut().enumerate() {
                            *v = input_row[first + n * sw];
                        }
                    }
                }
            }
        }
    }
}

/// The weight gradient of `y = conv_transpose2d(x, w)` (one group, no dilation, no output
/// padding).
///
/// A transposed convolution with weight `[C_in, C_out, kh, kw]` is the input gradient of a
/// convolution from `y`'s shape to `x`'s with the same weight, so its weight gradient is that
/// convolution's: `conv2d_weight_gradient(output_grad, x)`.
///
/// - `x`: `[B, C_in, H, W]`; `output_grad`: `[B, C_out, H_out, W_out]` where
///   `H_out = (H - 1)·stride - 2·padding + kh`
/// - `geometry`: the transposed convolution's (input `[H, W]`, `C_in`, `C_out`)
/// - returns `[C_in, C_out, kh, kw]`
pub fn conv_transpose2d_weight_gradient(
    x: &[f32],
    output_grad: &[f32],
    geometry: &ConvGeometry,
) -> Vec<f32> {
    let g = geometry;
    let out = |i: usize| (g.input[i] - 1) * g.stride[i] + g.kernel[i] - 2 * g.padding[i];
    let forward = ConvGeometry {
        batch: g.batch,
        channels_in: g.channels_out,
        channels_out: g.channels_in,
        input: [out(0), out(1)],
        kernel: g.kernel,
        stride: g.stride,
        padding: g.padding,
    };
    conv2d_weight_gradient(output_grad, x, &forward)
}
