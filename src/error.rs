//! The error of the programs built on this crate.

use std::path::PathBuf;
use thiserror::Error;

/// Why a command failed. Its message is meant for the person at the terminal.
#[derive(Debug, Error)]
pub enum Error {
    /// An unknown device, or one whose backend was not compiled in.
    #[error(transparent)]
    Device(#[from] gan_core::DeviceError),
    /// A model configuration that cannot be built.
    #[error(transparent)]
    Config(#[from] gan_core::ConfigError),
    /// A data set that cannot be read.
    #[error(transparent)]
    Data(#[from] gan_data::DataError),
    /// Training, checkpoint or sampling failed.
    #[error(transparent)]
    Train(#[from] gan_train::TrainError),
    /// FID or KID could not be computed (weights, statistics file, images).
    #[error(transparent)]
    Fid(#[from] gan_train::fid::FidError),
    /// A command-line value that cannot be used, or outside what the command accepts.
    #[error("{0}")]
    Usage(String),
    /// A checkpoint this program cannot use.
    #[error("{0}")]
    Unsupported(String),
    /// An image that cannot be opened or decoded.
    #[error("cannot read image {path}: {message}")]
    Image {
        /// The image file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}
