//! The FID log of a run folder, `fid.csv`: `step,fid,samples,seconds`, one row per evaluation.

use crate::error::TrainError;
use crate::output::metrics::open_resumed_csv;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One FID measurement of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FidPoint {
    /// The generator step it was measured after.
    pub step: usize,
    /// The FID.
    pub fid: f64,
}

/// The append-only FID log of a run, `fid.csv`.
pub struct FidLog {
    path: PathBuf,
    file: File,
}

impl FidLog {
    /// Opens `path` for a run resumed after `resume_step` steps (0 for a new run), keeping
    /// the rows up to that step.
    pub fn open(path: &Path, resume_step: usize) -> Result<Self, TrainError> {
        let file = open_resumed_csv(path, resume_step, "step,fid,samples,seconds")?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Appends one evaluation.
    pub fn append(
        &mut self,
        point: FidPoint,
        samples: usize,
        seconds: f64,
    ) -> Result<(), TrainError> {
        writeln!(
            self.file,
            "{},{},{samples},{seconds:.2}",
            point.step, point.fid
        )
        .map_err(TrainError::io(&self.path))
    }

    /// Reads the evaluations of a FID log (none when the file does not exist).
    pub fn read(path: &Path) -> Result<Vec<FidPoint>, TrainError> {
        if !path.exists() {
            return Ok(Vec::new());
        }
        let text = std::fs::read_to_string(path).map_err(TrainError::io(path))?;
        text.lines()
            .skip(1)
            .map(|line| {
                let mut fields = line.split(',');
                let step = fields.next().and_then(|s| s.parse().ok());
                let fid = fields.next().and_then(|s| s.parse().ok());
                match (step, fid) {
                    (Some(step), Some(fid)) => Ok(FidPoint { step, fid }),
                    _ => Err(TrainError::Setting(format!(
                        "bad FID row in {}: {line}",
                        path.display()
                    ))),
                }
            })
            .collect()
    }
}
