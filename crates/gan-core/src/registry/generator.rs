//! Every generator configuration, and a generator of any of them.

use crate::dcgan::{DcganGenerator, DcganGeneratorConfig};
use crate::mlp::{MlpGenerator, MlpGeneratorConfig};
use crate::{ConfigError, Generator, ModelConfig};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

/// A generator's configuration, tagged with its kind (`{"type": "dcgan", ...}` in JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum GeneratorConfig {
    /// The DCGAN generator (also CAN's and WGAN-GP's).
    Dcgan(DcganGeneratorConfig),
    /// The fully connected generator.
    Mlp(MlpGeneratorConfig),
}

impl GeneratorConfig {
    /// The side of the square images it makes, in pixels.
    pub fn image_size(&self) -> usize {
        match self {
            Self::Dcgan(c) => c.image_size,
            Self::Mlp(c) => c.image_size,
        }
    }

    /// Length of the latent vector.
    pub fn latent_dim(&self) -> usize {
        match self {
            Self::Dcgan(c) => c.latent_dim,
            Self::Mlp(c) => c.latent_dim,
        }
    }

    /// Builds the generator on `device`.
    pub fn init(&self, device: &Device) -> Result<GeneratorModel, ConfigError> {
        Ok(match self {
            Self::Dcgan(c) => GeneratorModel::Dcgan(c.init(device)?),
            Self::Mlp(c) => GeneratorModel::Mlp(c.init(device)?),
        })
    }
}

macro_rules! from_config {
    ($($config:ty => $variant:ident),*) => {$(
        impl From<$config> for GeneratorConfig {
            fn from(config: $config) -> Self {
                Self::$variant(config)
            }
        }
    )*};
}

from_config!(DcganGeneratorConfig => Dcgan, MlpGeneratorConfig => Mlp);

impl ModelConfig for GeneratorConfig {
    type Model = GeneratorModel;

    fn init_model(&self, device: &Device) -> Result<GeneratorModel, ConfigError> {
        self.init(device)
    }
}

/// A generator of any kind in [`GeneratorConfig`].
#[derive(Module, Debug)]
pub enum GeneratorModel {
    /// A DCGAN generator.
    Dcgan(DcganGenerator),
    /// A fully connected generator.
    Mlp(MlpGenerator),
}

impl Generator for GeneratorModel {
    fn latent_dim(&self) -> usize {
        match self {
            Self::Dcgan(g) => g.latent_dim(),
            Self::Mlp(g) => g.latent_dim(),
        }
    }

    fn image_shape(&self) -> [usize; 3] {
        match self {
            Self::Dcgan(g) => g.image_shape(),
            Self::Mlp(g) => g.image_shape(),
        }
    }

    fn generate(&self, latent: Tensor<2>) -> Tensor<4> {
        match self {
            Self::Dcgan(g) => g.generate(latent),
            Self::Mlp(g) => g.generate(latent),
        }
    }
}
