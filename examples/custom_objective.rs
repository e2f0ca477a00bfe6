//! A new GAN variant in one file: the least-squares GAN (Mao et al. 2017), written as an
//! [`Objective`] and trained by the same loop as DCGAN, WGAN-GP, CAN and the hinge loss. The run
//! folder it writes works with every `gan` command (`gan generate runs/lsgan32`, `gan score`).
//!
//! ```sh
//! cargo run --release --example custom_objective            # 100 steps at 32x32
//! cargo run --release --example custom_objective -- 400
//! ```

use gan::burn::prelude::*;
use gan::core::Architecture;
use gan::core::Discriminator;
use gan::core::dcgan::{DcganDiscriminatorConfig, DcganGeneratorConfig};
use gan::data::{DataSource, PaintingBatch};
use gan::train::{DiscriminatorStep, GeneratorStep, ModelSpec, Objective, RunOptions, StepRandom};

/// D minimises `½ mean (D(x) − 1)² + ½ mean D(G(z))²`; G minimises `½ mean (D(G(z)) − 1)²`.
struct LeastSquares;

impl<D: Discriminator> Objective<D> for LeastSquares {
    fn name(&self) -> &'static str {
        "lsgan"
    }

    fn discriminator_step(
        &self,
        d: &D,
        real: &PaintingBatch,
        fake: Tensor<4>,
        _: &StepRandom,
    ) -> DiscriminatorStep {
        let (real, fake) = (d.logits(real.images.clone()), d.logits(fake));
        let loss = (real.clone().sub_scalar(1.0).square().mean() + fake.clone().square().mean())
            .mul_scalar(0.5);
        DiscriminatorStep {
            loss,
            real_score: real.detach().mean(),
            fake_score: fake.detach().mean(),
            metrics: Vec::new(),
        }
    }

    fn generator_step(
        &self,
        d: &D,
        fake: Tensor<4>,
        _: &PaintingBatch,
        _: &StepRandom,
    ) -> GeneratorStep {
        let scores = d.logits(fake);
        GeneratorStep {
            loss: scores
                .clone()
                .sub_scalar(1.0)
                .square()
                .mean()
                .mul_scalar(0.5),
            fake_score: scores.detach().mean(),
            metrics: Vec::new(),
        }
    }

    fn settings(&self) -> serde_json::Value {
        serde_json::json!({ "targets": [0.0, 1.0] })
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let steps = std::env::args().nth(1).map_or(Ok(100), |s| s.parse())?;
    let device = gan::core::device::parse_device("cpu")?;
    let data = DataSource::from_arg(None).open(32)?;
    let (g_config, d_config) = (
        DcganGeneratorConfig::new().with_image_size(32),
        DcganDiscriminatorConfig::new().with_image_size(32),
    );
    let config = gan::train::TrainingConfig::new()
        .with_steps(Some(steps))
        .with_batch_size(32);
    // Weights drawn under the run's seed, as the presets do.
    let (generator, discriminator) = gan::core::device::seeded(&device, config.seed, || {
        Ok::<_, gan::core::ConfigError>((g_config.init(&device)?, d_config.init(&device)?))
    })?;
    let model = ModelSpec::new(Architecture::Dcgan, g_config, d_config);
    let options = RunOptions::new("runs/lsgan32");
    let (_, summary) = gan::train::train(
        generator,
        discriminator,
        &LeastSquares,
        model,
        &data,
        &config,
        &options,
        &device,
    )?;
    println!("{summary}");
    Ok(())
}
