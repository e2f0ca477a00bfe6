//! `gan_core::conv` against Burn's own convolutions and against the definition summed in f64:
//! forward passes and both gradients, on random shapes, strides and paddings, on the CPU
//! (flex, where the weight gradients and the transposed convolution are ours) — and every case
//! that falls back to Burn.

use burn::prelude::*;
use burn::tensor::Distribution;
use burn::tensor::module;
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};
use gan_core::conv::weight_gradient::{
    ConvGeometry, conv_transpose2d_weight_gradient, conv2d_weight_gradient,
};
use gan_core::conv::{conv_transpose2d, conv2d};
use gan_core::device::{parse_device, seeded};

fn device() -> Device {
    parse_device("cpu").unwrap()
}

/// Largest |a - b| relative to the largest |b| (the reference).
fn relative(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len());
    let scale = b.iter().fold(0f64, |m, v| m.max(v.abs() as f64)).max(1e-30);
    a.iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).abs())
        .fold(0.0, f64::max)
        / scale
}

fn values(tensor: Tensor<4>) -> Vec<f32> {
    tensor.into_data().iter::<f32>().collect()
}

/// The forward output and the gradients of `sum(f(x, w) · g)` for x and w.
fn run(
    f: &dyn Fn(Tensor<4>, Tensor<4>) -> Tensor<4>,
    x: &Tensor<4>,
    w: &Tensor<4>,
    seed: u64,
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let xa = x.clone().autodiff().require_grad();
    let wa = w.clone().autodiff().require_grad();
    let y = f(xa.clone(), wa.clone());
    let g = seeded(&device(), seed, || {
        Tensor::<4>::random(y.dims(), Distribution::Normal(0.0, 1.0), &device())
    });
    let grads = (y.clone() * g.autodiff()).sum().backward();
    (
        values(y.inner()),
        values(xa.grad(&grads).unwrap()),
        values(wa.grad(&grads).unwrap()),
    )
}

/// The weight gradient of conv2d by its definition, in f64.
fn conv2d_weight_gradient_f64(x: &[f32], g: &[f32], geo: &ConvGeometry) -> Vec<f32> {
    let [h, w] = geo.input;
    let [oh, ow] = geo.output().unwrap();
    let [kh, kw] = geo.kernel;
    let mut out = vec![0f64; geo.channels_out * geo.channels_in * kh * kw];
    for b in 0..geo.batch {
        for co in 0..geo.channels_out {
            for ci in 0..geo.channels_in {
                for r in 0..kh {
                    for s in 0..kw {
                        let mut sum = 0f64;
                        for oy in 0..oh {
                            for ox in 0..ow {
                                let iy =
                                    (oy * geo.stride[0] + r) as isize - geo.padding[0] as isize;
                                let ix =
                                    (ox * geo.stride[1] + s) as isize - geo.padding[1] as isize;
                                if iy < 0 || ix < 0 || iy >= h as isize || ix >= w as isize {
                                    continue;
                                }
                                let xv = x[((b * geo.channels_in + ci) * h + iy as usize) * w
                                    + ix as usize];
                                let gv = g[((b * geo.channels_out + co) * oh + oy) * ow + ox];
                                sum += xv as f64 * gv as f64;
                            }
                        }
                        out[((co * geo.channels_in + ci) * kh + r) * kw + s] += sum;
                    }
                }
            }
        }
    }
    out.into_iter().map(|v| v as f32).collect()
}

/// Random convolution geometries: batch, channels, odd and even sizes, kernels 1–5,
/// strides 1–3, paddings 0–2 (kernel fits).
fn geometries() -> Vec<ConvGeometry> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut out = Vec::new();
    while out.len() < 12 {
        let kernel = [1 + next(5), 1 + next(5)];
        let geometry = ConvGeometry {
            batch: 1 + next(5),
            channels_in: 1 + next(6),
            channels_out: 1 + next(7),
            input: [3 + next(12), 3 + next(12)],
            kernel,
            stride: [1 + next(3), 1 + next(3)],
            padding: [next(3).min(kernel[0] - 1), next(3).min(kernel[1] - 1)],
        };
        if geometry.output().is_some() {
            out.push(geometry);
        }
    }
    // DCGAN's own shapes (kernel 4, stride 2, padding 1) and its last layer.
    out.push(ConvGeometry {
        batch: 3,
        channels_in: 3,
        channels_out: 8,
        input: [16, 16],
        kernel: [4, 4],
        stride: [2, 2],
        padding: [1, 1],
    });
    out.push(ConvGeometry {
        batch: 5,
        channels_in: 16,
        channels_out: 1,
        input: [4, 4],
        kernel: [4, 4],
        stride: [1, 1],
        padding: [0, 0],
    });
    out
}

