//! Errors of gan-data. Each names the file or value at fault.

use std::path::PathBuf;
use thiserror::Error;

/// Why a data set could not be opened or an image could not be loaded.
#[derive(Debug, Error)]
pub enum DataError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The data set path is not a folder.
    #[error("{0} is not a folder of images")]
    NotAFolder(PathBuf),
    /// The folder holds no image with a supported extension.
    #[error("no images found under {path} (looked for extensions {extensions})")]
    NoImages {
        /// The folder searched.
        path: PathBuf,
        /// The supported extensions, comma-separated.
        extensions: String,
    },
    /// An image file could not be decoded.
    #[error("cannot decode image {path}: {message}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        message: String,
    },
    /// No image in the whole data set could be decoded.
    #[error("none of the {count} images under {path} could be decoded")]
    NothingDecodable {
        /// The data set's folder.
        path: PathBuf,
        /// How many files were tried.
        count: usize,
    },
    /// An index past the end of a data set.
    #[error("image index {index} is out of range for a data set of {len} images")]
    IndexOutOfRange {
        /// The index asked for.
        index: usize,
        /// The data set's length.
        len: usize,
    },
    /// An invalid size or count.
    #[error("{field} must be at least 1, got {value}")]
    ZeroSize {
        /// The field's name.
        field: &'static str,
        /// Its value.
        value: usize,
    },
}
