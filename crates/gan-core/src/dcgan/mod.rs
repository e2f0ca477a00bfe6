//! DCGAN (Radford, Metz and Chintala 2016, "Unsupervised Representation Learning with Deep
//! Convolutional Generative Adversarial Networks"), as in PyTorch's `pytorch/examples/dcgan`.
//!
//! At 64x64 the layers and parameter counts are exactly PyTorch's (generator 3,576,704,
//! discriminator 2,765,568). Each doubling of the image size adds one stride-2 block on each side,
//! with twice the feature maps at the 4x4 end (at 128x128 the generator starts with
//! `16 * feature_maps` channels, as art-GAN projects do); each halving removes one.

mod discriminator;
mod generator;
mod init;
mod input_gradient;

pub use discriminator::{DcganDiscriminator, DcganDiscriminatorConfig};
pub use generator::{DcganGenerator, DcganGeneratorConfig};

use crate::ConfigError;

/// The smallest supported image size.
pub const MIN_IMAGE_SIZE: usize = 32;
/// The largest supported image size.
pub const MAX_IMAGE_SIZE: usize = 256;

/// The number of stride-2 stages between 4x4 and `image_size`, or a config error when the size
/// is not a power of two in `MIN_IMAGE_SIZE..=MAX_IMAGE_SIZE`.
pub(crate) fn stride2_stages(model: &'static str, image_size: usize) -> Result<usize, ConfigError> {
    if !image_size.is_power_of_two() || !(MIN_IMAGE_SIZE..=MAX_IMAGE_SIZE).contains(&image_size) {
        return Err(ConfigError::UnsupportedImageSize {
            model,
            size: image_size,
            min: MIN_IMAGE_SIZE,
            max: MAX_IMAGE_SIZE,
        });
    }
    Ok(image_size.trailing_zeros() as usize - 2)
}
