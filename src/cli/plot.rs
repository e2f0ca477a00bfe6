//! `gan plot`: a run's pictures, redrawn from its folder. Training draws them itself; this
//! redraws them for a run that was stopped, or trained before they existed.

use super::error::Error;
use gan::train::{LearningCurveConfig, ProgressGifConfig, RunFolder};
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

impl PlotArgs {
    /// Redraws `learning_curve.png` and `progress.gif` in the run folder; returns both paths.
    pub fn run(&self) -> Result<Vec<PathBuf>, Error> {
        let run = RunFolder::new(&self.run);
        if !run.metrics().is_file() {
            return Err(Error::Usage(format!(
                "{} is not a run folder: it has no {}",
                self.run.display(),
                RunFolder::METRICS
            )));
        }
        let curve = LearningCurveConfig::new().refresh(&run)?;
        let gif = run.progress_gif();
        ProgressGifConfig::new()
            .with_frame_delay_ms(self.frame_ms)
            .assemble(&run.samples(), &gif)?;
        Ok(vec![curve, gif])
    }
}
