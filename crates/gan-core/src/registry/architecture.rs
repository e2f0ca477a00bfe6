//! The GAN variants this library trains, by name.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A GAN variant: which generator and discriminator pair it trains, and with which objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Architecture {
    /// DCGAN (Radford et al. 2016): DCGAN generator and discriminator, non-saturating loss.
    #[serde(rename = "dcgan")]
    Dcgan,
    /// CAN (Elgammal et al. 2017): DCGAN generator, discriminator with a style head.
    #[serde(rename = "can")]
    Can,
    /// WGAN-GP (Gulrajani et al. 2017): DCGAN generator, critic with an exact input gradient.
    #[serde(rename = "wgan-gp", alias = "wgan_gp")]
    WganGp,
    /// The fully connected GAN of Goodfellow et al. 2014.
    #[serde(rename = "mlp")]
    Mlp,
}

impl Architecture {
    /// Every architecture, in the order help texts list them.
    pub const ALL: [Architecture; 4] = [Self::Dcgan, Self::WganGp, Self::Can, Self::Mlp];

    /// The name used in checkpoints and on the command line: `dcgan`, `can`, `wgan-gp`, `mlp`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Dcgan => "dcgan",
            Self::Can => "can",
            Self::WganGp => "wgan-gp",
            Self::Mlp => "mlp",
        }
    }

    /// The default run folder's name at `image_size`: `dcgan64`, `can64`, `wgan_gp64`, …
    /// (as the training examples are named).
    pub fn run_name(self, image_size: usize) -> String {
        format!("{}{image_size}", self.name().replace('-', "_"))
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no [`Architecture`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("architecture `{0}` is not known to this build: expected one of dcgan, wgan-gp, can, mlp")]
pub struct UnknownArchitecture(pub String);

impl FromStr for Architecture {
    type Err = UnknownArchitecture;

    /// Parses a name; `wgan_gp` is accepted for `wgan-gp`, and case is ignored.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let wanted = name.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|a| a.name() == wanted)
            .ok_or_else(|| UnknownArchitecture(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_run_names_use_underscores() {
        for a in Architecture::ALL {
            assert_eq!(a.name().parse::<Architecture>().unwrap(), a);
        }
        assert_eq!(
            "WGAN_GP".parse::<Architecture>().unwrap(),
            Architecture::WganGp
        );
        assert_eq!(Architecture::WganGp.run_name(64), "wgan_gp64");
        let err = "stylegan".parse::<Architecture>().unwrap_err();
        assert!(err.to_string().contains("stylegan"), "{err}");
    }
}
