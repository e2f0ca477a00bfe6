//! WGAN-GP's objective (Gulrajani et al. 2017): Wasserstein losses, several critic steps per
//! generator step, and the gradient penalty on random interpolates.

use crate::objective::definition::{DiscriminatorStep, GeneratorStep, Objective};
use crate::random::{INTERPOLATION_STREAM, StepRandom};
use burn::prelude::*;
use gan_core::loss::{Penalty, finite_difference_gradient_penalty, gradient_penalty};
use gan_core::wgan::InputGradient;
use gan_core::{ConfigError, Discriminator};
use gan_data::PaintingBatch;
use serde::{Deserialize, Serialize};

/// How the gradient penalty's weight gradients are computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum PenaltyGradient {
    /// Exact, through the critic's explicit input gradient (matches PyTorch's double backward).
    Exact,
    /// Approximate: a finite-difference Hessian-vector product with this relative step (see
    /// [`finite_difference_gradient_penalty`]).
    FiniteDifference {
        /// The largest input perturbation, relative to the penalty's direction.
        relative_step: f64,
    },
}

/// WGAN-GP: the critic minimises `mean D(x̃) − mean D(x) + λ·mean((‖∇x̂ D(x̂)‖₂ − 1)²)` on
/// interpolates `x̂ = εx + (1−ε)x̃`, ε ~ U(0, 1) per image; the generator minimises
/// `−mean D(G(z))`.
///
/// In the metrics, `d_x` and `d_g_z*` are mean critic scores (not probabilities), and the
/// objective adds `wasserstein` (the estimate `mean D(x) − mean D(x̃)`), `grad_norm` (the mean
/// ‖∇x̂ D(x̂)‖₂) and `penalty` (before λ).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WassersteinGp {
    /// λ (10 in the paper).
    pub penalty_weight: f64,
    /// Critic steps per generator step (5 in the paper).
    pub critic_steps: usize,
    /// How the penalty's gradients are computed.
    pub penalty_gradient: PenaltyGradient,
}

impl Default for WassersteinGp {
    fn default() -> Self {
        Self {
            penalty_weight: 10.0,
            critic_steps: 5,
            penalty_gradient: PenaltyGradient::Exact,
        }
    }
}

impl WassersteinGp {
    /// The objective with the given settings (checked).
    pub fn new(
        penalty_weight: f64,
        critic_steps: usize,
        penalty_gradient: PenaltyGradient,
    ) -> Result<Self, ConfigError> {
        if !(penalty_weight.is_finite() && penalty_weight >= 0.0) {
            return Err(ConfigError::OutOfRange {
                field: "gradient penalty weight",
                range: "[0, ∞)",
                value: penalty_weight,
            });
        }
        if critic_steps == 0 {
            return Err(ConfigError::ZeroSize {
                field: "critic steps",
                value: 0,
            });
        }
        Ok(Self {
            penalty_weight,
            critic_steps,
            penalty_gradient,
        })
    }
}

impl<C> Objective<C> for WassersteinGp
where
    C: Discriminator + InputGradient,
{
    fn name(&self) -> &'static str {
        "wgan-gp"
    }

    fn discriminator_steps(&self) -> usize {
        self.critic_steps
    }

    fn metric_names(&self) -> Vec<&'static str> {
        vec!["wasserstein", "grad_norm", "penalty"]
    }

    fn discriminator_step(
        &self,
        critic: &C,
        real: &PaintingBatch,
        fake: Tensor<4>,
        random: &StepRandom,
    ) -> DiscriminatorStep {
        let device = real.images.device();
        let batch = real.images.dims()[0];
        let real_mean = critic.logits(real.images.clone()).mean();
        let fake_mean = critic.logits(fake.clone()).mean();
        let epsilon = random.uniform(INTERPOLATION_STREAM, [batch], &device);
        let Penalty {
            value: penalty,
            mean_gradient_norm,
        } = match self.penalty_gradient {
            PenaltyGradient::Exact => gradient_penalty(critic, real.images.clone(), fake, epsilon),
            PenaltyGradient::FiniteDifference { relative_step } => {
                finite_difference_gradient_penalty(
                    critic,
                    real.images.clone(),
                    fake,
                    epsilon,
                    relative_step,
                )
            }
        };
        let wasserstein = (real_mean.clone() - fake_mean.clone()).detach();
        DiscriminatorStep {
            loss: fake_mean.clone() - real_mean.clone()
                + penalty.clone().mul_scalar(self.penalty_weight),
            real_score: real_mean.detach(),
            fake_score: fake_mean.detach(),
            metrics: vec![wasserstein, mean_gradient_norm, penalty.detach()],
        }
    }

    fn generator_step(
        &self,
        critic: &C,
        fake: Tensor<4>,
        _real: &PaintingBatch,
        _random: &StepRandom,
    ) -> GeneratorStep {
        let fake_mean = critic.logits(fake).mean();
        GeneratorStep {
            loss: fake_mean.clone().neg(),
            fake_score: fake_mean.detach(),
            metrics: Vec::new(),
        }
    }

    /// The objective as [`ObjectiveConfig`](crate::objective::config::ObjectiveConfig)
    /// serialises it, so a resumed run rebuilds it from its checkpoint.
    fn settings(&self) -> serde_json::Value {
        let mut settings = serde_json::to_value(self).unwrap_or_default();
        settings["type"] = "wasserstein-gp".into();
        settings
    }
}
