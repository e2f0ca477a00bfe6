//! The hinge objective (Lim & Ye 2017; Miyato et al. 2018), as SNGAN, SAGAN and BigGAN train,
//! usually with a spectrally normalised discriminator: the discriminator is pushed only while
//! its margin is below 1, so on small data sets it wins less outright than with cross-entropy.

use crate::objective::definition::{DiscriminatorStep, GeneratorStep, Objective};
use crate::random::StepRandom;
use burn::prelude::*;
use gan_core::Discriminator;
use gan_core::loss::{hinge_discriminator_loss, hinge_generator_loss};
use gan_data::PaintingBatch;
use serde::{Deserialize, Serialize};

/// The hinge loss: D minimises `mean relu(1 − D(x)) + mean relu(1 + D(G(z)))`, G minimises
/// `−mean D(G(z))`. Scores in logs are the mean raw outputs (margins, not probabilities).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hinge {}

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
        let real_logits = discriminator.logits(real.images.clone());
        let fake_logits = discriminator.logits(fake);
        DiscriminatorStep {
            real_score: real_logits.clone().detach().mean(),
            fake_score: fake_logits.clone().detach().mean(),
            metrics: Vec::new(),
            loss: hinge_discriminator_loss(real_logits, fake_logits),
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
        serde_json::json!({ "type": "hinge" })
    }
}
