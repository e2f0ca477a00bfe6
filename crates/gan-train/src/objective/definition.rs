//! The [`Objective`] trait: what makes one GAN variant differ from another (how the two losses
//! are computed and how many discriminator steps run per generator step), and what each side of
//! a step reports. The training loop is shared.

use crate::random::StepRandom;
use burn::prelude::*;
use burn::tensor::activation::sigmoid;
use gan_data::PaintingBatch;

/// The discriminator's side of one step.
#[derive(Debug, Clone)]
pub struct DiscriminatorStep {
    /// The loss to minimise, `[1]`.
    pub loss: Tensor<1>,
    /// The mean score on real images, `[1]`: D(x) as a probability for DCGAN.
    pub real_score: Tensor<1>,
    /// The mean score on generated images, `[1]`: D(G(z)) before the discriminator's update.
    pub fake_score: Tensor<1>,
    /// The objective's own statistics, `[1]` each: the first of
    /// [`Objective::metric_names`], in order.
    pub metrics: Vec<Tensor<1>>,
}

/// The generator's side of one step.
#[derive(Debug, Clone)]
pub struct GeneratorStep {
    /// The loss to minimise, `[1]`.
    pub loss: Tensor<1>,
    /// The mean score on generated images, `[1]`: D(G(z)) after the discriminator's update.
    pub fake_score: Tensor<1>,
    /// The objective's own statistics, `[1]` each: the rest of
    /// [`Objective::metric_names`], after the discriminator's.
    pub metrics: Vec<Tensor<1>>,
}

/// A GAN objective for discriminators of type `D`.
///
/// The loop calls [`discriminator_step`](Objective::discriminator_step)
/// [`discriminator_steps`](Objective::discriminator_steps) times, each on a fresh real batch
/// and fresh (detached) fakes, then [`generator_step`](Objective::generator_step) once on the
/// last fakes, with their graph.
pub trait Objective<D: Module>: Send + Sync {
    /// A short name for logs and metadata (`"dcgan"`).
    fn name(&self) -> &'static str;

    /// Discriminator (critic) steps per generator step.
    fn discriminator_steps(&self) -> usize {
        1
    }

    /// Whether every batch must carry style labels (CAN).
    fn requires_labels(&self) -> bool {
        false
    }

    /// Names of the objective's own statistics, logged after the standard columns: those of
    /// [`DiscriminatorStep::metrics`] first, then those of [`GeneratorStep::metrics`].
    fn metric_names(&self) -> Vec<&'static str> {
        Vec::new()
    }

    /// The discriminator's loss on a real batch and generated images.
    ///
    /// - `real.images`, `fake`: `[B, C, H, W]` in `[-1, 1]`; `fake` is detached.
    ///
    /// Random draws (label noise, interpolation weights) come from `random`, seeded per step,
    /// so that runs are reproducible and resumable.
    fn discriminator_step(
        &self,
        discriminator: &D,
        real: &PaintingBatch,
        fake: Tensor<4>,
        random: &StepRandom,
    ) -> DiscriminatorStep;

    /// The generator's loss on generated images, through the (updated) discriminator.
    ///
    /// - `fake`: `[B, C, H, W]`, attached to the generator's graph.
    fn generator_step(
        &self,
        discriminator: &D,
        fake: Tensor<4>,
        real: &PaintingBatch,
        random: &StepRandom,
    ) -> GeneratorStep;

    /// The objective's settings, for checkpoint metadata.
    fn settings(&self) -> serde_json::Value;

    /// Whether [`DiscriminatorStep::real_score`] and the fake scores are probabilities (the
    /// mean sigmoid of cross-entropy logits) rather than raw outputs (hinge margins, critic
    /// scores). Decided by [`name`](Objective::name) through [`gives_probability`].
    fn scores_are_probabilities(&self) -> bool {
        gives_probability(self.name())
    }
}

/// Whether the objective called `name` (as in checkpoint metadata) trains a discriminator
/// whose output is a probability: cross-entropy's `dcgan` and `can`.
pub fn gives_probability(name: &str) -> bool {
    matches!(name, "dcgan" | "can")
}

/// How logs name the mean discriminator outputs on real and generated images: `D(x)` and
/// `D(G(z))` for probabilities, `score(x)` and `score(G(z))` for raw outputs.
pub fn score_labels(probabilities: bool) -> [&'static str; 2] {
    if probabilities {
        ["D(x)", "D(G(z))"]
    } else {
        ["score(x)", "score(G(z))"]
    }
}

/// The mean sigmoid of logits, detached: D(x) or D(G(z)) as a probability.
pub(crate) fn mean_probability(logits: Tensor<2>) -> Tensor<1> {
    sigmoid(logits.detach()).mean()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::{Augmented, CreativeAdversarial, Hinge, NonSaturating, WassersteinGp};
    use gan_core::can::CanDiscriminator;
    use gan_core::dcgan::DcganDiscriminator;
    use gan_core::wgan::DcganCritic;

    /// Cross-entropy objectives log probabilities; hinge margins and critic scores are raw,
    /// with or without augmentation, and logs name them accordingly.
    #[test]
    fn which_objectives_log_probabilities() {
        let probabilities = |o: &dyn Objective<DcganDiscriminator>| o.scores_are_probabilities();
        assert!(probabilities(&NonSaturating::default()));
        assert!(!probabilities(&Hinge::default()));
        let hinge = Hinge::default();
        let augmented = Augmented {
            inner: &hinge,
            augment: None,
        };
        assert!(!probabilities(&augmented));
        let critic: &dyn Objective<DcganCritic> = &WassersteinGp::default();
        assert!(!critic.scores_are_probabilities());
        let can: &dyn Objective<CanDiscriminator> = &CreativeAdversarial::default();
        assert!(can.scores_are_probabilities());
        assert_eq!(score_labels(true), ["D(x)", "D(G(z))"]);
        assert_eq!(score_labels(false), ["score(x)", "score(G(z))"]);
    }
}
