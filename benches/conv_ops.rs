//! The convolutions of DCGAN's two networks, one by one, on the default backend: each layer's
//! forward pass, its input gradient and its weight gradient, in milliseconds and GFLOP/s. The
//! same shapes through `torch.nn.functional` are in `scripts/bench/pytorch_conv_ops.py`;
//! `scripts/bench/compare_conv_ops.sh` runs both in one invocation.
//!
//! ```sh
//! cargo bench --bench conv_ops                         # batch 64, 64x64, a table
//! cargo bench --bench conv_ops -- --json               # one JSON line per layer
//! cargo bench --bench conv_ops -- --size 128 --batch 32 --iters 5
//! ```
//!
//! The gradients are timed as autodiff runs them: the forward pass is built untimed, then
//! `backward` of `sum(y · g)` for a fixed random `g` is timed, once with only the input
//! requiring a gradient and once with only the weight. Each is timed through Burn's functions
//! (`burn::tensor::module`) and through `gan::core::conv`, the networks' path (on flex: the
//! transposed convolution and the weight gradients are ours, the rest flex's).

use burn::prelude::*;
use burn::tensor::Distribution;
use burn::tensor::module::{conv_transpose2d, conv2d};
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};
use gan::core::conv;
use gan::core::device::parse_device;
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
        iters: common::arg("--iters", 5),
        device: common::arg("--device", "cpu".to_string()),
        json: common::flag("--json"),
    }
}

/// One convolution of the networks: kernel 4, as DCGAN's.
struct Layer {
    name: String,
    transposed: bool,
    c_in: usize,
    c_out: usize,
    /// Input height and width.
    input: usize,
    stride: usize,
    padding: usize,
}

impl Layer {
    fn output(&self) -> usize {
        if self.transposed {
            (self.input - 1) * self.stride + 4 - 2 * self.padding
        } else {
            (self.input + 2 * self.padding - 4) / self.stride + 1
        }
    }

    /// Multiply-adds × 2 of the forward pass (each gradient costs the same).
    fn flops(&self, batch: usize) -> f64 {
        let spatial = if self.transposed {
            self.input
        } else {
            self.output()
        };
        2.0 * (batch * self.c_in * self.c_out * 16 * spatial * spatial) as f64
    }

    fn weight_shape(&self) -> [usize; 4] {
        if self.transposed {
            [self.c_in, self.c_out, 4, 4]
        } else {
            [self.c_out, self.c_in, 4, 4]
        }
    }

    /// The layer through Burn's functions, or through `gan::core::conv` (`ours`).
    fn apply(&self, x: Tensor<4>, w: Tensor<4>, ours: bool) -> Tensor<4> {
        let (s, p) = (self.stride, self.padding);
        let transposed = ConvTransposeOptions::new([s, s], [p, p], [0, 0], [1, 1], 1);
        let plain = ConvOptions::new([s, s], [p, p], [1, 1], 1);
        match (self.transposed, ours) {
            (true, false) => conv_transpose2d(x, w, None, transposed),
            (true, true) => conv::conv_transpose2d(x, w, None, transposed),
            (false, false) => conv2d(x, w, None, plain),
            (false, true) => conv::conv2d(x, w, None, plain),
        }
    }
}

/// DCGAN's convolutions at `size` (feature maps 64, latent 100).
fn layers(size: usize) -> Vec<Layer> {
    let stages = size.trailing_zeros() as usize - 2;
    let mut out = Vec::new();
    let mut c = 3;
    let mut s = size;
    for stage in 0..stages {
        let c_out = 64 << stage;
        out.push(Layer {
            name: format!("D{}", stage + 1),
            transposed: false,
            c_in: c,
            c_out,
            input: s,
            stride: 2,
            padding: 1,
        });
        c = c_out;
        s /= 2;
    }
    out.push(Layer {
        name: format!("D{}", stages + 1),
        transposed: false,
        c_in: c,
        c_out: 1,
        input: 4,
        stride: 1,
        padding: 0,
    });
    let top = 64 << (stages - 1);
    out.push(Layer {
        name: "G1".into(),
        transposed: true,
        c_in: 100,
        c_out: top,
        input: 1,
        stride: 1,
        padding: 0,
    });
    let mut c = top;
    let mut s = 4;
    for stage in 1..=stages {
        let c_out = if stage == stages { 3 } else { c / 2 };
        out.push(Layer {
            name: format!("G{}", stage + 1),
            transposed: true,
            c_in: c,
            c_out,
            input: s,
            stride: 2,
            padding: 1,
        });
        c = c_out;
        s *= 2;
    }
    out
}

/// Median seconds of `run` over `iters` timed calls after two warm-up calls.
fn time(iters: usize, mut run: impl FnMut() -> f64) -> f64 {
    let mut seconds = Vec::new();
    for i in 0..iters + 2 {
        let s = run();
        if i >= 2 {
            seconds.push(s);
        }
    }
    common::median(seconds)
}

