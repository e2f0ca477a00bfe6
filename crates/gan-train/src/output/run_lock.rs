//! The lock on a run folder: one training run at a time writes into a folder. It is an
//! advisory lock on `RUN/.lock`, released by the operating system when the process ends, so a
//! killed run never leaves a folder locked.

use crate::error::TrainError;
use crate::output::run_folder::RunFolder;
use std::fs::{File, TryLockError};

/// Held for the life of a run; dropping it unlocks the folder.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

impl RunLock {
    /// The lock file's name in a run folder.
    pub const FILE: &str = ".lock";

    /// Locks `run` (creating the folder), or fails naming it when another process holds it.
    pub fn acquire(run: &RunFolder) -> Result<Self, TrainError> {
        let root = run.root();
        std::fs::create_dir_all(root).map_err(TrainError::io(root))?;
        let path = root.join(Self::FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(TrainError::io(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(TrainError::Locked {
                path: root.to_path_buf(),
            }),
            Err(TryLockError::Error(source)) => Err(TrainError::Io { path, source }),
        }
    }
}

/// Removes what writers that died mid-write left in `run`: hidden partial and set-aside
/// checkpoint folders (`checkpoints/.step-*.partial-PID`, `.step-*.old-PID`) and temporary
/// files (`*.tmp-PID`). Only call it while holding the run's [`RunLock`]: then no live writer
/// can own them. Returns what it removed.
pub fn remove_stale_files(run: &RunFolder) -> Vec<std::path::PathBuf> {
    let mut removed = Vec::new();
    for dir in [run.root().to_path_buf(), run.checkpoints()] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stale_folder = name.starts_with(".step-")
                && (name.contains(".partial-") || name.contains(".old-"));
            let stale_file = name.contains(".tmp-");
            let path = entry.path();
            let gone = if stale_folder && path.is_dir() {
                std::fs::remove_dir_all(&path).is_ok()
            } else {
                stale_file && path.is_file() && std::fs::remove_file(&path).is_ok()
            };
            if gone {
                removed.push(path);
            }
        }
    }
    removed
}
