//! Files that are either whole or absent: written to a temporary name, flushed, renamed.

use crate::error::TrainError;
use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` and flushes them to disk.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), TrainError> {
    let mut file = File::create(path).map_err(TrainError::io(path))?;
    file.write_all(bytes).map_err(TrainError::io(path))?;
    file.sync_all().map_err(TrainError::io(path))
}

/// Replaces `path` with `bytes` atomically: temporary file, flush, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), TrainError> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    write_synced(&tmp, bytes)?;
    fs::rename(&tmp, path).map_err(TrainError::io(path))
}

pub(crate) fn sync_dir(dir: &Path) {
    // Persists renames on Unix; not possible (and not needed) everywhere.
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}