fn main() {
    let o = options();
    let device = parse_device(&o.device).unwrap_or_else(|e| panic!("{e}"));
    device.seed(0);
    if !o.json {
        println!(
            "DCGAN {0}x{0} convolutions, batch {1}, device {2}, median of {3} (ms, GFLOP/s):",
            o.size, o.batch, o.device, o.iters
        );
        println!(
            "{:<4} {:>17} {:>5} {:>7} {:>20} {:>20} {:>20}",
            "", "channels", "in", "GFLOP", "forward", "input grad", "weight grad"
        );
        println!(
            "{:<35} {:>20} {:>20} {:>20}",
            "", "burn ours GFLOP/s", "burn ours GFLOP/s", "burn ours GFLOP/s"
        );
    }
    let mut totals = [0.0f64; 6];
    for layer in layers(o.size) {
        let x_shape = [o.batch, layer.c_in, layer.input, layer.input];
        let out = layer.output();
        let x = Tensor::<4>::random(x_shape, Distribution::Normal(0.0, 1.0), &device);
        let w = Tensor::<4>::random(
            layer.weight_shape(),
            Distribution::Normal(0.0, 0.02),
            &device,
        );
        let g = Tensor::<4>::random(
            [o.batch, layer.c_out, out, out],
            Distribution::Normal(0.0, 1.0),
            &device,
        );

        let forward = |ours: bool| {
            time(o.iters, || {
                let start = Instant::now();
                let y = layer.apply(x.clone(), w.clone(), ours);
                let _: f32 = y.slice([0..1, 0..1, 0..1, 0..1]).into_scalar();
                start.elapsed().as_secs_f64()
            })
        };
        let gradient = |input_grad: bool, ours: bool| {
            time(o.iters, || {
                let (mut xa, mut wa) = (x.clone().autodiff(), w.clone().autodiff());
                if input_grad {
                    xa = xa.require_grad();
                } else {
                    wa = wa.require_grad();
                }
                let loss = (layer.apply(xa.clone(), wa.clone(), ours) * g.clone().autodiff()).sum();
                let start = Instant::now();
                let grads = loss.backward();
                let grad = if input_grad {
                    xa.grad(&grads)
                } else {
                    wa.grad(&grads)
                };
                let _: f32 = grad.unwrap().slice([0..1, 0..1, 0..1, 0..1]).into_scalar();
                start.elapsed().as_secs_f64()
            })
        };
        // [forward, input gradient, weight gradient] through Burn's functions, then ours.
        let burn = [
            forward(false),
            gradient(true, false),
            gradient(false, false),
        ];
        let ours = [forward(true), gradient(true, true), gradient(false, true)];
        let gflop = layer.flops(o.batch) / 1e9;
        for (total, t) in totals.iter_mut().zip(burn.iter().chain(&ours)) {
            *total += t;
        }
        if o.json {
            println!(
                "{{\"framework\":\"burn\",\"layer\":\"{}\",\"transposed\":{},\"c_in\":{},\"c_out\":{},\"input\":{},\"batch\":{},\"gflop\":{:.4},\"forward_ms\":{:.3},\"input_grad_ms\":{:.3},\"weight_grad_ms\":{:.3},\"ours_forward_ms\":{:.3},\"ours_input_grad_ms\":{:.3},\"ours_weight_grad_ms\":{:.3}}}",
                layer.name,
                layer.transposed,
                layer.c_in,
                layer.c_out,
                layer.input,
                o.batch,
                gflop,
                burn[0] * 1e3,
                burn[1] * 1e3,
                burn[2] * 1e3,
                ours[0] * 1e3,
                ours[1] * 1e3,
                ours[2] * 1e3
            );
        } else {
            let cell =
                |b: f64, t: f64| format!("{:6.1} {:6.1} {:5.0}", b * 1e3, t * 1e3, gflop / t);
            println!(
                "{:<4} {:>8} -> {:<5} {:>5} {:>7.2} {:>20} {:>20} {:>20}",
                layer.name,
                layer.c_in,
                layer.c_out,
                layer.input,
                gflop,
                cell(burn[0], ours[0]),
                cell(burn[1], ours[1]),
                cell(burn[2], ours[2])
            );
        }
    }
    if !o.json {
        println!(
            "all  forward {:.0} -> {:.0} ms, input gradients {:.0} -> {:.0} ms, weight gradients {:.0} -> {:.0} ms (burn -> ours)",
            totals[0] * 1e3,
            totals[3] * 1e3,
            totals[1] * 1e3,
            totals[4] * 1e3,
            totals[2] * 1e3,
            totals[5] * 1e3
        );
    }
}
