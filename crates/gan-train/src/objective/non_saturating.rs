//! DCGAN's objective: binary cross-entropy with label smoothing and flips, and the
//! non-saturating generator loss.

use crate::objective::definition::{DiscriminatorStep, GeneratorStep, Objective, mean_probability};
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
}

impl NonSaturating {
    /// The objective with the given label settings (checked).
    pub fn new(labels: LabelConfig) -> Result<Self, gan_core::ConfigError> {
        labels.validate()?;
        Ok(Self { labels })
    }
}

impl Default for NonSaturating {
    fn default() -> Self {
        Self {
            labels: LabelConfig::new(),
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
        let real_logits = discriminator.logits(real.images.clone());
        let fake_logits = discriminator.logits(fake);
        let (n_real, n_fake) = (real_logits.dims()[0], fake_logits.dims()[0]);
        DiscriminatorStep {
            real_score: mean_probability(real_logits.clone()),
            fake_score: mean_probability(fake_logits.clone()),
            metrics: Vec::new(),
            loss: discriminator_loss(
                real_logits,
                self.labels.real_targets_from(random.uniform(
                    REAL_FLIPS_STREAM,
                    [n_real, 1],
                    &device,
                )),
                fake_logits,
                self.labels.fake_targets_from(random.uniform(
                    FAKE_FLIPS_STREAM,
                    [n_fake, 1],
                    &device,
                )),
            ),
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
