//! DiffAugment around any objective: the discriminator sees real and generated images only
//! through the same kind of random augmentation, in its own step and in the generator's (whose
//! gradient flows through the augmentation). The training loop wraps its objective in this when
//! `TrainingConfig::augment` is set, so every objective, built-in or custom, can use it.

use crate::objective::definition::{DiscriminatorStep, GeneratorStep, Objective};
use crate::random::{AUGMENT_FAKE_STREAM, AUGMENT_REAL_STREAM, StepRandom};
use burn::prelude::*;
use gan_core::augment::DiffAugment;
use gan_data::PaintingBatch;

/// `inner` with DiffAugment applied to every image its discriminator sees (`None`: `inner` as
/// it is).
#[derive(Debug, Clone, Copy)]
pub struct Augmented<'a, O> {
    /// The objective that computes the losses.
    pub inner: &'a O,
    /// The augmentation, if any.
    pub augment: Option<&'a DiffAugment>,
}

impl<O> Augmented<'_, O> {
    /// `images` augmented with draws from `stream` of `random`.
    fn augment(&self, images: Tensor<4>, random: &StepRandom, stream: u64) -> Tensor<4> {
        match self.augment {
            None => images,
            Some(augment) => {
                let [batch, _, size, _] = images.dims();
                let mut uniform = random.uniform_values(stream);
                // The stream is endless.
                let draw = augment.draw(batch, size, || uniform.next().unwrap_or_default());
                DiffAugment::apply(images, &draw)
            }
        }
    }
}

impl<D: Module, O: Objective<D>> Objective<D> for Augmented<'_, O> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn scores_are_probabilities(&self) -> bool {
        self.inner.scores_are_probabilities()
    }

    fn discriminator_steps(&self) -> usize {
        self.inner.discriminator_steps()
    }

    fn requires_labels(&self) -> bool {
        self.inner.requires_labels()
    }

    fn metric_names(&self) -> Vec<&'static str> {
        self.inner.metric_names()
    }

    fn discriminator_step(
        &self,
        discriminator: &D,
        real: &PaintingBatch,
        fake: Tensor<4>,
        random: &StepRandom,
    ) -> DiscriminatorStep {
        let real = PaintingBatch {
            images: self.augment(real.images.clone(), random, AUGMENT_REAL_STREAM),
            labels: real.labels.clone(),
        };
        let fake = self.augment(fake, random, AUGMENT_FAKE_STREAM);
        self.inner
            .discriminator_step(discriminator, &real, fake, random)
    }

    fn generator_step(
        &self,
        discriminator: &D,
        fake: Tensor<4>,
        real: &PaintingBatch,
        random: &StepRandom,
    ) -> GeneratorStep {
        let fake = self.augment(fake, random, AUGMENT_FAKE_STREAM);
        self.inner.generator_step(discriminator, fake, real, random)
    }

    fn settings(&self) -> serde_json::Value {
        self.inner.settings()
    }
}
