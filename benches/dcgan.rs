//! DCGAN throughput on the default backend: (a) the generator's forward pass and (b) one full
//! training step (D on real and fake, then G), as the training loop runs it.
//!
//! ```sh
//! cargo bench --bench dcgan                       # batch 64, 64x64, human-readable
//! cargo bench --bench dcgan -- --json             # one JSON line (scripts/bench/compare_dcgan.sh)
//! cargo bench --bench dcgan -- --size 128 --batch 32 --iters 5 --device cpu
//! ```

use burn::prelude::*;
use burn::tensor::Distribution;
use gan::core::dcgan::{DcganDiscriminatorConfig, DcganGeneratorConfig};
use gan::core::device::parse_device;
use gan::data::PaintingBatch;
use gan::train::sample::latent_noise;
use gan::train::{AdamSettings, NonSaturating, StepRandom, discriminator_update, generator_update};
use std::time::Instant;

mod common;

struct Options {
    size: usize,
    batch: usize,
    iters: usize,
    device: String,
    json: bool,
}

fn options() -> Options {
    Options {
        size: common::arg("--size", 64),
        batch: common::arg("--batch", 64),
        iters: common::arg("--iters", 10),
        device: common::arg("--device", "cpu".to_string()),
        json: common::flag("--json"),
    }
}

/// Median and mean of per-iteration seconds.
fn stats(seconds: Vec<f64>) -> (f64, f64) {
    let mean = seconds.iter().sum::<f64>() / seconds.len() as f64;
    (common::median(seconds), mean)
}

fn main() {
    let o = options();
    let device = parse_device(&o.device).unwrap_or_else(|e| panic!("{e}"));
    device.seed(0);
    let g_config = DcganGeneratorConfig::new().with_image_size(o.size);
    let d_config = DcganDiscriminatorConfig::new().with_image_size(o.size);

    // (a) Generator forward, inference mode.
    let generator = g_config.init(&device).unwrap().valid();
    let noise = latent_noise(o.batch, 100, 1, &device);
    let mut forward = Vec::new();
    for i in 0..o.iters + 2 {
        let start = Instant::now();
        let images = generator.forward(noise.clone());
        let _: f32 = images.sum().into_scalar();
        if i >= 2 {
            forward.push(start.elapsed().as_secs_f64());
        }
    }
    let (forward_median, _) = stats(forward);

    // (b) One training step, exactly as the training loop runs it.
    let train_device = device.clone().autodiff();
    let mut generator = g_config.init(&train_device).unwrap();
    let mut discriminator = d_config.init(&train_device).unwrap();
    let mut optimizer_g = AdamSettings::new().init();
    let mut optimizer_d = AdamSettings::new().init();
    let objective = NonSaturating::default();
    let real = PaintingBatch {
        images: Tensor::<4>::random(
            [o.batch, 3, o.size, o.size],
            Distribution::Uniform(-1.0, 1.0),
            &train_device,
        ),
        labels: None,
    };
    let mut step_times = Vec::new();
    for i in 0..o.iters + 2 {
        let start = Instant::now();
        let (d_step, fake);
        (discriminator, d_step, fake) = discriminator_update(
            &generator,
            discriminator,
            &mut optimizer_d,
            &objective,
            &real,
            &StepRandom::new(i as u64),
            2e-4,
        );
        let g_step;
        (generator, g_step) = generator_update(
            generator,
            &mut optimizer_g,
            &discriminator,
            &objective,
            fake,
            &real,
            &StepRandom::new(i as u64),
            2e-4,
        );
        let scalars = Tensor::cat(vec![d_step.loss, g_step.loss], 0).into_data();
        assert!(scalars.iter::<f32>().all(f32::is_finite));
        if i >= 2 {
            step_times.push(start.elapsed().as_secs_f64());
        }
    }
    let (step_median, step_mean) = stats(step_times);

    let forward_ips = o.batch as f64 / forward_median;
    let train_ips = o.batch as f64 / step_median;
    if o.json {
        println!(
            "{{\"framework\":\"burn\",\"device\":\"{}\",\"size\":{},\"batch\":{},\"iters\":{},\"generator_forward_images_per_s\":{:.2},\"train_step_images_per_s\":{:.2},\"train_step_seconds_median\":{:.4},\"train_step_seconds_mean\":{:.4}}}",
            o.device, o.size, o.batch, o.iters, forward_ips, train_ips, step_median, step_mean
        );
    } else {
        println!(
            "DCGAN {0}x{0}, batch {1}, device {2}, {3} timed iterations (median):",
            o.size, o.batch, o.device, o.iters
        );
        println!(
            "  generator forward: {forward_ips:8.1} images/s ({:.1} ms per batch)",
            forward_median * 1e3
        );
        println!(
            "  training step:     {train_ips:8.1} images/s ({:.0} ms per step, mean {:.0} ms)",
            step_median * 1e3,
            step_mean * 1e3
        );
    }
}
