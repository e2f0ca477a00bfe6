//! The convolution's forward pass as one GEMM per block of samples on the host: a block's
//! patches laid out as columns (`im2col`), multiplied by the `[C_out, C_in·kh·kw]` weight, and
//! the rows copied into each sample's output planes. This pass is also every transposed
//! convolution's input gradient.

use super::scratch::Scratch;
use super::weight_gradient::{ConvGeometry, im2col};
use rayon::prelude::*;

/// At most this many floats in a tile's patches (16 MB), and at least one output row.
const TILE_FLOATS: usize = 1 << 22;

/// Output positions per GEMM (its long side) when the patches allow it.
const TILE_POSITIONS: usize = 2048;

/// One GEMM's worth of output: `count` whole samples from `first`, or (with `count` 1) the
/// output rows `rows` of one sample.
struct Tile {
    first: usize,
    count: usize,
    rows: std::ops::Range<usize>,
}

/// A pointer to the output that tiles write disjoint parts of, from several threads.
struct Output(*mut f32);
// SAFETY: every tile writes only its own samples' planes or rows (see `conv2d_forward`).
unsafe impl Send for Output {}
unsafe impl Sync for Output {}

/// `y = conv2d(x, w)` (one group, no dilation, no bias).
///
/// - `x`: `[B, C_in, H, W]`; `weight`: `[C_out, C_in, kh, kw]`, row-major
/// - returns `[B, C_out, H_out, W_out]`
///
/// The output is cut into tiles of about [`TILE_POSITIONS`] positions: several small samples,
/// or some rows of a large one (one image through Real-ESRGAN), so that the patches stay within
/// [`TILE_FLOATS`] and every thread has tiles to work on.
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
    let depth_target = (TILE_FLOATS / columns.max(1)).clamp(1, TILE_POSITIONS);
    let mut tiles = Vec::new();
    if positions >= depth_target || g.batch == 1 {
        let threads = rayon::current_num_threads();
        // Rows per tile: within the target, and enough tiles for every thread.
        let fit = (depth_target / ow.max(1)).max(1);
        let spread = oh.div_ceil(threads.div_ceil(g.batch).max(1)).max(1);
        let rows_per_tile = fit.min(spread);
        for b in 0..g.batch {
            for start in (0..oh).step_by(rows_per_tile) {
                tiles.push(Tile {
                    first: b,
                    count: 1,
                    rows: start..(start + rows_per_tile).min(oh),
                });
            }
        }
    } else {
        let threads = rayon::current_num_threads();
        let per_tile = (depth_target / positions)
            .min(g.batch.div_ceil(threads))
            .max(1);
        for first in (0..g.batch).step_by(per_tile) {
            tiles.push(Tile {
                first,
                count: per_tile.min(g.batch - first),
                rows: 0..oh,
            });
        }
    }
    let out = Output(output.as_mut_ptr());
    let out = &out;
    tiles.par_iter().for_each(|tile| {
        let tile_positions = tile.rows.len() * ow;
        let depth = tile.count * tile_positions;
        let mut patches_buffer = Scratch::new(0, columns * depth);
        let patches = patches_buffer.as_mut_slice();
        for j in 0..tile.count {
            im2col(
                x,
                g,
                tile.first + j,
                ow,
                tile.rows.clone(),
                patches,
                depth,
                j * tile_positions,
            );
        }
        let mut rows_buffer = Scratch::new(1, g.channels_out * depth);
        let rows = rows_buffer.as_mut_slice();
        // rows[co, k] = Σ_n weight[co, n] · patches[n, k]
        // SAFETY: `rows` is [C_out, depth] row-major, `weight` [C_out, columns] row-major,
        // `patches` [columns, depth] row-major.
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
                gemm::Parallelism::None,
            );
        }
        for j in 0..tile.count {
            for co in 0..g.channels_out {
                let from = &rows[co * depth + j * tile_positions..][..tile_positions];
                let at =
                    ((tile.first + j) * g.channels_out + co) * positions + tile.rows.start * ow;
                // SAFETY: `at..at + tile_positions` lies in plane (sample, co) at this tile's
                // rows; tiles cover disjoint samples or disjoint rows of one sample.
                unsafe {
                    std::ptr::copy_nonoverlapping(from.as_ptr(), out.0.add(at), tile_positions);
                }
            }
        }
    });
    output
}
