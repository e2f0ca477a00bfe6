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
    /// A file or folder could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The data set path is neither a folder nor a `.zip` archive.
    #[error("{0} is neither a folder of images nor a .zip archive")]
    NotADataSet(PathBuf),
    /// A `.zip` archive could not be opened or read.
    #[error("cannot read zip archive {path}: {message}")]
    Zip {
        /// The archive.
        path: PathBuf,
        /// What the zip reader said.
        message: String,
    },
    /// A CSV label file could not be read or parsed.
    #[error("cannot read CSV {path}: {message}")]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// What went wrong, with the line where known.
        message: String,
    },
    /// A column named in the settings is not in the CSV header.
    #[error("CSV {path} has no column {column:?} (its columns: {available})")]
    CsvColumn {
        /// The CSV file.
        path: PathBuf,
        /// The missing column.
        column: String,
        /// The header's columns, comma-separated.
        available: String,
    },
    /// A class asked for is not in the data set.
    #[error("no class {name:?} in the data set (its classes: {available})")]
    UnknownClass {
        /// The name asked for.
        name: String,
        /// The data set's classes, comma-separated.
        available: String,
    },
    /// A setting that cannot be honoured.
    #[error("invalid setting {field}: {message}")]
    Setting {
        /// The setting.
        field: &'static str,
        /// Why.
        message: String,
    },
    /// Nothing was left to train on; the message says what removed the images.
    #[error("no images left in {source_name}: {reason}")]
    Empty {
        /// The folder, archive or CSV.
        source_name: String,
        /// What removed them, with counts.
        reason: String,
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
        /// The data set's folder or archive.
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
    /// A download failed.
    #[error("cannot download {url}: {message}")]
    Download {
        /// The address.
        url: String,
        /// What failed.
        message: String,
    },
    /// A downloaded file does not have the expected SHA-256.
    #[error("{path} has SHA-256 {actual}, expected {expected}; the file was removed")]
    Checksum {
        /// The file checked.
        path: PathBuf,
        /// The expected digest (hex).
        expected: String,
        /// The digest of the file (hex).
        actual: String,
    },
}

impl DataError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}
