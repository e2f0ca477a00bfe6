//! Errors of gan-core: invalid model or loss configurations and unknown devices.

use thiserror::Error;

/// A model or loss configuration that cannot be built.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    /// The image size is not a power of two in the supported range.
    #[error(
        "unsupported image size {size}: {model} supports powers of two from {min} to {max} (32, 64, 128, 256)"
    )]
    UnsupportedImageSize {
        /// The model that refused the size.
        model: &'static str,
        /// The size that was asked for.
        size: usize,
        /// The smallest supported size.
        min: usize,
        /// The largest supported size.
        max: usize,
    },
    /// A size-like field (channels, latent size, feature maps, hidden width) is zero.
    #[error("{field} must be at least 1, got {value}")]
    ZeroSize {
        /// The field's name.
        field: &'static str,
        /// Its value.
        value: usize,
    },
    /// A probability or fraction lies outside its allowed range.
    #[error("{field} must be in {range}, got {value}")]
    OutOfRange {
        /// The field's name.
        field: &'static str,
        /// The allowed range, written out.
        range: &'static str,
        /// Its value.
        value: f64,
    },
}

/// A device string that does not name a usable device.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeviceError {
    /// The backend exists but this build was compiled without its cargo feature.
    #[error(
        "device `{device}` needs the `{feature}` backend, which this build does not include: rebuild with `--features {feature}`"
    )]
    NotCompiled {
        /// The device string the user gave.
        device: String,
        /// The cargo feature that enables it.
        feature: &'static str,
    },
    /// The string names no known device.
    #[error(
        "unknown device `{0}`: expected one of cpu, flex, ndarray, wgpu, cuda, cuda:N (N = GPU index)"
    )]
    Unknown(String),
    /// The backend is compiled in, but the machine cannot run it (no Vulkan adapter, no CUDA
    /// driver or GPU).
    #[error("device `{device}` cannot be used: {reason}")]
    Unavailable {
        /// The device string the user gave.
        device: String,
        /// What failed, and what to install.
        reason: String,
    },
}

pub(crate) fn check_nonzero(field: &'static str, value: usize) -> Result<(), ConfigError> {
    if value == 0 {
        Err(ConfigError::ZeroSize { field, value })
    } else {
        Ok(())
    }
}
