//! The error of the `gan` program.

use thiserror::Error;

/// Why a command failed. Its message is meant for the person at the terminal.
#[derive(Debug, Error)]
pub enum Error {
    /// An unknown device, or one whose backend was not compiled in.
    #[error(transparent)]
    Device(#[from] gan::core::DeviceError),
    /// A model configuration that cannot be built.
    #[error(transparent)]
    Config(#[from] gan::core::ConfigError),
    /// A data set that cannot be read.
    #[error(transparent)]
    Data(#[from] gan::data::DataError),
    /// Training, checkpoint, generation or judging failed.
    #[error(transparent)]
    Train(#[from] gan::train::TrainError),
    /// FID or KID could not be computed (weights, statistics file, images).
    #[error(transparent)]
    Fid(#[from] gan::metrics::FidError),
    /// The studio could not start.
    #[cfg(feature = "studio")]
    #[error(transparent)]
    Studio(#[from] crate::studio::StudioError),
    /// A command-line value that cannot be used.
    #[error("{0}")]
    Usage(String),
}
