//! WGAN-GP cost on the default backend: (a) a critic step without the penalty, (b) a critic
//! step with the exact gradient penalty, their ratio, and (c) one full WGAN-GP training step
//! (5 critic steps with the penalty, then the generator), as the training loop runs it.
//!
//! ```sh
//! cargo bench --bench wgan_gp                         # 64x64, batch 32
//! cargo bench --bench wgan_gp -- --json --size 64 --batch 32 --iters 5
//! ```

use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::Distribution;
use gan::core::dcgan::DcganGeneratorConfig;
use gan::core::device::parse_device;
use gan::core::loss::gradient_penalty;
use gan::core::wgan::DcganCriticConfig;
use gan::data::PaintingBatch;
use gan::train::experiment::presets::wgan_gp_adam as default_adam;
use gan::train::{StepRandom, WassersteinGp, discriminator_update, generator_update};
use std::time::Instant;

mod common;

/// Times `f` `iters` times after one warm-up call, threading `state` (the models, which the
/// optimizers take by value) through the calls. Returns the median seconds and the state.
fn time<S>(iters: usize, state: S, mut f: impl FnMut(S, usize) -> S) -> (f64, S) {
    let mut state = f(state, usize::MAX);
    let mut seconds = Vec::with_capacity(iters);
    for i in 0..iters {
        let start = Instant::now();
        state = f(state, i);
        seconds.push(start.elapsed().as_secs_f64());
    }
    (common::median(seconds), state)
}

fn main() {
    let (size, batch, iters) = (
        common::arg("--size", 64usize),
        common::arg("--batch", 32usize),
        common::arg("--iters", 5usize),
    );
    let json = common::flag("--json");
    let device =
        parse_device(&common::arg("--device", "cpu".to_string())).unwrap_or_else(|e| panic!("{e}"));
    let device = device.autodiff();
    let (critic, generator) = gan::core::device::seeded(&device, 0, || {
        (
            DcganCriticConfig::new()
                .with_image_size(size)
                .init(&device)
                .unwrap(),
            DcganGeneratorConfig::new()
                .with_image_size(size)
                .init(&device)
                .unwrap(),
        )
    });
    let adam = default_adam();
    let (mut opt_c, mut opt_g) = (adam.init(), adam.init());
    let images = || {
        Tensor::<4>::random(
            [batch, 3, size, size],
            Distribution::Uniform(-1.0, 1.0),
            &device,
        )
    };
    let real = PaintingBatch {
        images: images(),
        labels: None,
    };
    let fake = images();

    // (a) without the penalty
    let (plain, critic) = time(iters, critic, |critic, _| {
        let loss = critic.forward(fake.clone()).mean() - critic.forward(real.images.clone()).mean();
        let grads = GradientsParams::from_grads(loss.backward(), &critic);
        let critic = opt_c.step(1e-4, critic, grads);
        critic.output.weight.val().sum().into_scalar::<f32>();
        critic
    });
    // (b) with the exact gradient penalty
    let (penalised, critic) = time(iters, critic, |critic, i| {
        let eps = StepRandom::new(i as u64).uniform(3, [batch], &device);
        let gp = gradient_penalty(&critic, real.images.clone(), fake.clone(), eps);
        let loss = critic.forward(fake.clone()).mean() - critic.forward(real.images.clone()).mean()
            + gp.value.mul_scalar(10.0);
        let grads = GradientsParams::from_grads(loss.backward(), &critic);
        let critic = opt_c.step(1e-4, critic, grads);
        critic.output.weight.val().sum().into_scalar::<f32>();
        critic
    });
    // (c) a full training step: 5 critic steps with the penalty, then the generator
    let objective = WassersteinGp::default();
    let (full, _) = time(iters, (critic, generator), |(mut critic, generator), i| {
        let mut last = None;
        for k in 0..5 {
            let random = StepRandom::new((i as u64) * 8 + k);
            let (c, d_step, fake) = discriminator_update(
                &generator, critic, &mut opt_c, &objective, &real, &random, 1e-4,
            );
            critic = c;
            last = Some((d_step, fake));
        }
        let (d_step, fake) = last.expect("five critic steps");
        let (generator, g_step) = generator_update(
            generator,
            &mut opt_g,
            &critic,
            &objective,
            fake,
            &real,
            &StepRandom::new(i as u64),
            1e-4,
        );
        Tensor::cat(vec![d_step.loss, g_step.loss], 0).into_data();
        (critic, generator)
    });
    let ratio = penalised / plain;
    if json {
        println!(
            "{{\"framework\":\"burn\",\"size\":{size},\"batch\":{batch},\"iters\":{iters},\"critic_step_s\":{plain:.4},\"critic_step_penalty_s\":{penalised:.4},\"penalty_cost_ratio\":{ratio:.3},\"train_step_s\":{full:.4},\"train_step_images_per_s\":{:.2}}}",
            (5 * batch) as f64 / full
        );
    } else {
        println!("WGAN-GP {size}x{size}, batch {batch}, median of {iters}:");
        println!("  critic step without penalty: {:.0} ms", plain * 1e3);
        println!(
            "  critic step with exact GP:   {:.0} ms (x{ratio:.2})",
            penalised * 1e3
        );
        println!(
            "  full step (5 critic + G):    {:.0} ms, {:.1} real images/s",
            full * 1e3,
            (5 * batch) as f64 / full
        );
    }
}
