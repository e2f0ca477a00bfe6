//! Stopping a run from outside (Ctrl-C, a cancel button): the loop finishes the current step,
//! writes a checkpoint and returns [`TrainError::Interrupted`](crate::error::TrainError).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A flag shared with a running training loop; [`stop`](StopSignal::stop) asks it to stop at
/// the end of the current step. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<AtomicBool>);

impl StopSignal {
    /// A signal that has not been given.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the run to stop after its current step.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
