//! The transposed 2-D convolution's forward pass as one GEMM per block of samples, then a
//! scatter-add of the columns into the output (col2im), on the host.
//!
//! flex runs one GEMM per sample whose long side is that sample's input positions: 16 for
//! DCGAN's 4x4 layers, which leaves the AVX-512 kernels mostly idle. Stacking a block of
//! samples side by side makes that side `samples × positions` long. This pass is also every
//! convolution's input gradient.

use super::scratch::Scratch;
use super::weight_gradient::ConvGeometry;
use rayon::prelude::*;

/// Input positions per GEMM (its long side), so that a block's columns stay a few MB.
const BLOCK_POSITIONS: usize = 2048;

/// Output height and width of a transposed convolution, or `None` when the padding removes
/// everything (or `padding_out` is not below the stride).
pub fn transposed_output(geometry: &ConvGeometry, padding_out: [usize; 2]) -> Option<[usize; 2]> {
    let size = |i: usize| {
        let full = (geometry.input[i].checked_sub(1)?) * geometry.stride[i]
            + geometry.kernel[i]
            + padding_out[i];
        (padding_out[i] < geometry.stride[i].max(1))
            .then_some(())
            .and_then(|_| full.checked_sub(2 * geometry.padding[i]))
            .filter(|&s| s > 0)
    };
    Some([size(0)?, size(1)?])
}

/// `y = conv_transpose2d(x, w)` (one group, no dilation, no bias).
///
/// - `x`: `[B, C_in, H, W]`; `weight`: `[C_in, C_out, kh, kw]`, row-major
/// - `geometry`: batch, `C_in`, `C_out`, input `[H, W]`, kernel, stride, padding
/// - returns `[B, C_out, H_out, W_out]` with `H_out = (H - 1)·stride - 2·padding + kh + padding_out`
///
/// # Panics
/// When a slice's length does not match `geometry`, or the output would be empty (callers
/// check with [`transposed_output`] first).
pub fn conv_transpose2d_forward(
    x: &[f32],
    weight: &[f32],
    geometry: &ConvGeometry,
    padding_out: [usize; 2],
) -> Vec<f32> {
    let g = geometry;
    let [h, w] = g.input;
    let [kh, kw] = g.kernel;
    let [oh, ow] = transposed_output(g, padding_out).expect("a non-empty output");
    let positions = h * w;
    let rows = g.channels_out * kh * kw;
    let out_plane = oh * ow;
    assert_eq!(x.len(), g.batch * g.channels_in * positions, "x's length");
    assert_eq!(weight.len(), g.channels_in * rows, "weight's length");
    let sample_len = g.channels_out * out_plane;
    let mut output = vec![0.0f32; g.batch * sample_len];
    if g.batch == 0 || sample_len == 0 {
        return output;
    }

    let samples_per_block = (BLOCK_POSITIONS / positions.max(1)).clamp(1, g.batch);
    let tasks = rayon::current_num_threads().clamp(1, g.batch);
    let per_task = g.batch.div_ceil(tasks);
    // With one task (a batch of one), the GEMM itself runs on every thread.
    let parallelism = if tasks == 1 {
        gemm::Parallelism::Rayon(0)
    } else {
        gemm::Parallelism::None
    };
    output
        .par_chunks_mut(per_task * sample_len)
        .enumerate()
        .for_each(|(task, task_output)| {
            let first = task * per_task;
            let samples = task_output.len() / sample_len;
            let block_depth = samples_per_block.min(samples) * positions;
            let mut inputs_buffer = Scratch::new(0, g.channels_in * block_depth);
            let mut columns_buffer = Scratch::new(1, rows * block_depth);
            for start in (0..samples).step_by(samples_per_block) {
                let count = samples_per_block.min(samples - start);
                let depth = count * positions;
                // inputs[ci, j·P + p] = x[first + start + j, ci, p]
                let inputs = &mut inputs_buffer.as_mut_slice()[..g.channels_in * depth];
                for j in 0..count {
                    let b = first + start + j;
                    for ci in 0..g.channels_in {
                        let from = (b * g.channels_in + ci) * positions;
                        inputs[ci * depth + j * positions..][..positions]
                            .copy_from_slice(&x[from..from + positions]);
                    }
                }
                let columns = &mut columns_buffer.as_mut_slice()[..rows * depth];
                // columns[(co, r, s), k] = Σ_ci weight[ci, (co, r, s)] · inputs[ci, k]
                // SAFETY: `columns` is [rows, depth] row-major, `weight` [C_in, rows] row-major
                // read as its transpose (row stride 1, column stride rows), `inputs`
                // [C_in, depth] row-major.
                unsafe {
                    gemm::gemm(
                        rows,
                        depth,
                        g.channels_in,
                        columns.as_mut_ptr(),
                        1,
                        depth as isize,
                        false,
                        weight.as_ptr(),
                        rows as isize,
                        1,
                        inputs.as_ptr(),
                        1,
                        depth as isize,
                        0.0,
                        1.0,
                        false,
                        false,
                        false,
                        parallelism,
                    );
                }
                for j in 0..count {
                    let sample = &mut task_output[(start + j) * sample_len..][..sample_len];
                    col2im(columns, depth, j * positions, g, [oh, ow], sample);
                }
            }
        });
    output
}

/// Adds sample columns `columns[(co, r, s), offset + iy·W + ix]` into `sample`
/// (`[C_out, H_out, W_out]`) at `(iy·stride - pad + r, ix·stride - pad + s)`.
fn col2im(
    columns: &[f32],
    depth: usize,
    offset: usize,
    g: &ConvGeometry,
    [oh, ow]: [usize; 2],
    sample: &mut [f32],
) {
    let [h, w] = g.input;
    let [kh, kw] = g.kernel;
    let [sh, sw] = g.stride;
    let [ph, pw] = g.padding;
    // Input indices i whose output i·stride + k - pad lies in [0, out).
    let valid = |k: usize, pad: usize, stride: usize, input: usize, out: usize| {
        let lo = pad.saturating_sub(k).div_ceil(stride);
        let hi = if out + pad > k {
            (out + pad - k).div_ceil(stride).min(input)
        } else {
            0
        };
        (lo, hi.max(lo))
    };
    for co in 0..g.channels_out {
        let plane = &mut sample[co * oh * ow..][..oh * ow];
        for r in 0..kh {
            let (iy_lo, iy_hi) = valid(r, ph, sh, h, oh);
            for s in 0..kw {
                let (ix_lo, ix_hi) = valid(s, pw, sw, w, ow);
                if ix_lo >= ix_hi {
                    continue;
                }
                let row = &columns[((co * kh + r) * kw + s) * depth + offset..][..h * w];
                for iy in iy_lo..iy_hi {
                    let oy = iy * sh + r - ph;
                    let out_row = &mut plane[oy * ow..][..ow];
                    let in_row = &row[iy * w..][..w];
                    let ox0 = ix_lo * sw + s - pw;
                    for (n, ix) in (ix_lo..ix_hi).enumerate() {
                        out_row[ox0 + n * sw] += in_row[ix];
                    }
                }
            }
        }
    }
}
