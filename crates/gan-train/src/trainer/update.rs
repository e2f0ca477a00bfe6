//! One discriminator update and one generator update: the two halves of a training step.

use crate::objective::definition::{DiscriminatorStep, GeneratorStep, Objective};
use crate::random::{LATENT_STREAM, StepRandom};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use gan_core::Generator;
use gan_data::PaintingBatch;

/// One discriminator update: generates as many images as `real` holds from latent noise drawn
/// from `random`, computes the objective's discriminator loss on `real` and the detached
/// fakes, and steps the optimizer.
///
/// - `real.images`: `[B, C, H, W]` on the training (autodiff) device
/// - returns: the updated discriminator, its step's losses and scores, and the generated images
///   `[B, C, H, W]` still attached to the generator's graph (for [`generator_update`])
pub fn discriminator_update<G, D, O>(
    generator: &G,
    discriminator: D,
    optimizer: &mut ModuleOptimizer,
    objective: &O,
    real: &PaintingBatch,
    random: &StepRandom,
    learning_rate: f64,
) -> (D, DiscriminatorStep, Tensor<4>)
where
    G: Generator,
    D: Module,
    O: Objective<D>,
{
    let [batch, ..] = real.images.dims();
    let latent = random.normal(
        LATENT_STREAM,
        [batch, generator.latent_dim()],
        &real.images.device(),
    );
    let fake = generator.generate(latent);
    let step = objective.discriminator_step(&discriminator, real, fake.clone().detach(), random);
    let grads = GradientsParams::from_grads(step.loss.backward(), &discriminator);
    let discriminator = optimizer.step(learning_rate, discriminator, grads);
    (discriminator, step, fake)
}

/// One generator update on images from [`discriminator_update`], through the updated
/// discriminator.
///
/// - `fake`: `[B, C, H, W]`, attached to the generator's graph
/// - returns: the updated generator and its step's loss and score
#[allow(clippy::too_many_arguments)]
pub fn generator_update<G, D, O>(
    generator: G,
    optimizer: &mut ModuleOptimizer,
    discriminator: &D,
    objective: &O,
    fake: Tensor<4>,
    real: &PaintingBatch,
    random: &StepRandom,
    learning_rate: f64,
) -> (G, GeneratorStep)
where
    G: Generator,
    D: Module,
    O: Objective<D>,
{
    let step = objective.generator_step(discriminator, fake, real, random);
    let grads = GradientsParams::from_grads(step.loss.backward(), &generator);
    (optimizer.step(learning_rate, generator, grads), step)
}
