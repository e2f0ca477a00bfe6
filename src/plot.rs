//! A run's pictures, redrawn from its folder: what `gan plot` runs. Training draws them
//! itself; this redraws them for a run that was stopped, or trained before they existed.

use crate::Error;
use gan_train::{LearningCurveConfig, PROGRESS_GIF_FILE, ProgressGifConfig};
use std::path::PathBuf;

/// The options of `gan plot`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct PlotArgs {
    /// A run folder (holding metrics.csv and samples/).
    #[arg(value_name = "RUN")]
    pub run: PathBuf,
    /// How long each frame of progress.gif shows, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 250)]
    pub frame_ms: u32,
}

/// Redraws `learning_curve.png` and `progress.gif` in the run folder; returns both paths.
pub fn run(args: &PlotArgs) -> Result<Vec<PathBuf>, Error> {
    if !args.run.join("metrics.csv").is_file() {
        return Err(Error::Usage(format!(
            "{} is not a run folder: it has no metrics.csv",
            args.run.display()
        )));
    }
    let curve = LearningCurveConfig::new().refresh(&args.run)?;
    let gif = args.run.join(PROGRESS_GIF_FILE);
    ProgressGifConfig::new()
        .with_frame_delay_ms(args.frame_ms)
        .assemble(&args.run.join("samples"), &gif)?;
    Ok(vec![curve, gif])
}
