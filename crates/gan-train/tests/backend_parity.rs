//! The same model gives the same numbers on the GPU backends as on the CPU (flex): the same
//! weights and inputs, copied from the CPU, through generator and discriminator forward, the
//! losses, one optimizer step of each network (the training loop's own update functions), and
//! the WGAN-GP penalty with its weight gradients, and the FID Inception network's features
//! (FID during training runs it on the training device). Small shapes (batch 2, 32x32) keep it
//! quick on lavapipe, Mesa's software Vulkan, in CI.
//!
//! Built with `--features wgpu` (or `cuda`); `GAN_PARITY_DEVICE` picks the device to compare
//! (default `wgpu`; `cuda` on a GPU machine).
//!
//! Tolerances: forward values and losses within 1e-4 of the CPU's, relative to the largest
//! magnitude of the tensor compared (GPU kernels sum in another order); after one Adam step,
//! parameters within 1e-5 (5% of one step of 2e-4) for at least 99.9% of them and within one
//! step (Adam's `g / sqrt(v)` turns a gradient's sign for gradients near zero) for all.
#![cfg(any(feature = "wgpu", feature = "cuda"))]

use burn::data::dataloader::batcher::Batcher;
use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;
use gan_core::dcgan::{
    DcganDiscriminator, DcganDiscriminatorConfig, DcganGenerator, DcganGeneratorConfig,
};
use gan_core::device::{parse_device, seeded};
use gan_core::loss::{LabelConfig, gradient_penalty};
use gan_core::wgan::{CriticNorm, DcganCriticConfig};
use gan_core::{Discriminator, Generator};
use gan_data::{Dataset, PaintingBatch, PaintingBatcher, ProceduralPaintingsConfig};
use gan_train::{
    AdamSettings, NonSaturating, Objective, PenaltyGradient, StepRandom, WassersteinGp,
    discriminator_update, generator_update,
};
use std::collections::BTreeMap;

const SIZE: usize = 32;
const BATCH: usize = 2;
const LR: f64 = 2e-4;

fn devices() -> (Device, Device) {
    let name = std::env::var("GAN_PARITY_DEVICE").unwrap_or_else(|_| "wgpu".into());
    let target = parse_device(&name).unwrap_or_else(|e| panic!("parity device {name}: {e}"));
    println!("comparing flex with {name}");
    (parse_device("flex").unwrap(), target)
}

/// Every float parameter's values, by module path.
struct Collect {
    path: Vec<String>,
    out: BTreeMap<String, Vec<f32>>,
    grads: Option<burn::tensor::Gradients>,
}

impl ModuleVisitor for Collect {
    fn enter_module(&mut self, name: &str, _: &str) {
        self.path.push(name.to_string());
    }
    fn exit_module(&mut self, _: &str, _: &str) {
        self.path.pop();
    }
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.val();
        let values = match &self.grads {
            Some(grads) => match tensor.grad(grads) {
                Some(g) => g.into_data().iter::<f32>().collect(),
                None => vec![0.0; tensor.shape().num_elements()],
            },
            None => tensor.into_data().iter::<f32>().collect(),
        };
        self.out.insert(self.path.join("."), values);
    }
}

fn params<M: Module>(
    module: &M,
    grads: Option<burn::tensor::Gradients>,
) -> BTreeMap<String, Vec<f32>> {
    let mut collect = Collect {
        path: Vec::new(),
        out: BTreeMap::new(),
        grads,
    };
    module.visit(&mut collect);
    collect.out
}

fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().convert::<f32>().iter::<f32>().collect()
}

