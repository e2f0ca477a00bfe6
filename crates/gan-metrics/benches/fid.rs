//! FID throughput on the default backend: (a) Inception pool features of 299x299 images
//! (preprocessing included), in images/s, and (b) the Fréchet distance of two 2048x2048
//! covariances (f64 eigendecompositions), in seconds.
//!
//! ```sh
//! cargo bench -p gan-metrics --bench fid                     # batch 16, 3 timed iterations, human-readable
//! cargo bench -p gan-metrics --bench fid -- --json           # one JSON line (scripts/bench/compare_fid.sh)
//! cargo bench -p gan-metrics --bench fid -- --batch 32 --iters 5 --device cpu|default --weights PATH
//! ```
//!
//! Uses the weights at `--weights`, `$GAN_INCEPTION_WEIGHTS` or `.cache/inception/default_1.pt`
//! when present, else the same network with random weights (the cost is the same).

use burn::prelude::*;
use burn::tensor::Distribution;
use gan_metrics::{
    FidExtractor, InceptionV3, Matrix, default_weights_path, frechet_distance, preprocess,
};
use std::time::Instant;

struct Options {
    batch: usize,
    iters: usize,
    device: String,
    weights: Option<String>,
    dim: usize,
    json: bool,
}

fn options() -> Options {
    let mut o = Options {
        batch: 16,
        iters: 3,
        device: "cpu".into(),
        weights: None,
        dim: 2048,
        json: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--batch" => o.batch = value().parse().expect("--batch N"),
            "--iters" => o.iters = value().parse().expect("--iters N"),
            "--device" => o.device = value(),
            "--weights" => o.weights = Some(value()),
            "--dim" => o.dim = value().parse().expect("--dim N"),
            "--json" => {
                o.json = true;
                i += 1;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A random symmetric positive semi-definite `dim x dim` covariance of `samples` vectors.
fn random_covariance(dim: usize, samples: usize, seed: u64) -> (Vec<f64>, Matrix) {
    let mut state = seed;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64).abs()
    };
    let x = Matrix::new(samples, dim, (0..samples * dim).map(|_| next()).collect()).unwrap();
    let mut cov = x.product(true, &x, false);
    for v in &mut cov.values {
        *v /= samples as f64;
    }
    ((0..dim).map(|_| next()).collect(), cov)
}

fn main() {
    let o = options();
    // `cpu`: flex; `default`: Burn's default device (set BURN_DEVICE=wgpu, cuda, … to pick).
    let device = match o.device.as_str() {
        "cpu" | "flex" => Device::flex(),
        "default" => Device::default(),
        other => panic!("--device takes cpu or default (with BURN_DEVICE={other}), got {other}"),
    };
    let weights = o
        .weights
        .clone()
        .map(Into::into)
        .unwrap_or_else(default_weights_path);
    let (model, pretrained) = if weights.is_file() {
        (
            FidExtractor::load(&weights, &device)
                .expect("weights")
                .model,
            true,
        )
    } else {
        (InceptionV3::init_random(&device), false)
    };

    let images = Tensor::<4>::random(
        [o.batch, 3, 299, 299],
        Distribution::Uniform(0.0, 255.0),
        &device,
    );
    let run = || {
        let features = model.forward(preprocess::to_network_input(images.clone()));
        let _ = features.into_data();
    };
    run(); // warm-up
    let mut times = Vec::new();
    for _ in 0..o.iters {
        let start = Instant::now();
        run();
        times.push(start.elapsed().as_secs_f64());
    }
    let features_ips = o.batch as f64 / median(times);

    let (mu1, s1) = random_covariance(o.dim, o.dim + 500, 1);
    let (mu2, s2) = random_covariance(o.dim, o.dim + 500, 2);
    let start = Instant::now();
    let fid = frechet_distance(&mu1, &s1, &mu2, &s2).expect("finite");
    let frechet_s = start.elapsed().as_secs_f64();

    if o.json {
        println!(
            "{{\"framework\":\"burn\",\"device\":\"{}\",\"batch\":{},\"iters\":{},\"pretrained\":{},\"features_images_per_s\":{:.3},\"frechet_dim\":{},\"frechet_seconds\":{:.3},\"frechet_value\":{:.6}}}",
            o.device, o.batch, o.iters, pretrained, features_ips, o.dim, frechet_s, fid
        );
    } else {
        println!(
            "FID bench, device {}, batch {}, {} timed iterations (median):",
            o.device, o.batch, o.iters
        );
        println!(
            "  Inception features ({}): {features_ips:.2} images/s",
            if pretrained {
                "default_1.pt"
            } else {
                "random weights"
            }
        );
        println!(
            "  Fréchet distance, {0}x{0} covariances: {frechet_s:.2} s",
            o.dim
        );
    }
}
