//! Errors of a training run. Each names the file, value or step at fault.

use std::path::PathBuf;
use thiserror::Error;

/// Why a training run, checkpoint or sample could not be made.
#[derive(Debug, Error)]
pub enum TrainError {
    /// An invalid model or loss configuration.
    #[error(transparent)]
    Config(#[from] gan_core::ConfigError),
    /// The data set could not be opened or read.
    #[error(transparent)]
    Data(#[from] gan_data::DataError),
    /// A training setting is invalid.
    #[error("invalid training setting: {0}")]
    Setting(String),
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Real-ESRGAN weights that are missing or damaged.
    #[error(
        "Real-ESRGAN weights {path}: {problem}; fetch them with \
         scripts/upscale/fetch_realesrgan_weights.sh (or point $GAN_REALESRGAN_DIR at their folder)"
    )]
    UpscaleWeights {
        /// The weight file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// An ncnn weight file that is not the expected network.
    #[error(transparent)]
    Ncnn(#[from] gan_core::NcnnError),
    /// A checkpoint is missing, unreadable, or does not fit the model.
    #[error("checkpoint {path}: {message}")]
    Checkpoint {
        /// The checkpoint file or folder.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// FID could not be set up or measured.
    #[error(transparent)]
    Fid(#[from] gan_metrics::FidError),
    /// A value given to a library call that it cannot use (a count, a size, a folder).
    #[error("{0}")]
    Invalid(String),
    /// An image that cannot be opened or decoded.
    #[error("cannot read image {path}: {message}")]
    Image {
        /// The image file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Another process is training into this run folder.
    #[error(
        "{path} is in use by another training run (it holds {path}/.lock); wait for it or write elsewhere"
    )]
    Locked {
        /// The run folder.
        path: PathBuf,
    },
    /// The run folder already holds a run, and this one neither resumes nor overwrites it.
    #[error(
        "{path} already holds a training run: continue it (--resume {path}), write elsewhere (--out DIR), or replace it (--overwrite)"
    )]
    RunExists {
        /// The run folder.
        path: PathBuf,
    },
    /// The run was asked to stop; it stopped after a step and wrote a checkpoint there.
    #[error(
        "stopped at step {step}: checkpoint {checkpoint}; continue with --resume {run}",
        checkpoint = checkpoint.display(),
        run = run.display()
    )]
    Interrupted {
        /// Generator steps done.
        step: usize,
        /// The checkpoint written.
        checkpoint: PathBuf,
        /// The run folder.
        run: PathBuf,
    },
    /// A resume asked for settings that differ from the recorded run's.
    #[error(
        "a resume continues the run recorded in {path}, and these settings would change it: {}. \
         A resume may change only its length (steps, epochs), the learning rates, how often it \
         writes samples and checkpoints, which checkpoints it keeps, FID, and where it writes",
        changes.join("; ")
    )]
    ResumeChanges {
        /// The checkpoint resumed.
        path: PathBuf,
        /// Each setting that would change, with the asked and the recorded value.
        changes: Vec<String>,
    },
    /// A batch could not be loaded.
    #[error("data loading failed: {0}")]
    Loading(String),
    /// A loss became NaN or infinite; training stopped, the last good checkpoint is kept.
    #[error(
        "{what} became {value} at step {step}: training stopped. The last good checkpoint is kept{}",
        match last_checkpoint { Some(p) => format!(" at {}", p.display()), None => String::new() }
    )]
    NonFinite {
        /// The step (1-based) whose loss was not finite.
        step: usize,
        /// Which quantity.
        what: &'static str,
        /// Its value.
        value: f32,
        /// The last checkpoint written, if any.
        last_checkpoint: Option<PathBuf>,
    },
}

impl TrainError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> TrainError {
        let path = path.into();
        move |source| TrainError::Io { path, source }
    }
}
