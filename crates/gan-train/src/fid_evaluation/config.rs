//! The settings of FID during training.

use crate::error::TrainError;
use burn::config::Config;
use gan_metrics::default_weights_path;
use std::path::PathBuf;

/// FID during training.
#[derive(Config, Debug, PartialEq)]
pub struct FidEvaluationConfig {
    /// Evaluate every this many generator steps (and after the last step).
    pub every: usize,
    /// Generated images per evaluation. FID is biased upwards for small counts, so only
    /// values with the same count compare; 2048 (the feature size) or more keeps the
    /// covariance full rank.
    #[config(default = 2048)]
    pub samples: usize,
    /// Training images behind the data set's statistics, drawn at random (from the run's
    /// seed); `None`: all of them.
    #[config(default = "None")]
    pub reference_images: Option<usize>,
    /// A statistics file to use as the reference instead of the training images (for example
    /// from `gan fid DIR --save-stats FILE`).
    #[config(default = "None")]
    pub reference_statistics: Option<PathBuf>,
    /// The Inception weights (`default_1.pt`); `None`: [`default_weights_path`].
    #[config(default = "None")]
    pub weights: Option<PathBuf>,
    /// Images per Inception forward pass.
    #[config(default = 16)]
    pub batch_size: usize,
}

impl FidEvaluationConfig {
    /// Checks every setting.
    pub fn validate(&self) -> Result<(), TrainError> {
        let bad = |message: String| Err(TrainError::Setting(message));
        if self.every == 0 {
            return bad("FID every must be at least 1 step".into());
        }
        if self.samples < 2 {
            return bad(format!(
                "FID needs at least 2 generated images, got {}",
                self.samples
            ));
        }
        if self.reference_images.is_some_and(|n| n < 2) {
            return bad(format!(
                "FID needs at least 2 reference images, got {:?}",
                self.reference_images
            ));
        }
        if self.batch_size == 0 {
            return bad("FID batch size must be at least 1".into());
        }
        Ok(())
    }

    /// The weights file these settings name.
    pub fn weights_path(&self) -> PathBuf {
        self.weights.clone().unwrap_or_else(default_weights_path)
    }
}
