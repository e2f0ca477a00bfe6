//! The layout of a run folder, in one place: every file a run writes and every reader of a run
//! (`gan models`, `gan plot`, the studio, notebooks) goes through [`RunFolder`].
//!
//! ```text
//! RUN/
//!   config.json                 the run's configuration (as in every checkpoint's metadata)
//!   metrics.csv                 one row per generator step
//!   learning_curve.png          losses, D(x), D(G(z)), the objective's metrics, FID
//!   samples/step-NNNNNNNN.png   grids from one fixed noise batch
//!   progress.gif                the grids as an animation, written when the run ends
//!   fid.csv                     FID measurements (with FID during training)
//!   fid_reference.fidstats      the training images' cached Inception statistics
//!   fid_reference.json          what those statistics were computed from
//!   checkpoints/step-NNNNNNNN/  checkpoints; checkpoints/latest names the newest
//! ```

use std::path::{Path, PathBuf};

/// A run folder: where one training run writes, and where its outputs are read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFolder {
    root: PathBuf,
}

impl RunFolder {
    /// The run's configuration.
    pub const CONFIG: &str = "config.json";
    /// The per-step metrics CSV.
    pub const METRICS: &str = "metrics.csv";
    /// The learning curve PNG.
    pub const LEARNING_CURVE: &str = "learning_curve.png";
    /// The folder of sample grids.
    pub const SAMPLES: &str = "samples";
    /// The progress GIF.
    pub const PROGRESS_GIF: &str = "progress.gif";
    /// The FID log.
    pub const FID_LOG: &str = "fid.csv";
    /// The cached Inception statistics of the training data.
    pub const FID_REFERENCE: &str = "fid_reference.fidstats";
    /// What [`FID_REFERENCE`](Self::FID_REFERENCE) was computed from.
    pub const FID_REFERENCE_KEY: &str = "fid_reference.json";
    /// The folder of checkpoints.
    pub const CHECKPOINTS: &str = "checkpoints";

    /// The run folder at `root` (it need not exist yet).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The run folder that `path` belongs to: `path` itself for a run folder, the folder around
    /// a `checkpoints/` folder or a `checkpoints/step-*` checkpoint folder.
    pub fn containing(path: &Path) -> Self {
        let parent = path.parent();
        let is_checkpoints = |p: &Path| p.file_name().is_some_and(|n| n == Self::CHECKPOINTS);
        let root = match parent {
            Some(p) if is_checkpoints(p) => p.parent().map(PathBuf::from).unwrap_or_default(),
            _ if is_checkpoints(path) => parent.map(PathBuf::from).unwrap_or_default(),
            _ => path.to_path_buf(),
        };
        Self::new(root)
    }

    /// Whether `path` holds a run: its metrics or its checkpoints.
    pub fn is_run(path: &Path) -> bool {
        path.join(Self::METRICS).is_file() || path.join(Self::CHECKPOINTS).is_dir()
    }

    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// One accessor per file of the layout: `fn name(&self) -> PathBuf`, the file in the folder.
macro_rules! layout {
    ($($(#[$doc:meta])* $name:ident => $file:ident;)*) => {
        impl RunFolder {
            $($(#[$doc])* pub fn $name(&self) -> PathBuf {
                self.root.join(Self::$file)
            })*
        }
    };
}

layout! {
    /// `config.json`.
    config => CONFIG;
    /// `metrics.csv`.
    metrics => METRICS;
    /// `learning_curve.png`.
    learning_curve => LEARNING_CURVE;
    /// `samples/`.
    samples => SAMPLES;
    /// `progress.gif`.
    progress_gif => PROGRESS_GIF;
    /// `fid.csv`.
    fid_log => FID_LOG;
    /// `fid_reference.fidstats`.
    fid_reference => FID_REFERENCE;
    /// `fid_reference.json`.
    fid_reference_key => FID_REFERENCE_KEY;
    /// `checkpoints/`.
    checkpoints => CHECKPOINTS;
}

impl RunFolder {
    /// Deletes the run's outputs and checkpoints (not the cached FID reference statistics,
    /// which are keyed by what they were computed from), for a run that replaces it.
    pub fn clear(&self) -> Result<(), crate::error::TrainError> {
        for path in [self.samples(), self.checkpoints()] {
            if path.is_dir() {
                std::fs::remove_dir_all(&path).map_err(crate::error::TrainError::io(&path))?;
            }
        }
        let files = [
            self.config(),
            self.metrics(),
            self.learning_curve(),
            self.progress_gif(),
            self.fid_log(),
        ];
        for path in files {
            if path.is_file() {
                std::fs::remove_file(&path).map_err(crate::error::TrainError::io(&path))?;
            }
        }
        Ok(())
    }

    /// The sample grid written after `step` steps: `samples/step-NNNNNNNN.png`.
    pub fn sample_grid(&self, step: usize) -> PathBuf {
        self.samples().join(format!("step-{step:08}.png"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_path_inside_a_run_names_the_run() {
        let run = Path::new("runs/a");
        for path in [
            "runs/a",
            "runs/a/checkpoints",
            "runs/a/checkpoints/step-00000004",
        ] {
            assert_eq!(RunFolder::containing(Path::new(path)).root(), run, "{path}");
        }
        let folder = RunFolder::new(run);
        assert_eq!(folder.sample_grid(7), run.join("samples/step-00000007.png"));
        assert_eq!(folder.checkpoints(), run.join("checkpoints"));
    }
}
