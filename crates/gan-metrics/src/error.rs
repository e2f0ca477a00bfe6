//! Errors of FID and KID: each names the file, key or value at fault.

use std::path::PathBuf;
use thiserror::Error;

/// Why features, statistics or a distance could not be computed.
#[derive(Debug, Error)]
pub enum FidError {
    /// A file or folder could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The weights file is not a PyTorch / TorchScript archive we can read.
    #[error("weights file {path}: {message}")]
    Weights {
        /// The weights file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A tensor the network needs is missing from the weights file, or has the wrong shape.
    #[error("weights file {path}: tensor `{key}`: {message}")]
    Tensor {
        /// The weights file.
        path: PathBuf,
        /// The tensor's dotted name in the archive (for example `net.layers.conv.weight`).
        key: String,
        /// What is wrong with it.
        message: String,
    },
    /// An image could not be decoded.
    #[error("image {path}: {message}")]
    Image {
        /// The image file.
        path: PathBuf,
        /// The decoder's message.
        message: String,
    },
    /// A folder holds no image the reference implementation would read.
    #[error("{path} holds no .jpg, .jpeg, .tif, .tiff, .png, .bmp or .webp image")]
    NoImages {
        /// The folder.
        path: PathBuf,
    },
    /// A statistics cache file is not one this version wrote, or is truncated.
    #[error("statistics file {path}: {message}")]
    Statistics {
        /// The statistics file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Inputs of a computation do not fit together (sizes, counts, settings).
    #[error("{0}")]
    Invalid(String),
}

impl FidError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> FidError {
        let path = path.into();
        move |source| FidError::Io { path, source }
    }
}
