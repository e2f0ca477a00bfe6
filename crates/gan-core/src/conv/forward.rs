//! The convolution's forward pass as one GEMM per block of samples on the host: a block's
//! patches laid out as columns (`im2col`), multiplied by the `[C_out, C_in·kh·kw]` weight, and
//! the rows copied into each sample's output planes. This pass is also every transposed
//! convolution's input gradient.

use super::weight_gradient::{ConvGeometry, im2col};
use rayon::prelude::*;

/// At most this many floats in a block's patches (16 MB), and at least one sample.
const BLOCK_FLOATS: usize = 1 << 22;

/// Output positions per GEMM (its long side) when the patches allow it.
const BLOCK_POSITIONS: usize = 2048;

/// `y = conv2d(x, w)` (one group, no dilation, no bias).
///
/// - `x`: `[B, C_in, H, W]`; `weight`: `[C_out, C_in, kh, kw]`, row-major
/// - returns `[B, C_out, H_out, W_out]`
///
/// # Panics
/// When a slice's length does not match `geometry`, or the kernel does not fit the padded
/// input (callers check with [`ConvGeometry::output`] first).
pub fn conv2d_forward(x: &[f32], weight: &[f32], geometry: &ConvGeometry) -> Vec<f32> {
    let g = geometry;
    let [h, w] = g.input;
    let [oh, ow] = g.output().expect("the kernel fits the padded input");
    let [kh, kw] = g.kernel;
    let positions = oh * ow;
    let columns = g.channels_in * kh * kw;
    assert_eq!(x.len(), g.batch * g.channels_in * h * w, "x's length");
    assert_eq!(weight.len(), g.channels_out * columns, "weight's length");
    let sample_len = g.channels_out * positions;
    let mut output = vec![0.0f32; g.batch * sample_len];
    if g.batch == 0 || sample_len == 0 {
        return output;
    }
    let depth_target = (BLOCK_FLOATS / columns.max(1)).min(BLOCK_POSITIONS);
    let samples_per_block = (depth_target / positions.max(1)).clamp(1, g.batch);
    let tasks = rayon::current_num_threads().clamp(1, g.batch);
    let per_task = g.batch.div_ceil(tasks);
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
            let mut patches = Vec::new();
            let mut rows = Vec::new();
            for start in (0..samples).step_by(samples_per_block) {
                let count = samples_per_block.min(samples - start);
                let depth = count * positions;
                patches.clear();
                patches.resize(columns * depth, 0.0);
                for j in 0..count {
                    im2col(
                        x,
                        g,
                        first + start + j,
                        [oh, ow],
                        &mut patches,
                        depth,
                        j * positions,
                    );
                }
                rows.clear();
                rows.resize(g.channels_out * depth, 0.0);
                // rows[co, k] = Σ_n weight[co, n] · patches[n, k]
                // SAFETY: `rows` is [C_out, depth] row-major, `weight` [C_out, columns]
                // row-major, `patches` [columns, depth] row-major.
                unsafe {
                    gemm::gemm(
                        g.channels_out,
                        depth,
                        columns,
                        rows.as_mut_ptr(),
                        1,
                        depth as isize,
                        false,
                        weight.as_ptr(),
                        1,
                        columns as isize,
                        patches.as_ptr(),
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
                    for (co, plane) in sample.chunks_mut(positions).enumerate() {
                        plane.copy_from_slice(&rows[co * depth + j * positions..][..positions]);
                    }
                }
            }
        });
    output
}
