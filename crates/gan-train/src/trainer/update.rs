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
/// The loss runs through a copy of the discriminator whose parameters take no gradient
/// ([`Module::no_grad`]): autodiff then computes only the input gradients of its layers, which
/// the generator needs, and skips their weight gradients, which this step would throw away. The
/// generator's gradients are bit for bit those of a pass through the trainable discriminator;
/// running state (BatchNorm statistics, spectral-norm vectors) is shared with `discriminator`, so
/// the copy updates it as the discriminator itself would.
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
    let frozen = discriminator.clone().no_grad();
    let step = objective.generator_step(&frozen, fake, real, random);
    let grads = GradientsParams::from_grads(step.loss.backward(), &generator);
    (optimizer.step(learning_rate, generator, grads), step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::definition::Objective;
    use crate::objective::{Hinge, NonSaturating, WassersteinGp};
    use burn::module::{ModuleVisitor, Param};
    use burn::tensor::{Distribution, Gradients};
    use gan_core::dcgan::{DcganDiscriminatorConfig, DcganGeneratorConfig};
    use gan_core::device::{parse_device, seeded};
    use gan_core::wgan::DcganCriticConfig;

    const SIZE: usize = 32;
    const BATCH: usize = 4;

    /// Every float tensor of a module (parameters and running state), or each parameter's
    /// gradient in `grads` (`None` where it has none), in visiting order.
    struct Collect<'a> {
        grads: Option<&'a Gradients>,
        out: Vec<Option<Vec<u32>>>,
    }

    impl ModuleVisitor for Collect<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let tensor = param.val();
            let values = match self.grads {
                Some(grads) => tensor.grad(grads).map(|g| g.into_data()),
                None => Some(tensor.into_data()),
            };
            self.out
                .push(values.map(|data| data.iter::<f32>().map(f32::to_bits).collect()));
        }
    }

    fn collect<M: Module>(module: &M, grads: Option<&Gradients>) -> Vec<Option<Vec<u32>>> {
        let mut visitor = Collect {
            grads,
            out: Vec::new(),
        };
        module.visit(&mut visitor);
        visitor.out
    }

    /// `generator_update` against the update it replaces (the loss through the trainable
    /// discriminator): the same generator gradients bit for bit, the same updated weights and
    /// discriminator state, and no gradient for any discriminator parameter.
    fn check<G, D, O>(make: impl Fn() -> (G, D), objective: O)
    where
        G: Generator,
        D: Module,
        O: Objective<D>,
    {
        let device = parse_device("cpu").unwrap().autodiff();
        let real = PaintingBatch {
            images: seeded(&device, 7, || {
                Tensor::<4>::random(
                    [BATCH, 3, SIZE, SIZE],
                    Distribution::Uniform(-1.0, 1.0),
                    &device,
                )
            }),
            labels: None,
        };
        let random = StepRandom::new(3);
        let fake_of = |generator: &G| {
            let latent = random.normal(LATENT_STREAM, [BATCH, generator.latent_dim()], &device);
            generator.generate(latent)
        };

        // The update this function replaces: the loss through the trainable discriminator.
        let (generator, discriminator) = seeded(&device, 11, &make);
        let step = objective.generator_step(&discriminator, fake_of(&generator), &real, &random);
        let grads = step.loss.backward();
        let expected_generator_grads = collect(&generator, Some(&grads));
        let trainable_discriminator_grads = collect(&discriminator, Some(&grads));
        let grads = GradientsParams::from_grads(grads, &generator);
        let mut optimizer = crate::config::AdamSettings::new().init();
        let expected_generator = optimizer.step(2e-4, generator, grads);
        let expected_discriminator = collect(&discriminator, None);

        // The same step through a discriminator whose parameters take no gradient.
        let (generator, discriminator) = seeded(&device, 11, &make);
        let frozen = discriminator.clone().no_grad();
        let step = objective.generator_step(&frozen, fake_of(&generator), &real, &random);
        let grads = step.loss.backward();
        assert_eq!(collect(&generator, Some(&grads)), expected_generator_grads);
        assert!(trainable_discriminator_grads.iter().any(Option::is_some));
        assert!(
            collect(&discriminator, Some(&grads))
                .iter()
                .all(Option::is_none),
            "the discriminator's weights took gradients"
        );

        // generator_update itself.
        let (generator, discriminator) = seeded(&device, 11, &make);
        let mut optimizer = crate::config::AdamSettings::new().init();
        let fake = fake_of(&generator);
        let (updated, _) = generator_update(
            generator,
            &mut optimizer,
            &discriminator,
            &objective,
            fake,
            &real,
            &random,
            2e-4,
        );
        assert_eq!(collect(&updated, None), collect(&expected_generator, None));
        assert_eq!(collect(&discriminator, None), expected_discriminator);
    }

    fn generator(device: &Device) -> gan_core::dcgan::DcganGenerator {
        DcganGeneratorConfig::new()
            .with_image_size(SIZE)
            .with_feature_maps(8)
            .init(device)
            .unwrap()
    }

    #[test]
    fn batchnorm_discriminator_non_saturating() {
        check(
            || {
                let device = parse_device("cpu").unwrap().autodiff();
                let d = DcganDiscriminatorConfig::new()
                    .with_image_size(SIZE)
                    .with_feature_maps(8);
                (generator(&device), d.init(&device).unwrap())
            },
            NonSaturating::default(),
        );
    }

    #[test]
    fn spectrally_normalised_discriminator_hinge() {
        check(
            || {
                let device = parse_device("cpu").unwrap().autodiff();
                let d = DcganDiscriminatorConfig::new()
                    .with_image_size(SIZE)
                    .with_feature_maps(8)
                    .with_spectral_norm(true);
                (generator(&device), d.init(&device).unwrap())
            },
            Hinge::default(),
        );
    }

    #[test]
    fn critic_wasserstein() {
        check(
            || {
                let device = parse_device("cpu").unwrap().autodiff();
                let c = DcganCriticConfig::new()
                    .with_image_size(SIZE)
                    .with_feature_maps(8);
                (generator(&device), c.init(&device).unwrap())
            },
            WassersteinGp::default(),
        );
    }
}
