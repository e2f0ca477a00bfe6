//! Reused host buffers for the kernels' patches and columns: one per slot and thread, taken
//! for a kernel's call and given back on drop, so a training step neither allocates (and zeroes)
//! tens of MB per convolution nor frees them: with glibc, large buffers allocated and freed on
//! rayon's threads are mmap'd and munmap'd each time, and every munmap interrupts the other
//! threads (a TLB shootdown), which cost the generator's forward pass a third of its time.
//! A slot's buffer only grows (zeroing the new part); every kernel writes all of the part it
//! reads.

use std::cell::RefCell;

/// Kinds of buffer a kernel uses at once.
pub(crate) const SLOTS: usize = 2;

/// Buffers larger than this many floats (64 MB) are freed rather than kept.
const KEEP_FLOATS: usize = 1 << 24;

thread_local! {
    static POOL: RefCell<[Vec<f32>; SLOTS]> = const { RefCell::new([Vec::new(), Vec::new()]) };
}

/// A buffer of at least `len` floats whose contents are unspecified (zeros or old values).
pub(crate) struct Scratch {
    buffer: Vec<f32>,
    len: usize,
    slot: usize,
}

impl Scratch {
    /// The buffer of `slot` (below [`SLOTS`]) of this thread, grown to `len` floats if it is
    /// shorter; a new one when the slot's is in use.
    pub(crate) fn new(slot: usize, len: usize) -> Self {
        let mut buffer = POOL
            .with(|pool| {
                pool.try_borrow_mut()
                    .ok()
                    .map(|mut p| std::mem::take(&mut p[slot % SLOTS]))
            })
            .unwrap_or_default();
        if buffer.len() < len {
            buffer.resize(len, 0.0);
        }
        Self { buffer, len, slot }
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
        let slot = self.slot % SLOTS;
        POOL.with(|pool| {
            if let Ok(mut pool) = pool.try_borrow_mut()
                && pool[slot].len() < buffer.len()
            {
                pool[slot] = buffer;
            }
        });
    }
}
