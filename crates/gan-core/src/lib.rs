//! # gan-core
//!
//! What a generative adversarial network *is*: generator and discriminator modules, and the
//! adversarial losses as plain functions of tensors. No I/O lives here.
//!
//! - [`dcgan`]: the convolutional DCGAN generator and discriminator (Radford et al. 2016), for
//!   any power-of-two image size from 32 to 256.
//! - [`can`]: the CAN discriminator (Elgammal et al. 2017): a DCGAN trunk with a real/fake head
//!   and a style-classification head.
//! - [`wgan`]: the WGAN-GP critic, whose input gradient is an ordinary differentiable
//!   computation, so gradient penalties are exact on first-order autodiff.
//! - [`mlp`]: the fully connected generator and discriminator of the original GAN
//!   (Goodfellow et al. 2014), for small images.
//! - [`loss`]: numerically stable binary cross-entropy on logits, the non-saturating generator
//!   loss, one-sided label smoothing and label-flip noise.
//! - [`augment`]: DiffAugment (Zhao et al. 2020), differentiable colour, translation and cutout
//!   for the discriminator's inputs on small data sets.
//! - [`spectral_norm`]: spectral normalisation of a convolution's weight (Miyato et al. 2018),
//!   the discriminator's alternative to BatchNorm.
//! - [`realesrgan`]: Real-ESRGAN's RRDBNet and SRVGGNetCompact, read from the official ncnn
//!   weights, for 4x upscaling of generated paintings.
//! - [`registry`]: the typed registry of what can be trained: [`Architecture`], generator and
//!   discriminator configs tagged by kind, and models that dispatch over every kind.
//! - [`device`]: one place that maps a device string (`cpu`, `wgpu`, `cuda:1`) to a
//!   [`Device`](burn::prelude::Device).
//!
//! Every model is generic over the Burn backend through its `Device`, so the same code runs on
//! the CPU (flex, the default), WGPU and CUDA:
//!
//! ```no_run
//! use burn::prelude::*;
//! use gan_core::dcgan::DcganGeneratorConfig;
//!
//! let device = gan_core::device::parse_device("cpu").unwrap();
//! let generator = DcganGeneratorConfig::new().with_image_size(64).init(&device).unwrap();
//! let noise = Tensor::<2>::random([4, 100], burn::tensor::Distribution::Normal(0.0, 1.0), &device);
//! let images = generator.forward(noise); // [4, 3, 64, 64], values in [-1, 1]
//! assert_eq!(images.dims(), [4, 3, 64, 64]);
//! ```

pub mod activation;
pub mod augment;
pub mod batch_norm;
pub mod can;
pub mod conv;
pub mod dcgan;
pub mod device;
mod error;
pub mod loss;
pub mod mlp;
mod model;
mod params;
pub mod realesrgan;
pub mod registry;
pub mod spectral_norm;
pub mod wgan;

pub use error::{ConfigError, DeviceError, MAX_PARAMETERS, NcnnError};
pub use model::{Discriminator, Generator, ModelConfig};
pub use params::trainable_params;
pub use registry::{
    Architecture, DiscriminatorConfig, DiscriminatorModel, GeneratorConfig, GeneratorModel,
};

/// Re-export of the Burn version this crate is built on, so users name one `burn`.
pub use burn;
