//! CAN's objective (Elgammal et al. 2017, equation 3): the discriminator also learns the styles
//! of real images; the generator is pushed towards images it finds real but of no one style.

use crate::objective::definition::{DiscriminatorStep, GeneratorStep, Objective, mean_probability};
use crate::random::{FAKE_FLIPS_STREAM, REAL_FLIPS_STREAM, StepRandom};
use burn::prelude::*;
use gan_core::can::CanDiscriminator;
use gan_core::loss::{
    LabelConfig, StyleAmbiguity, discriminator_loss, non_saturating_generator_loss, style_accuracy,
    style_ambiguity_loss, style_cross_entropy, style_entropy,
};
use gan_core::{ConfigError, Discriminator};
use gan_data::PaintingBatch;
use serde::{Deserialize, Serialize};

/// The Creative Adversarial Network's objective.
///
/// - Discriminator: `BCE(D_r(x), real) + BCE(D_r(G(z)), fake) + CE(D_c(x), ĉ)`, that is it
///   maximises `log D_r(x) + log D_c(ĉ|x)` on real images of style ĉ and `log(1 − D_r(G(z)))`
///   on fakes.
/// - Generator: the non-saturating adversarial loss plus `style_weight` times the style
///   ambiguity of `D_c(·|G(z))` ([`StyleAmbiguity::Binary`] is the paper's).
///
/// Each step also reports the style accuracy on the real batch (`style_acc_real`) and the
/// mean entropy of D's style distribution on the fakes (`style_entropy_fake`, in nats, at most
/// `ln K`): the paper's creativity signal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreativeAdversarial {
    /// How the real/fake targets are made (smoothing, flips).
    pub labels: LabelConfig,
    /// λ, the weight of the style-ambiguity term (1 in the paper).
    pub style_weight: f64,
    /// Which style-ambiguity loss.
    pub ambiguity: StyleAmbiguity,
}

impl Default for CreativeAdversarial {
    fn default() -> Self {
        Self {
            labels: LabelConfig::new(),
            style_weight: 1.0,
            ambiguity: StyleAmbiguity::Binary,
        }
    }
}

impl CreativeAdversarial {
    /// The objective with the given settings (checked: `style_weight` finite and ≥ 0).
    pub fn new(
        labels: LabelConfig,
        style_weight: f64,
        ambiguity: StyleAmbiguity,
    ) -> Result<Self, ConfigError> {
        labels.validate()?;
        if !(style_weight.is_finite() && style_weight >= 0.0) {
            return Err(ConfigError::OutOfRange {
                field: "style weight",
                range: "[0, ∞)",
                value: style_weight,
            });
        }
        Ok(Self {
            labels,
            style_weight,
            ambiguity,
        })
    }
}

impl Objective<CanDiscriminator> for CreativeAdversarial {
    fn name(&self) -> &'static str {
        "can"
    }

    fn requires_labels(&self) -> bool {
        true
    }

    fn metric_names(&self) -> Vec<&'static str> {
        vec!["style_acc_real", "style_entropy_fake"]
    }

    fn discriminator_step(
        &self,
        discriminator: &CanDiscriminator,
        real: &PaintingBatch,
        fake: Tensor<4>,
        random: &StepRandom,
    ) -> DiscriminatorStep {
        let device = real.images.device();
        let real_out = discriminator.forward(real.images.clone());
        let fake_logits = discriminator.logits(fake);
        let (n_real, n_fake) = (real_out.real_fake.dims()[0], fake_logits.dims()[0]);
        let adversarial = discriminator_loss(
            real_out.real_fake.clone(),
            self.labels
                .real_targets_from(random.uniform(REAL_FLIPS_STREAM, [n_real, 1], &device)),
            fake_logits.clone(),
            self.labels
                .fake_targets_from(random.uniform(FAKE_FLIPS_STREAM, [n_fake, 1], &device)),
        );
        // The training loop guarantees labels for this objective; without them the style
        // term is left out rather than panicking.
        let (style_loss, accuracy) = match &real.labels {
            Some(labels) => (
                style_cross_entropy(real_out.styles.clone(), labels.clone()),
                style_accuracy(real_out.styles, labels.clone()),
            ),
            None => (Tensor::zeros([1], &device), Tensor::zeros([1], &device)),
        };
        DiscriminatorStep {
            loss: adversarial + style_loss,
            real_score: mean_probability(real_out.real_fake),
            fake_score: mean_probability(fake_logits),
            metrics: vec![accuracy],
        }
    }

    fn generator_step(
        &self,
        discriminator: &CanDiscriminator,
        fake: Tensor<4>,
        _real: &PaintingBatch,
        _random: &StepRandom,
    ) -> GeneratorStep {
        let out = discriminator.forward(fake);
        let ambiguity = style_ambiguity_loss(out.styles.clone(), self.ambiguity);
        GeneratorStep {
            fake_score: mean_probability(out.real_fake.clone()),
            loss: non_saturating_generator_loss(out.real_fake)
                + ambiguity.mul_scalar(self.style_weight),
            metrics: vec![style_entropy(out.styles)],
        }
    }

    /// The objective as [`ObjectiveConfig`](crate::objective::config::ObjectiveConfig)
    /// serialises it, so a resumed run rebuilds it from its checkpoint.
    fn settings(&self) -> serde_json::Value {
        let mut settings = serde_json::to_value(self).unwrap_or_default();
        settings["type"] = "creative-adversarial".into();
        settings
    }
}
