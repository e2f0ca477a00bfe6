//! Real-ESRGAN upscaling time on the default backend: one image through the network
//! (untiled, as `Tiling::Off`), for each model and input size asked for.
//!
//! Needs the official weights (`scripts/upscale/fetch_realesrgan_weights.sh`).
//!
//! ```sh
//! cargo bench --bench upscale                          # x4plus and animevideov3, 64 and 128
//! cargo bench --bench upscale -- --json                # JSON lines (scripts/bench/compare_upscale.sh)
//! cargo bench --bench upscale -- --models x4plus --sizes 128 --iters 3 --device cpu
//! ```

use burn::prelude::*;
use burn::tensor::Distribution;
use gan::core::device::parse_device;
use gan::core::realesrgan::RealEsrganModel;
use gan::train::upscale::default_weights_dir;
use gan::train::{Tiling, Upscaler};
use std::time::Instant;

struct Options {
    models: Vec<RealEsrganModel>,
    sizes: Vec<usize>,
    iters: usize,
    device: String,
    json: bool,
}

fn options() -> Options {
    let mut o = Options {
        models: vec![RealEsrganModel::X4plus, RealEsrganModel::Animevideov3],
        sizes: vec![64, 128],
        iters: 3,
        device: "cpu".into(),
        json: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--models" => {
                o.models = value()
                    .split(',')
                    .map(|m| RealEsrganModel::from_name(m).expect("--models x4plus,animevideov3"))
                    .collect()
            }
            "--sizes" => {
                o.sizes = value()
                    .split(',')
                    .map(|s| s.parse().expect("--sizes 64,128"))
                    .collect()
            }
            "--iters" => o.iters = value().parse().expect("--iters N"),
            "--device" => o.device = value(),
            "--json" => {
                o.json = true;
                i += 1;
                continue;
            }
            _ => {
                i += 1; // cargo's own flags (--bench) and anything else
                continue;
            }
        }
        i += 2;
    }
    o
}

fn main() {
    let o = options();
    let device = parse_device(&o.device).unwrap_or_else(|e| panic!("{e}"));
    let dir = default_weights_dir();
    for model in &o.models {
        let upscaler = match Upscaler::load(*model, &dir, &device) {
            Ok(upscaler) => upscaler.with_tiling(Tiling::Off),
            Err(error) => {
                eprintln!("{error}");
                std::process::exit(1);
            }
        };
        for &size in &o.sizes {
            device.seed(0);
            let input = Tensor::<4>::random([1, 3, size, size], Distribution::Default, &device);
            let mut seconds = Vec::new();
            for i in 0..o.iters + 1 {
                let start = Instant::now();
                let output = upscaler.upscale_tensor(input.clone());
                let _: f32 = output.sum().into_scalar();
                if i >= 1 {
                    seconds.push(start.elapsed().as_secs_f64());
                }
            }
            seconds.sort_by(f64::total_cmp);
            let median = seconds[seconds.len() / 2];
            if o.json {
                println!(
                    "{{\"framework\":\"burn\",\"device\":\"{}\",\"model\":\"{}\",\"size\":{},\"iters\":{},\"seconds_median\":{:.4}}}",
                    o.device, model, size, o.iters, median
                );
            } else {
                println!(
                    "{model:>13} {size:>4}x{size:<4} -> {0}x{0}: {median:7.3} s per image (median of {1})",
                    size * 4,
                    o.iters
                );
            }
        }
    }
}
