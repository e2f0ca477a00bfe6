//! Every discriminator configuration, and a discriminator of any of them.

use crate::can::{CanDiscriminator, CanDiscriminatorConfig};
use crate::dcgan::{DcganDiscriminator, DcganDiscriminatorConfig};
use crate::mlp::{MlpDiscriminator, MlpDiscriminatorConfig};
use crate::wgan::{DcganCritic, DcganCriticConfig};
use crate::{ConfigError, Discriminator, ModelConfig};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

/// A discriminator's (or critic's) configuration, tagged with its kind
/// (`{"type": "critic", ...}` in JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum DiscriminatorConfig {
    /// DCGAN's discriminator.
    Dcgan(DcganDiscriminatorConfig),
    /// CAN's discriminator, with a style head.
    Can(CanDiscriminatorConfig),
    /// WGAN-GP's critic.
    Critic(DcganCriticConfig),
    /// The fully connected discriminator.
    Mlp(MlpDiscriminatorConfig),
}

impl DiscriminatorConfig {
    /// The side of the square images it judges, in pixels.
    pub fn image_size(&self) -> usize {
        match self {
            Self::Dcgan(c) => c.image_size,
            Self::Can(c) => c.image_size,
            Self::Critic(c) => c.image_size,
            Self::Mlp(c) => c.image_size,
        }
    }

    /// Builds the discriminator on `device`.
    pub fn init(&self, device: &Device) -> Result<DiscriminatorModel, ConfigError> {
        Ok(match self {
            Self::Dcgan(c) => DiscriminatorModel::Dcgan(c.init(device)?),
            Self::Can(c) => DiscriminatorModel::Can(c.init(device)?),
            Self::Critic(c) => DiscriminatorModel::Critic(c.init(device)?),
            Self::Mlp(c) => DiscriminatorModel::Mlp(c.init(device)?),
        })
    }
}

impl ModelConfig for DiscriminatorConfig {
    type Model = DiscriminatorModel;

    fn init_model(&self, device: &Device) -> Result<DiscriminatorModel, ConfigError> {
        self.init(device)
    }
}

macro_rules! from_config {
    ($($config:ty => $variant:ident),* $(,)?) => {$(
        impl From<$config> for DiscriminatorConfig {
            fn from(config: $config) -> Self {
                Self::$variant(config)
            }
        }
    )*};
}

from_config!(
    DcganDiscriminatorConfig => Dcgan,
    CanDiscriminatorConfig => Can,
    DcganCriticConfig => Critic,
    MlpDiscriminatorConfig => Mlp,
);

/// A discriminator of any kind in [`DiscriminatorConfig`].
#[derive(Module, Debug)]
pub enum DiscriminatorModel {
    /// DCGAN's discriminator.
    Dcgan(DcganDiscriminator),
    /// CAN's discriminator, with its style head.
    Can(CanDiscriminator),
    /// WGAN-GP's critic.
    Critic(DcganCritic),
    /// The fully connected discriminator.
    Mlp(MlpDiscriminator),
}

/// What a discriminator says about a batch of images.
#[derive(Debug, Clone)]
pub struct Judgement {
    /// Real/fake logits (critic scores for WGAN-GP), `[B, 1]`.
    pub logits: Tensor<2>,
    /// Style logits, `[B, K]`, for CAN.
    pub styles: Option<Tensor<2>>,
}

impl DiscriminatorModel {
    /// Whether its output is a logit of "real" (false for a Wasserstein critic, whose score is
    /// not a probability: higher means more real).
    pub fn gives_probability(&self) -> bool {
        !matches!(self, Self::Critic(_))
    }

    /// The real/fake logits and, for CAN, the style logits of `images` (`[B, C, H, W]` in
    /// `[-1, 1]`), in the mode the module is in (call [`Module::valid`] first to judge).
    pub fn judge(&self, images: Tensor<4>) -> Judgement {
        match self {
            Self::Can(d) => {
                let out = d.forward(images);
                Judgement {
                    logits: out.real_fake,
                    styles: Some(out.styles),
                }
            }
            other => Judgement {
                logits: other.logits(images),
                styles: None,
            },
        }
    }
}

impl Discriminator for DiscriminatorModel {
    fn image_shape(&self) -> [usize; 3] {
        match self {
            Self::Dcgan(d) => d.image_shape(),
            Self::Can(d) => d.image_shape(),
            Self::Critic(d) => d.image_shape(),
            Self::Mlp(d) => d.image_shape(),
        }
    }

    fn logits(&self, images: Tensor<4>) -> Tensor<2> {
        match self {
            Self::Dcgan(d) => d.logits(images),
            Self::Can(d) => d.logits(images),
            Self::Critic(d) => d.logits(images),
            Self::Mlp(d) => d.logits(images),
        }
    }

    fn exact_input_gradient(&self, images: Tensor<4>) -> Option<(Tensor<2>, Tensor<4>)> {
        match self {
            Self::Dcgan(d) => d.exact_input_gradient(images),
            Self::Can(d) => d.exact_input_gradient(images),
            Self::Critic(d) => d.exact_input_gradient(images),
            Self::Mlp(d) => d.exact_input_gradient(images),
        }
    }
}