fn random(shape: [usize; 4], seed: u64) -> Tensor<4> {
    seeded(&device(), seed, || {
        Tensor::random(shape, Distribution::Normal(0.0, 1.0), &device())
    })
}

#[test]
fn the_column_gemm_is_the_definition() {
    for (i, geo) in geometries().into_iter().enumerate() {
        let [oh, ow] = geo.output().unwrap();
        let x = values(random(
            [geo.batch, geo.channels_in, geo.input[0], geo.input[1]],
            i as u64,
        ));
        let g = values(random(
            [geo.batch, geo.channels_out, oh, ow],
            100 + i as u64,
        ));
        let ours = conv2d_weight_gradient(&x, &g, &geo);
        let reference = conv2d_weight_gradient_f64(&x, &g, &geo);
        let error = relative(&ours, &reference);
        assert!(error < 1e-5, "{geo:?}: {error:e}");
    }
}

#[test]
fn conv2d_matches_burn_forward_and_gradients() {
    for (i, geo) in geometries().into_iter().enumerate() {
        let x = random(
            [geo.batch, geo.channels_in, geo.input[0], geo.input[1]],
            i as u64,
        );
        let w = random(
            [
                geo.channels_out,
                geo.channels_in,
                geo.kernel[0],
                geo.kernel[1],
            ],
            50 + i as u64,
        );
        let options = ConvOptions::new(geo.stride, geo.padding, [1, 1], 1);
        let ours = run(&|x, w| conv2d(x, w, None, options.clone()), &x, &w, 9);
        let burn = run(
            &|x, w| module::conv2d(x, w, None, options.clone()),
            &x,
            &w,
            9,
        );
        for (name, a, b) in [
            ("forward", &ours.0, &burn.0),
            ("input gradient", &ours.1, &burn.1),
            ("weight gradient", &ours.2, &burn.2),
        ] {
            let error = relative(a, b);
            assert!(error < 1e-5, "{geo:?}: {name} {error:e}");
        }
        assert_ne!(ours.2, vec![0.0; ours.2.len()]);
    }
}

#[test]
fn conv_transpose2d_matches_burn_forward_and_gradients() {
    for (i, geo) in geometries().into_iter().enumerate() {
        let x = random(
            [geo.batch, geo.channels_in, geo.input[0], geo.input[1]],
            i as u64,
        );
        let w = random(
            [
                geo.channels_in,
                geo.channels_out,
                geo.kernel[0],
                geo.kernel[1],
            ],
            50 + i as u64,
        );
        let options = ConvTransposeOptions::new(geo.stride, geo.padding, [0, 0], [1, 1], 1);
        // Paddings larger than what the output keeps are not transposed convolutions.
        let out = |d: usize| (geo.input[d] - 1) * geo.stride[d] + geo.kernel[d];
        if out(0) <= 2 * geo.padding[0] || out(1) <= 2 * geo.padding[1] {
            continue;
        }
        let ours = run(
            &|x, w| conv_transpose2d(x, w, None, options.clone()),
            &x,
            &w,
            9,
        );
        let burn = run(
            &|x, w| module::conv_transpose2d(x, w, None, options.clone()),
            &x,
            &w,
            9,
        );
        for (name, a, b) in [
            ("forward", &ours.0, &burn.0),
            ("input gradient", &ours.1, &burn.1),
            ("weight gradient", &ours.2, &burn.2),
        ] {
            let error = relative(a, b);
            assert!(error < 1e-5, "{geo:?}: {name} {error:e}");
        }

        // And the transposed weight gradient by its definition.
        let [xs, gs] = [
            x.clone(),
            random(
                [
                    geo.batch,
                    geo.channels_out,
                    out(0) - 2 * geo.padding[0],
                    out(1) - 2 * geo.padding[1],
                ],
                200 + i as u64,
            ),
        ]
        .map(values);
        let direct = conv_transpose2d_weight_gradient(&xs, &gs, &geo);
        let forward = ConvGeometry {
            batch: geo.batch,
            channels_in: geo.channels_out,
            channels_out: geo.channels_in,
            input: [out(0) - 2 * geo.padding[0], out(1) - 2 * geo.padding[1]],
            kernel: geo.kernel,
            stride: geo.stride,
            padding: geo.padding,
        };
        let reference = conv2d_weight_gradient_f64(&gs, &xs, &forward);
        let error = relative(&direct, &reference);
        assert!(error < 1e-5, "{geo:?}: transposed, by definition {error:e}");
    }
}

