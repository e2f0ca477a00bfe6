//! DCGAN's objective: binary cross-entropy with label smoothing and flips, and the
//! non-saturating generator loss.

use crate::objective::definition::{DiscriminatorStep, GeneratorStep, Objective, mean_probability};
use crate::objective::r1::{R1_METRIC, real_logits_with_r1};
use crate::random::{FAKE_FLIPS_STREAM, REAL_FLIPS_STREAM, StepRandom};
use burn::prelude::*;
use gan_core::Discriminator;
use gan_core::loss::{LabelConfig, discriminator_loss, non_saturating_generator_loss};
use gan_data::PaintingBatch;
use serde::{Deserialize, Serialize};

/// DCGAN's objective: binary cross-entropy for the discriminator (with optional one-sided label
/// smoothing and label-flip noise) and the non-saturating loss for the generator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NonSaturating {
    /// How the discriminator's targets are made.
    pub labels: LabelConfig,
    /// γ of the R1 penalty `γ/2 · mean ‖∇ₓD(x)‖²` on real images; 0 (the default) is off.
    #[serde(default, skip_serializing_if = "crate::objective::r1::is_off")]
    pub r1_gamma: f64,
}

impl NonSaturating {
    /// The objective with the given label settings (checked).
    pub fn new(labels: LabelConfig) -> Result<Self, gan_core::ConfigError> {
        labels.validate()?;
        Ok(Self {
            labels,
            r1_gamma: 0.0,
        })
    }

    /// This objective with R1 of weight `gamma` (0: none).
    pub fn with_r1(self, gamma: f64) -> Self {
        Self {
            r1_gamma: gamma,
            ..self
        }
    }
}

impl Default for NonSaturating {
    fn default() -> Self {
        Self {
            labels: LabelConfig::new(),
            r1_gamma: 0.0,
        }
    }
}

impl<D: Discriminator> Objective<D> for NonSaturating {
    fn name(&self) -> &'static str {
        "dcgan"
    }

    fn discriminator_step(
        &self,
        discriminator: &D,
        real: &PaintingBatch,
        fake: Tensor<4>,
        random: &StepRandom,
    ) -> DiscriminatorStep {
        let device = real.images.device();
        let (real_logits, r1) =
            real_logits_with_r1(discriminator, real.images.clone(), self.r1_gamma);
        let fake_logits = discriminator.logits(fake);
        let (n_real, n_fake) = (real_logits.dims()[0], fake_logits.dims()[0]);
        let (penalty, metrics) = match r1 {
            Some((penalty, logged)) => (Some(penalty), vec![logged]),
            None => (None, Vec::new()),
        };
        let real_score = mean_probability(real_logits.clone());
        let fake_score = mean_probability(fake_logits.clone());
        let loss = discriminator_loss(
            real_logits,
            self.labels
                .real_targets_from(random.uniform(REAL_FLIPS_STREAM, [n_real, 1], &device)),
            fake_logits,
            self.labels
                .fake_targets_from(random.uniform(FAKE_FLIPS_STREAM, [n_fake, 1], &device)),
        );
        DiscriminatorStep {
            real_score,
            fake_score,
            metrics,
            loss: match penalty {
                Some(penalty) => loss + penalty,
                None => loss,
            },
        }
    }

    fn metric_names(&self) -> Vec<&'static str> {
        if self.r1_gamma > 0.0 {
            vec![R1_METRIC]
        } else {
            Vec::new()
        }
    }

    fn generator_step(
        &self,
        discriminator: &D,
        fake: Tensor<4>,
        _real: &PaintingBatch,
        _random: &StepRandom,
    ) -> GeneratorStep {
        let fake_logits = discriminator.logits(fake);
        GeneratorStep {
            fake_score: mean_probability(fake_logits.clone()),
            loss: non_saturating_generator_loss(fake_logits),
            metrics: Vec::new(),
        }
    }

    /// The objective as [`ObjectiveConfig`](crate::objective::config::ObjectiveConfig)
    /// serialises it, so a resumed run rebuilds it from its checkpoint.
    fn settings(&self) -> serde_json::Value {
        let mut settings = serde_json::to_value(self).unwrap_or_default();
        settings["type"] = "non-saturating".into();
        settings
    }
}
