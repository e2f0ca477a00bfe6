//! Errors of gan-core: invalid model or loss configurations, unknown devices, and ncnn weight
//! files that cannot be read into a Real-ESRGAN network.

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
    /// The model would have more weights than [`MAX_PARAMETERS`] (a huge width or latent
    /// size), refused before anything is allocated.
    #[error(
        "{model} would have about {parameters} weights, more than the {max} this library builds \
         (check feature_maps, latent_dim and layer widths)"
    )]
    TooLarge {
        /// The model.
        model: &'static str,
        /// Its weight count, estimated from the configuration.
        parameters: u128,
        /// [`MAX_PARAMETERS`].
        max: u128,
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
    /// A setting given by name (a policy, a kind) that is not one of the known ones.
    #[error("{0}")]
    Invalid(String),
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

/// An ncnn model (`.param` + `.bin`) that cannot be read, or is not the network asked for.
/// Every message names the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NcnnError {
    /// The `.param` file is malformed or uses something this reader does not know.
    #[error("{file}: line {line}: {problem}")]
    Param {
        /// The `.param` file.
        file: String,
        /// The line (1-based).
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// The `.bin` file is truncated, too long, or uses an unsupported weight encoding.
    #[error("{file}: {problem}")]
    Weights {
        /// The `.bin` file.
        file: String,
        /// What is wrong.
        problem: String,
    },
    /// The graph reads fine but is not the expected network (layer counts, channel sizes,
    /// coefficients, upsampling).
    #[error("{file}: not a {network}: {problem}")]
    Structure {
        /// The `.param` file.
        file: String,
        /// The network that was expected, with its configuration.
        network: String,
        /// The first difference found.
        problem: String,
    },
}

/// The most weights one model may have: 2^31 (8 GiB as f32), far above any GAN here (DCGAN at
/// 256x256 has 57 million), so that a mistyped width is an error instead of a failed
/// allocation of terabytes.
pub const MAX_PARAMETERS: u128 = 1 << 31;

/// Checks the weight count of a chain of layers: `kernel` weights between each pair of
/// consecutive widths (16 for 4x4 convolutions, 1 for linear layers).
pub(crate) fn check_weights(
    model: &'static str,
    widths: &[u128],
    kernel: u128,
) -> Result<(), ConfigError> {
    let parameters = widths
        .windows(2)
        .map(|pair| pair[0].saturating_mul(pair[1]).saturating_mul(kernel))
        .fold(0u128, u128::saturating_add);
    if parameters > MAX_PARAMETERS {
        return Err(ConfigError::TooLarge {
            model,
            parameters,
            max: MAX_PARAMETERS,
        });
    }
    Ok(())
}

/// The widths of a DCGAN stack of `stages` blocks, doubling from `feature_maps`.
pub(crate) fn doubling_widths(feature_maps: usize, stages: usize) -> Vec<u128> {
    (0..stages)
        .map(|stage| (feature_maps as u128).saturating_mul(1 << stage))
        .collect()
}

pub(crate) fn check_nonzero(field: &'static str, value: usize) -> Result<(), ConfigError> {
    if value == 0 {
        Err(ConfigError::ZeroSize { field, value })
    } else {
        Ok(())
    }
}
