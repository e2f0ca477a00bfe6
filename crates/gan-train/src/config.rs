//! Training settings: optimizers, batch size, duration, seed, and what a run writes and
//! measures when.

use crate::average::EmaConfig;
use crate::error::TrainError;
use crate::fid_evaluation::config::FidEvaluationConfig;
use burn::config::Config;
use burn::optim::{AdamConfig, ModuleOptimizer};
use gan_core::augment::DiffAugment;

/// Adam's settings for one network.
#[derive(Config, Debug, PartialEq)]
pub struct AdamSettings {
    /// Learning rate.
    #[config(default = 2e-4)]
    pub learning_rate: f64,
    /// Decay of the first moment.
    #[config(default = 0.5)]
    pub beta_1: f32,
    /// Decay of the second moment.
    #[config(default = 0.999)]
    pub beta_2: f32,
    /// Numerical stability term (PyTorch's default).
    #[config(default = 1e-8)]
    pub epsilon: f32,
}

impl AdamSettings {
    /// The Burn optimizer.
    pub fn init(&self) -> ModuleOptimizer {
        AdamConfig::new()
            .with_beta_1(self.beta_1)
            .with_beta_2(self.beta_2)
            .with_epsilon(self.epsilon)
            .init()
    }

    fn validate(&self, which: &str) -> Result<(), TrainError> {
        let ok = self.learning_rate.is_finite()
            && self.learning_rate > 0.0
            && (0.0..1.0).contains(&self.beta_1)
            && (0.0..1.0).contains(&self.beta_2)
            && self.epsilon > 0.0;
        if ok {
            Ok(())
        } else {
            Err(TrainError::Setting(format!(
                "{which} Adam: learning rate must be > 0 and betas in [0, 1), got {self:?}"
            )))
        }
    }
}

/// Which checkpoints a run keeps on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// The newest this many (at least 1: the latest is always kept).
    pub newest: usize,
    /// Also every checkpoint whose step is a multiple of this, for good.
    pub every: Option<usize>,
}

impl Retention {
    /// Whether the checkpoint folder `name` (`step-NNNNNNNN`) is kept for good.
    pub(crate) fn keeps_for_good(&self, name: &str) -> bool {
        let step = name
            .strip_prefix("step-")
            .and_then(|s| s.parse::<usize>().ok());
        matches!((self.every, step), (Some(every), Some(step)) if every > 0 && step % every == 0)
    }
}

/// Everything about a training run except the models, the objective and the data.
#[derive(Config, Debug, PartialEq)]
pub struct TrainingConfig {
    /// Adam for the generator (DCGAN: 2e-4, betas (0.5, 0.999)).
    #[config(default = "AdamSettings::new()")]
    pub generator_optimizer: AdamSettings,
    /// Adam for the discriminator (DCGAN: 2e-4, betas (0.5, 0.999)).
    #[config(default = "AdamSettings::new()")]
    pub discriminator_optimizer: AdamSettings,
    /// Images per batch.
    #[config(default = 64)]
    pub batch_size: usize,
    /// Generator steps to train for. When set, it wins over `epochs`.
    pub steps: Option<usize>,
    /// Passes over the data set, when `steps` is not set.
    #[config(default = 5)]
    pub epochs: usize,
    /// Seed for initialisation, shuffling, flips, noise and label noise.
    #[config(default = 42)]
    pub seed: u64,
    /// Mirror images left-right at random.
    #[config(default = true)]
    pub random_flip: bool,
    /// Write a sample grid every this many steps (and at the end).
    #[config(default = 50)]
    pub sample_every: usize,
    /// Images in the fixed noise batch of the sample grids.
    #[config(default = 64)]
    pub sample_count: usize,
    /// Write a checkpoint every this many steps (and at the end).
    #[config(default = 100)]
    pub checkpoint_every: usize,
    /// Checkpoints kept on disk (the newest ones).
    #[config(default = 2)]
    pub keep_checkpoints: usize,
    /// Also keep, for good, every checkpoint whose step is a multiple of this (`None`: only
    /// the newest).
    #[config(default = "None")]
    pub keep_every: Option<usize>,
    /// Threads that decode and resize images (0: one per core).
    #[config(default = 2)]
    pub loader_workers: usize,
    /// Batches prepared ahead of the training step.
    #[config(default = 2)]
    pub prefetch_batches: usize,
    /// No progress bar (for CI and logs).
    #[config(default = false)]
    pub quiet: bool,
    /// FID during training (`None`: off).
    #[config(default = "None")]
    pub fid: Option<FidEvaluationConfig>,
    /// DiffAugment on every image the discriminator sees, in both networks' steps (`None`:
    /// off). Helps most on small data sets.
    #[config(default = "None")]
    pub augment: Option<DiffAugment>,
    /// A moving average of the generator's weights, used for sample grids, FID and
    /// generation (`None`: off; the last step's weights are used).
    #[config(default = "None")]
    pub ema: Option<EmaConfig>,
}

impl TrainingConfig {
    /// Which checkpoints the run keeps.
    pub fn retention(&self) -> Retention {
        Retention {
            newest: self.keep_checkpoints,
            every: self.keep_every,
        }
    }

    /// Checks every setting.
    pub fn validate(&self) -> Result<(), TrainError> {
        self.generator_optimizer.validate("generator")?;
        self.discriminator_optimizer.validate("discriminator")?;
        let positive = [
            ("batch size", self.batch_size),
            ("sample every", self.sample_every),
            ("sample count", self.sample_count),
            ("checkpoint every", self.checkpoint_every),
            ("checkpoints kept", self.keep_checkpoints),
            ("keep every", self.keep_every.unwrap_or(1)),
        ];
        for (name, value) in positive {
            if value == 0 {
                return Err(TrainError::Setting(format!("{name} must be at least 1")));
            }
        }
        if self.steps == Some(0) || (self.steps.is_none() && self.epochs == 0) {
            return Err(TrainError::Setting(
                "train for at least one step or epoch".into(),
            ));
        }
        if let Some(fid) = &self.fid {
            fid.validate()?;
        }
        if let Some(augment) = &self.augment {
            augment
                .validate()
                .map_err(|e| TrainError::Setting(e.to_string()))?;
        }
        if let Some(ema) = &self.ema {
            ema.validate()?;
        }
        Ok(())
    }
}
