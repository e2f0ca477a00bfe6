//! Reused host buffers for the kernels' patches and columns: taken from a small per-thread
//! pool and given back on drop, so a training step does not allocate (and zero) tens of MB per
//! convolution. A buffer is only zeroed when it grows; every kernel writes all of the part it
//! reads.

use std::cell::RefCell;

/// Buffers larger than this many floats (16 MB) are freed rather than kept.
const KEEP_FLOATS: usize = 1 << 22;

/// Buffers kept per thread.
const KEEP_BUFFERS: usize = 4;

thread_local! {
    static POOL: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of at least `len` floats whose contents are unspecified (zeros or old values).
pub(crate) struct Scratch {
    buffer: Vec<f32>,
    len: usize,
}

impl Scratch {
    /// A buffer of `len` floats from this thread's pool (or a new one).
    pub(crate) fn new(len: usize) -> Self {
        let mut buffer = POOL
            .with(|pool| pool.try_borrow_mut().ok().and_then(|mut p| p.pop()))
            .unwrap_or_default();
        if buffer.len() < len {
            buffer.resize(len, 0.0);
        }
        Self { buffer, len }
    }

    /// The `len` floats.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [f32] {
        &mut self.buffer[..self.len]
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let buffer = std::mem::take(&mut self.buffer);
        if buffer.len() > KEEP_FLOATS {
            return;
        }
        POOL.with(|pool| {
            if let Ok(mut pool) = pool.try_borrow_mut()
                && pool.len() < KEEP_BUFFERS
            {
                pool.push(buffer);
            }
        });
    }
}
