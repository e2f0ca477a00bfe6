//! `gan_core::batch_norm::batch_norm` against `BatchNorm::forward`: outputs, the gradients of
//! input, gamma and beta, and the running statistics after a few training steps, within 1e-5
//! relative; inference (one pass of scale and shift, with or without ReLU) too.

use burn::module::Param;
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::prelude::*;
use burn::tensor::Distribution;
use gan_core::batch_norm::{batch_norm, batch_norm_relu};
use gan_core::device::{parse_device, seeded};

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().iter::<f32>().collect()
}

/// Largest |a - b| relative to the largest |b|, or to 1e-3 when everything is smaller (two
/// samples per channel make the input gradient zero up to rounding).
fn relative(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len());
    let scale = b.iter().fold(0f64, |m, v| m.max(v.abs() as f64)).max(1e-3);
    a.iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).abs())
        .fold(0.0, f64::max)
        / scale
}

/// A BatchNorm with random gamma and beta (the same for every call with one seed).
fn layer(channels: usize, device: &Device) -> BatchNorm {
    let mut norm = BatchNormConfig::new(channels).init(device);
    let (gamma, beta) = seeded(device, 5, || {
        (
            Tensor::<1>::random([channels], Distribution::Uniform(0.5, 1.5), device),
            Tensor::<1>::random([channels], Distribution::Uniform(-0.5, 0.5), device),
        )
    });
    norm.gamma = Param::from_tensor(gamma);
    norm.beta = Param::from_tensor(beta);
    norm
}

#[test]
fn training_and_inference_match_burn() {
    let device = parse_device("cpu").unwrap().autodiff();
    for (shape, seed) in [([4, 3, 5, 7], 1), ([16, 32, 8, 8], 2), ([3, 8, 2, 1], 3)] {
        let ours_layer = layer(shape[1], &device);
        let burn_layer = layer(shape[1], &device);
        for step in 0..3u64 {
            let (x, g) = seeded(&device, seed * 10 + step, || {
                (
                    Tensor::<4>::random(shape, Distribution::Normal(0.3, 2.0), &device),
                    Tensor::<4>::random(shape, Distribution::Normal(0.0, 1.0), &device),
                )
            });
            let run = |norm: &BatchNorm, fast: bool| {
                let xa = x.clone().detach().require_grad();
                let y = if fast {
                    batch_norm(norm, xa.clone())
                } else {
                    norm.forward(xa.clone())
                };
                let grads = (y.clone() * g.clone()).sum().backward();
                [
                    values(y.inner()),
                    values(xa.grad(&grads).unwrap()),
                    values(norm.gamma.val().grad(&grads).unwrap()),
                    values(norm.beta.val().grad(&grads).unwrap()),
                ]
            };
            let ours = run(&ours_layer, true);
            let burn = run(&burn_layer, false);
            for (name, a, b) in [
                "output",
                "input gradient",
                "gamma gradient",
                "beta gradient",
            ]
            .into_iter()
            .zip(&ours)
            .zip(&burn)
            .map(|((n, a), b)| (n, a, b))
            {
                let error = relative(a, b);
                assert!(error < 1e-5, "{shape:?} step {step}: {name} {error:e}");
            }
        }
        for (ours, burn) in [
            (&ours_layer.running_mean, &burn_layer.running_mean),
            (&ours_layer.running_var, &burn_layer.running_var),
        ] {
            let (a, b) = (values(ours.value()), values(burn.value()));
            assert!(relative(&a, &b) < 1e-5, "{shape:?}: running statistics");
            assert!(a.iter().any(|&v| v != 0.0 && v != 1.0), "statistics moved");
        }
        // Inference: one scale and shift per channel, with or without the ReLU.
        let x = seeded(&device, 9, || {
            Tensor::<4>::random(shape, Distribution::Normal(0.0, 1.0), &device)
        });
        let (ours, burn) = (ours_layer.valid(), burn_layer.valid());
        let xi = x.inner();
        let (a, b) = (
            values(batch_norm(&ours, xi.clone())),
            values(burn.forward(xi.clone())),
        );
        assert!(relative(&a, &b) < 1e-5, "{shape:?}: inference");
        let (a, b) = (
            values(batch_norm_relu(&ours, xi.clone())),
            values(burn::tensor::activation::relu(burn.forward(xi.clone()))),
        );
        assert!(relative(&a, &b) < 1e-5, "{shape:?}: inference with ReLU");
        // A tensor held nowhere else is normalised in place; its source is untouched.
        let before = values(xi.clone());
        let in_place = values(batch_norm_relu(&ours, xi.clone().mul_scalar(1.0)));
        assert!(relative(&in_place, &b) < 1e-5, "{shape:?}: in place");
        assert_eq!(values(xi.clone()), before);
        assert!(a.contains(&0.0) && a.iter().all(|&v| v >= 0.0));
    }
}
