//! Why the studio could not start.

use thiserror::Error;

/// A studio that cannot start: a bad device, data set, folder or address.
#[derive(Debug, Error)]
pub enum StudioError {
    /// The device string names no usable device.
    #[error(transparent)]
    Device(#[from] gan::core::DeviceError),
    /// A `--data` set cannot be opened.
    #[error(transparent)]
    Data(#[from] gan::data::DataError),
    /// A folder, address or the server itself.
    #[error("{0}")]
    Setup(String),
}
