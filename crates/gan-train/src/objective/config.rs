//! The built-in objectives as one serialisable value.

use crate::objective::creative::CreativeAdversarial;
use crate::objective::hinge::Hinge;
use crate::objective::non_saturating::NonSaturating;
use crate::objective::wasserstein::WassersteinGp;
use gan_core::ConfigError;
use serde::{Deserialize, Serialize};

/// One of the built-in objectives with its settings, tagged by kind in JSON
/// (`{"type": "wasserstein-gp", "penalty_weight": 10.0, ...}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ObjectiveConfig {
    /// DCGAN's binary cross-entropy and non-saturating generator loss.
    NonSaturating(NonSaturating),
    /// CAN's: the discriminator learns the styles, the generator is pushed to style ambiguity.
    CreativeAdversarial(CreativeAdversarial),
    /// WGAN-GP's Wasserstein losses with the exact gradient penalty.
    WassersteinGp(WassersteinGp),
    /// The hinge loss (SNGAN, BigGAN), for DCGAN-style discriminators.
    Hinge(Hinge),
}

impl ObjectiveConfig {
    /// The objective's short name, as logs and checkpoints write it (`dcgan`, `can`, `wgan-gp`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::NonSaturating(_) => "dcgan",
            Self::CreativeAdversarial(_) => "can",
            Self::WassersteinGp(_) => "wgan-gp",
            Self::Hinge(_) => "hinge",
        }
    }

    /// Checks the settings (label noise in range, weights finite and non-negative, at least
    /// one critic step).
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self {
            Self::NonSaturating(o) => {
                check_r1(o.r1_gamma)?;
                NonSaturating::new(o.labels.clone()).map(drop)
            }
            Self::CreativeAdversarial(o) => {
                CreativeAdversarial::new(o.labels.clone(), o.style_weight, o.ambiguity).map(drop)
            }
            Self::WassersteinGp(o) => {
                WassersteinGp::new(o.penalty_weight, o.critic_steps, o.penalty_gradient).map(drop)
            }
            Self::Hinge(o) => check_r1(o.r1_gamma),
        }
    }

    /// γ of the R1 penalty the objective adds (0 for none, and for objectives without it).
    pub fn r1_gamma(&self) -> f64 {
        match self {
            Self::NonSaturating(o) => o.r1_gamma,
            Self::Hinge(o) => o.r1_gamma,
            Self::CreativeAdversarial(_) | Self::WassersteinGp(_) => 0.0,
        }
    }
}

/// γ of R1: finite and not negative.
fn check_r1(gamma: f64) -> Result<(), ConfigError> {
    if gamma.is_finite() && gamma >= 0.0 {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field: "R1 weight γ",
            range: "[0, ∞)",
            value: gamma,
        })
    }
}

/// `From` each built-in objective.
macro_rules! from_objective {
    ($($objective:ident),*) => {$(
        impl From<$objective> for ObjectiveConfig {
            fn from(objective: $objective) -> Self {
                Self::$objective(objective)
            }
        }
    )*};
}

from_objective!(NonSaturating, CreativeAdversarial, WassersteinGp, Hinge);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::definition::Objective;
    use gan_core::can::CanDiscriminator;
    use gan_core::dcgan::DcganDiscriminator;
    use gan_core::wgan::DcganCritic;

    #[test]
    fn each_objective_records_settings_that_read_back_as_itself() {
        let configs = [
            ObjectiveConfig::from(NonSaturating::default()),
            ObjectiveConfig::from(CreativeAdversarial::default()),
            ObjectiveConfig::from(WassersteinGp::default()),
            ObjectiveConfig::from(Hinge::default()),
            ObjectiveConfig::from(Hinge::with_r1(10.0)),
            ObjectiveConfig::from(NonSaturating::default().with_r1(0.5)),
        ];
        for config in configs {
            let settings = match &config {
                ObjectiveConfig::NonSaturating(o) => Objective::<DcganDiscriminator>::settings(o),
                ObjectiveConfig::CreativeAdversarial(o) => {
                    Objective::<CanDiscriminator>::settings(o)
                }
                ObjectiveConfig::WassersteinGp(o) => Objective::<DcganCritic>::settings(o),
                ObjectiveConfig::Hinge(o) => Objective::<DcganDiscriminator>::settings(o),
            };
            assert_eq!(
                serde_json::from_value::<ObjectiveConfig>(settings).unwrap(),
                config
            );
        }
    }
}
