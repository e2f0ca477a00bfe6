//! What a finished run did and where it left its files.

use crate::output::fid_log::FidPoint;
use crate::output::metrics::StepMetrics;
use std::fmt;
use std::path::PathBuf;

/// The networks after training (on the autodiff device).
#[derive(Debug)]
pub struct TrainedModels<G, D> {
    /// The generator.
    pub generator: G,
    /// The discriminator.
    pub discriminator: D,
}

/// What a finished run did and where it left its files. Its `Display` is the summary the
/// `gan` program prints.
#[derive(Debug, Clone)]
pub struct TrainingSummary {
    /// Generator steps done in total (including those before a resume).
    pub steps: usize,
    /// The metrics of each step this call ran.
    pub history: Vec<StepMetrics>,
    /// The last checkpoint's folder.
    pub checkpoint: PathBuf,
    /// The folder of sample grids.
    pub samples_dir: PathBuf,
    /// The metrics CSV.
    pub metrics_csv: PathBuf,
    /// The learning curve PNG (losses, D(x), D(G(z))), redrawn with every sample grid.
    pub learning_curve: PathBuf,
    /// The GIF of the sample grids over the run, when it could be written.
    pub progress_gif: Option<PathBuf>,
    /// Names of the objective's own metrics ([`StepMetrics::extra`]).
    pub extra_names: Vec<&'static str>,
    /// How the mean discriminator outputs are named: `D(x)`, `D(G(z))` for probabilities,
    /// `score(x)`, `score(G(z))` for raw outputs (hinge margins, critic scores).
    pub score_labels: [&'static str; 2],
    /// The FID measurements this call made (with `TrainingConfig::fid`).
    pub fid: Vec<FidPoint>,
    /// The FID log, when FID was measured.
    pub fid_csv: Option<PathBuf>,
    /// Seconds this call spent in its steps, sample grids, FID and checkpoints.
    pub seconds: f64,
    /// Images per generator step (batch size times discriminator steps).
    pub images_per_step: usize,
}

impl fmt::Display for TrainingSummary {
    /// `trained N steps`, the last step's numbers, and where every output is, one per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "trained {} steps", self.steps)?;
        if let Some(m) = self.history.last() {
            let [real, fake] = self.score_labels;
            writeln!(
                f,
                "last step: loss_D {:.4}, loss_G {:.4}, {real} {:.3}, {fake} {:.3}, {:.1} images/s",
                m.discriminator_loss,
                m.generator_loss,
                m.real_score,
                m.fake_score_after,
                m.images_per_second
            )?;
            for (name, value) in self.extra_names.iter().zip(&m.extra) {
                writeln!(f, "           {name} {value:.4}")?;
            }
            let images = (self.history.len() * self.images_per_step) as f64;
            writeln!(
                f,
                "overall:   {images} images in {:.1} s, {:.1} images/s with sampling and checkpoints",
                self.seconds,
                images / self.seconds.max(1e-9)
            )?;
        }
        writeln!(f, "sample grids: {}", self.samples_dir.display())?;
        writeln!(f, "metrics:      {}", self.metrics_csv.display())?;
        writeln!(f, "curve:        {}", self.learning_curve.display())?;
        if let Some(gif) = &self.progress_gif {
            writeln!(f, "progress GIF: {}", gif.display())?;
        }
        if let (Some(csv), Some(last)) = (&self.fid_csv, self.fid.last()) {
            let (fid, step) = (last.fid, last.step);
            writeln!(
                f,
                "FID:          {fid:.2} at step {step} ({})",
                csv.display()
            )?;
        }
        write!(f, "checkpoint:   {}", self.checkpoint.display())
    }
}
