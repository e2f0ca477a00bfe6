//! The hinge objective (Lim & Ye 2017; Miyato et al. 2018), as SNGAN, SAGAN and BigGAN train,
//! usually with a spectrally normalised discriminator: the discriminator is pushed only while
//! its margin is below 1, so on small data sets it wins less outright than with cross-entropy.

use crate::objective::definition::{DiscriminatorStep, GeneratorStep, Objective};
use crate::objective::r1::{R1_METRIC, real_logits_with_r1};
use crate::random::StepRandom;
use burn::prelude::*;
use gan_core::Discriminator;
use gan_core::loss::{hinge_discriminator_loss, hinge_generator_loss};
use gan_data::PaintingBatch;
use serde::{Deserialize, Serialize};

/// The hinge loss: D minimises `mean relu(1 − D(x)) + mean relu(1 + D(G(z)))`, G minimises
/// `−mean D(G(z))`. Scores in logs are the mean raw outputs (margins, not probabilities).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hinge {
    /// γ of the R1 penalty `γ/2 · mean ‖∇ₓD(x)‖²` on real images; 0 (the default) is off.
    #[serde(default, skip_serializing_if = "crate::objective::r1::is_off")]
    pub r1_gamma: f64,
}

impl Hinge {
    /// The hinge loss with R1 of weight `gamma` (0: none).
    pub fn with_r1(gamma: f64) -> Self {
        Self { r1_gamma: gamma }
    }
}

impl<D: Discriminator> Objective<D> for Hinge {
    fn name(&self) -> &'static str {
        "hinge"
    }

    fn discriminator_step(
        &self,
        discriminator: &D,
        real: &PaintingBatch,
        fake: Tensor<4>,
        _random: &StepRandom,
    ) -> DiscriminatorStep {
        let (real_logits, r1) =
            real_logits_with_r1(discriminator, real.images.clone(), self.r1_gamma);
        let fake_logits = discriminator.logits(fake);
        let mut loss = hinge_discriminator_loss(real_logits.clone(), fake_logits.clone());
        let mut metrics = Vec::new();
        if let Some((penalty, logged)) = r1 {
            loss = loss + penalty;
            metrics.push(logged);
        }
        DiscriminatorStep {
            real_score: real_logits.detach().mean(),
            fake_score: fake_logits.detach().mean(),
            metrics,
            loss,
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
            fake_score: fake_logits.clone().detach().mean(),
            loss: hinge_generator_loss(fake_logits),
            metrics: Vec::new(),
        }
    }

    /// `{"type": "hinge"}`, as [`ObjectiveConfig`](crate::objective::config::ObjectiveConfig)
    /// serialises it.
    fn settings(&self) -> serde_json::Value {
        let mut settings = serde_json::json!({ "type": "hinge" });
        if self.r1_gamma != 0.0 {
            settings["r1_gamma"] = self.r1_gamma.into();
        }
        settings
    }
}