/// Max |a - b| over the largest |b| (at least 1e-6).
fn relative_error(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    let scale = b.iter().fold(1e-6f32, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
        / scale
}

fn assert_close<const D: usize>(what: &str, target: Tensor<D>, cpu: Tensor<D>, tolerance: f32) {
    let (t, c) = (values(target), values(cpu));
    assert!(
        t.iter().all(|v| v.is_finite()),
        "{what}: non-finite values on the target"
    );
    let error = relative_error(&t, &c);
    println!("{what}: relative error {error:.2e}");
    assert!(
        error <= tolerance,
        "{what}: relative error {error:e} over {tolerance:e}"
    );
}

/// After one step, parameters agree within 1e-5 for 99.9% and within one step for all.
fn assert_step_close(
    what: &str,
    target: &BTreeMap<String, Vec<f32>>,
    cpu: &BTreeMap<String, Vec<f32>>,
) {
    assert_eq!(
        target.keys().collect::<Vec<_>>(),
        cpu.keys().collect::<Vec<_>>()
    );
    let (mut total, mut loose, mut worst) = (0usize, 0usize, 0f32);
    for (name, c) in cpu {
        for (a, b) in target[name].iter().zip(c) {
            let d = (a - b).abs();
            total += 1;
            loose += usize::from(d > 1e-5);
            worst = worst.max(d);
        }
    }
    println!("{what}: {loose} of {total} parameters differ by more than 1e-5; worst {worst:.2e}");
    assert!(
        loose * 1000 <= total,
        "{what}: {loose} of {total} parameters off by more than 1e-5"
    );
    assert!(
        worst <= LR as f32 * 1.01,
        "{what}: a parameter is off by {worst:e}, over one step"
    );
}

fn real_batch(device: &Device) -> PaintingBatch {
    let set = ProceduralPaintingsConfig::new()
        .with_len(BATCH)
        .init(SIZE)
        .unwrap();
    let items = (0..BATCH).map(|i| set.get(i).unwrap()).collect();
    PaintingBatcher::new().batch(items, device)
}

fn dcgan(device: &Device) -> (DcganGenerator, DcganDiscriminator) {
    seeded(device, 11, || {
        (
            DcganGeneratorConfig::new()
                .with_image_size(SIZE)
                .with_feature_maps(8)
                .with_latent_dim(16)
                .init(device)
                .unwrap(),
            DcganDiscriminatorConfig::new()
                .with_image_size(SIZE)
                .with_feature_maps(8)
                .init(device)
                .unwrap(),
        )
    })
}

#[test]
fn dcgan_forward_losses_and_one_training_step_match_the_cpu() {
    let (cpu, target) = devices();
    let (cpu, target) = (cpu.autodiff(), target.autodiff());
    let (g_cpu, d_cpu) = dcgan(&cpu);
    let (g_gpu, d_gpu) = (g_cpu.clone().fork(&target), d_cpu.clone().fork(&target));
    assert_eq!(
        params(&g_gpu, None),
        params(&g_cpu, None),
        "weights copied exactly"
    );

    // Forward, training mode (batch statistics) and inference mode (running statistics).
    let random = StepRandom::new(5);
    let z_cpu = random.normal(0, [BATCH, 16], &cpu);
    let z_gpu = random.normal(0, [BATCH, 16], &target);
    assert_eq!(
        values(z_gpu.clone()),
        values(z_cpu.clone()),
        "host-drawn noise is identical"
    );
    let fake_cpu = g_cpu.generate(z_cpu.clone());
    let fake_gpu = g_gpu.generate(z_gpu.clone());
    assert_close(
        "generator forward (train mode)",
        fake_gpu.clone(),
        fake_cpu.clone(),
        1e-4,
    );
    assert_close(
        "generator forward (eval mode)",
        g_gpu.valid().generate(z_gpu.inner()),
        g_cpu.valid().generate(z_cpu.inner()),
        1e-4,
    );
    let real_cpu = real_batch(&cpu);
    let real_gpu = real_batch(&target);
    assert_close(
        "discriminator forward",
        d_gpu.logits(real_gpu.images.clone()),
        d_cpu.logits(real_cpu.images.clone()),
        1e-4,
    );

    // The losses of one discriminator and one generator step.
    let objective = NonSaturating::new(LabelConfig::new().with_smoothing(0.1)).unwrap();
    let step_cpu =
        objective.discriminator_step(&d_cpu, &real_cpu, fake_cpu.clone().detach(), &random);
    let step_gpu =
        objective.discriminator_step(&d_gpu, &real_gpu, fake_gpu.clone().detach(), &random);
    assert_close("discriminator loss", step_gpu.loss, step_cpu.loss, 1e-4);
    assert_close("D(x)", step_gpu.real_score, step_cpu.real_score, 1e-4);
    assert_close("D(G(z))", step_gpu.fake_score, step_cpu.fake_score, 1e-4);

    // One optimizer step of each network, through the training loop's own update functions.
    let adam = AdamSettings::new();
    let (mut opt_d_cpu, mut opt_d_gpu) = (adam.init(), adam.init());
    let (mut opt_g_cpu, mut opt_g_gpu) = (adam.init(), adam.init());
    let (d_cpu, _, fake_cpu) = discriminator_update(
        &g_cpu,
        d_cpu,
        &mut opt_d_cpu,
        &objective,
        &real_cpu,
        &random,
        LR,
    );
    let (d_gpu, _, fake_gpu) = discriminator_update(
        &g_gpu,
        d_gpu,
        &mut opt_d_gpu,
        &objective,
        &real_gpu,
        &random,
        LR,
    );
    assert_step_close(
        "discriminator after one Adam step",
        &params(&d_gpu, None),
        &params(&d_cpu, None),
    );
    let (g_cpu, g_step_cpu) = generator_update(
        g_cpu,
        &mut opt_g_cpu,
        &d_cpu,
        &objective,
        fake_cpu,
        &real_cpu,
        &random,
        LR,
    );
    let (g_gpu, g_step_gpu) = generator_update(
        g_gpu,
        &mut opt_g_gpu,
        &d_gpu,
        &objective,
        fake_gpu,
        &real_gpu,
        &random,
        LR,
    );
    assert_close("generator loss", g_step_gpu.loss, g_step_cpu.loss, 1e-4);
    assert_step_close(
        "generator after one Adam step",
        &params(&g_gpu, None),
        &params(&g_cpu, None),
    );
}

#[test]
fn wgan_gp_penalty_and_its_weight_gradients_match_the_cpu() {
    let (cpu, target) = devices();
    let (cpu, target) = (cpu.autodiff(), target.autodiff());
    for norm in [CriticNorm::None, CriticNorm::Layer] {
        let critic_cpu = seeded(&cpu, 3, || {
            DcganCriticConfig::new()
                .with_image_size(SIZE)
                .with_feature_maps(8)
                .with_norm(norm)
                .init(&cpu)
                .unwrap()
        });
        let critic_gpu = critic_cpu.clone().fork(&target);
        let random = StepRandom::new(9);
        let real = |d: &Device| real_batch(d).images;
        let fake = |d: &Device| random.uniform(1, [BATCH, 3, SIZE, SIZE], d) * 2.0 - 1.0;
        let epsilon = |d: &Device| random.uniform(2, [BATCH], d);
        let gp_cpu = gradient_penalty(&critic_cpu, real(&cpu), fake(&cpu), epsilon(&cpu));
        let gp_gpu = gradient_penalty(&critic_gpu, real(&target), fake(&target), epsilon(&target));
        assert_close(
            &format!("{norm:?} critic: mean gradient norm"),
            gp_gpu.mean_gradient_norm,
            gp_cpu.mean_gradient_norm,
            1e-4,
        );
        assert_close(
            &format!("{norm:?} critic: penalty"),
            gp_gpu.value.clone(),
            gp_cpu.value.clone(),
            1e-4,
        );
        let grads_cpu = params(&critic_cpu, Some(gp_cpu.value.backward()));
        let grads_gpu = params(&critic_gpu, Some(gp_gpu.value.backward()));
        for (name, c) in &grads_cpu {
            let error = relative_error(&grads_gpu[name], c);
            assert!(
                error <= 1e-3,
                "{norm:?} critic: penalty gradient of {name} off by {error:e}"
            );
        }
        println!(
            "{norm:?} critic: {} weight gradients within 1e-3",
            grads_cpu.len()
        );

        // And one full critic update of the WGAN-GP objective.
        let objective = WassersteinGp::new(10.0, 5, PenaltyGradient::Exact).unwrap();
        let generator = |d: &Device| {
            seeded(d, 4, || {
                DcganGeneratorConfig::new()
                    .with_image_size(SIZE)
                    .with_feature_maps(8)
                    .with_latent_dim(16)
                    .init(d)
                    .unwrap()
            })
        };
        let g_cpu = generator(&cpu);
        let g_gpu = g_cpu.clone().fork(&target);
        let adam = AdamSettings::new().with_beta_2(0.9);
        let (mut opt_cpu, mut opt_gpu) = (adam.init(), adam.init());
        let (c_cpu, s_cpu, _) = discriminator_update(
            &g_cpu,
            critic_cpu,
            &mut opt_cpu,
            &objective,
            &real_batch(&cpu),
            &random,
            LR,
        );
        let (c_gpu, s_gpu, _) = discriminator_update(
            &g_gpu,
            critic_gpu,
            &mut opt_gpu,
            &objective,
            &real_batch(&target),
            &random,
            LR,
        );
        assert_close(
            &format!("{norm:?} critic: WGAN-GP loss"),
            s_gpu.loss,
            s_cpu.loss,
            1e-4,
        );
        assert_step_close(
            &format!("{norm:?} critic after one Adam step"),
            &params(&c_gpu, None),
            &params(&c_cpu, None),
        );
    }
}

mod common;

#[test]
fn fid_inception_features_match_the_cpu() {
    use gan_metrics::{FEATURES, FidExtractor, InceptionV3};
    let (cpu, target) = devices();
    // The real network when its weights are here (CI fetches them), else random weights.
    let (on_cpu, on_target) = match common::inception_weights() {
        Some(weights) => (
            FidExtractor::load(&weights, &cpu).unwrap().model,
            FidExtractor::load(&weights, &target).unwrap().model,
        ),
        None => {
            let model = seeded(&cpu, 3, || InceptionV3::init_random(&cpu));
            (model.clone(), model.fork(&target))
        }
    };
    let extractor = |model: InceptionV3, device: &Device| FidExtractor {
        model,
        device: device.clone(),
        weights_sha256: String::new(),
    };
    let (on_cpu, on_target) = (extractor(on_cpu, &cpu), extractor(on_target, &target));
    // Images as a generator gives them, [-1, 1] at 32x32: quantised, resized to 299, features.
    let features_cpu = on_cpu.features_of_generated(real_batch(&cpu).images);
    let features_target = on_target.features_of_generated(real_batch(&target).images);
    assert_eq!(features_target.dims(), [BATCH, FEATURES]);
    assert_close(
        "Inception pool features",
        features_target,
        features_cpu,
        1e-4,
    );
}

#[test]
fn realesrgan_networks_and_tiled_upscaling_match_the_cpu() {
    use gan_core::realesrgan::{RealEsrgan, RrdbNetConfig, SrVggNetCompactConfig};
    use gan_train::{Tiling, Upscaler};
    let (cpu, target) = devices();
    let rrdb = seeded(&cpu, 7, || {
        RrdbNetConfig::new()
            .with_num_feat(8)
            .with_num_block(1)
            .with_num_grow_ch(4)
            .init(&cpu)
            .unwrap()
    });
    let srvgg = seeded(&cpu, 8, || {
        SrVggNetCompactConfig::new()
            .with_num_feat(8)
            .with_num_conv(2)
            .init(&cpu)
            .unwrap()
    });
    for (name, network) in [
        ("RRDBNet", RealEsrgan::Rrdb(rrdb)),
        ("SRVGGNetCompact", RealEsrgan::Compact(srvgg)),
    ] {
        let x = seeded(&cpu, 11, || {
            Tensor::<4>::random([2, 3, 12, 10], burn::tensor::Distribution::Default, &cpu)
        });
        let on_target = network.clone().fork(&target);
        let cpu_out = network.forward(x.clone());
        assert_close(
            name,
            on_target.forward(x.clone().to_device(&target)),
            cpu_out,
            1e-4,
        );
        let tiled = |network: RealEsrgan, device: &Device| {
            Upscaler::new(network, name, device)
                .with_tiling(Tiling::Size(8))
                .with_tile_pad(2)
                .upscale_tensor(x.clone().to_device(device))
        };
        assert_close(
            &format!("{name}, tiled"),
            tiled(on_target, &target),
            tiled(network, &cpu),
            1e-4,
        );
    }
}