/// A convolution's bias is added after the fast convolution: within 1e-5 of Burn's, with
/// gradients for the bias too.
#[test]
fn conv2d_with_bias_matches_burn() {
    let x = random([3, 4, 9, 7], 1);
    let w = random([6, 4, 3, 3], 2);
    let bias = random([1, 1, 1, 6], 3).reshape([6]);
    let options = ConvOptions::new([1, 2], [1, 1], [1, 1], 1);
    let run_with = |f: &dyn Fn(Tensor<4>, Tensor<4>, Tensor<1>) -> Tensor<4>| {
        let xa = x.clone().autodiff().require_grad();
        let wa = w.clone().autodiff().require_grad();
        let ba = bias.clone().autodiff().require_grad();
        let y = f(xa.clone(), wa.clone(), ba.clone());
        let g = random(y.dims(), 4).autodiff();
        let grads = (y.clone() * g).sum().backward();
        [
            values(y.inner()),
            values(xa.grad(&grads).unwrap()),
            values(wa.grad(&grads).unwrap()),
            ba.grad(&grads).unwrap().into_data().iter::<f32>().collect(),
        ]
    };
    let ours = run_with(&|x, w, b| conv2d(x, w, Some(b), options.clone()));
    let burn = run_with(&|x, w, b| module::conv2d(x, w, Some(b), options.clone()));
    for (name, (a, b)) in [
        "output",
        "input gradient",
        "weight gradient",
        "bias gradient",
    ]
    .into_iter()
    .zip(ours.iter().zip(&burn))
    {
        let error = relative(a, b);
        assert!(error < 1e-5, "{name}: {error:e}");
    }
}

/// What the fast path does not cover goes to Burn's functions and gives their results.
#[test]
fn uncovered_cases_fall_back_to_burn() {
    let x = random([2, 4, 9, 9], 1);
    let w = random([6, 4, 3, 3], 2);
    let bias = random([1, 1, 1, 6], 3).reshape([6]);
    let cases: Vec<(&str, ConvOptions<2>, Option<Tensor<1>>, Tensor<4>)> = vec![
        (
            "dilation",
            ConvOptions::new([1, 1], [2, 2], [2, 2], 1),
            None,
            w.clone(),
        ),
        (
            "groups",
            ConvOptions::new([1, 1], [1, 1], [1, 1], 2),
            None,
            random([6, 2, 3, 3], 4),
        ),
        (
            "asymmetric padding",
            ConvOptions::new_with_padding([1, 1], [(0, 2), (1, 0)], [1, 1], 1),
            None,
            w.clone(),
        ),
    ];
    for (name, options, bias, w) in cases {
        let ours = run(
            &|x, w| conv2d(x, w, bias.clone().map(|b| b.autodiff()), options.clone()),
            &x,
            &w,
            5,
        );
        let burn = run(
            &|x, w| module::conv2d(x, w, bias.clone().map(|b| b.autodiff()), options.clone()),
            &x,
            &w,
            5,
        );
        assert_eq!(ours, burn, "conv2d with {name}");
    }
    let wt = random([4, 6, 3, 3], 6);
    let cases: Vec<(&str, ConvTransposeOptions<2>, Option<Tensor<1>>, Tensor<4>)> = vec![
        (
            "bias",
            ConvTransposeOptions::new([2, 2], [1, 1], [0, 0], [1, 1], 1),
            Some(bias),
            wt.clone(),
        ),
        (
            "output padding",
            ConvTransposeOptions::new([2, 2], [1, 1], [1, 1], [1, 1], 1),
            None,
            wt.clone(),
        ),
        (
            "dilation",
            ConvTransposeOptions::new([1, 1], [1, 1], [0, 0], [2, 2], 1),
            None,
            wt.clone(),
        ),
        (
            "groups",
            ConvTransposeOptions::new([1, 1], [1, 1], [0, 0], [1, 1], 2),
            None,
            random([4, 3, 3, 3], 7),
        ),
    ];
    for (name, options, bias, w) in cases {
        let ours = run(
            &|x, w| conv_transpose2d(x, w, bias.clone().map(|b| b.autodiff()), options.clone()),
            &x,
            &w,
            5,
        );
        let burn = run(
            &|x, w| {
                module::conv_transpose2d(x, w, bias.clone().map(|b| b.autodiff()), options.clone())
            },
            &x,
            &w,
            5,
        );
        assert_eq!(ours, burn, "conv_transpose2d with {name}");
    }
}
