//! DCGAN, CAN and WGAN-GP as their papers train them: networks, objective and Adam settings.
//! A new variant is an objective file and a preset here.

use crate::average::EmaConfig;
use crate::config::{AdamSettings, TrainingConfig};
use crate::experiment::run::Experiment;
use crate::objective::config::ObjectiveConfig;
use crate::objective::creative::CreativeAdversarial;
use crate::objective::hinge::Hinge;
use crate::objective::non_saturating::NonSaturating;
use crate::objective::wasserstein::WassersteinGp;
use gan_core::augment::DiffAugment;
use gan_core::can::CanDiscriminatorConfig;
use gan_core::dcgan::{DcganDiscriminatorConfig, DcganGeneratorConfig};
use gan_core::registry::{Architecture, DiscriminatorConfig, GeneratorConfig};
use gan_core::wgan::DcganCriticConfig;

/// Generator steps of a preset: at 64x64 on two CPU cores this finishes in well under ten
/// minutes.
pub const DEFAULT_STEPS: usize = 200;

/// Generator steps of the small-data recipe ([`Experiment::dcgan_small_data`]).
pub const SMALL_DATA_STEPS: usize = 5000;
/// Batch size of the small-data recipe: many small steps learn faster on a CPU than few large
/// ones.
pub const SMALL_DATA_BATCH: usize = 16;
/// Feature maps (`ngf` = `ndf`) of the small-data recipe's networks.
pub const SMALL_DATA_FEATURE_MAPS: usize = 16;

/// DCGAN's and CAN's Adam: learning rate 2e-4, betas (0.5, 0.999) (Radford et al. 2016).
pub fn dcgan_adam() -> AdamSettings {
    AdamSettings::new()
}

/// WGAN-GP's Adam, as in the paper's code: learning rate 1e-4, betas (0.5, 0.9).
pub fn wgan_gp_adam() -> AdamSettings {
    AdamSettings::new()
        .with_learning_rate(1e-4)
        .with_beta_1(0.5)
        .with_beta_2(0.9)
}

/// The training settings of a preset: `adam` for both networks, [`DEFAULT_STEPS`] steps.
fn training(adam: AdamSettings) -> TrainingConfig {
    TrainingConfig::new()
        .with_generator_optimizer(adam.clone())
        .with_discriminator_optimizer(adam)
        .with_steps(Some(DEFAULT_STEPS))
}

impl Experiment {
    /// A preset: DCGAN's generator at `image_size` against `discriminator`, trained with
    /// `objective` and `adam` for both networks for [`DEFAULT_STEPS`] steps.
    fn dcgan_generator_preset(
        architecture: Architecture,
        image_size: usize,
        discriminator: impl Into<DiscriminatorConfig>,
        objective: impl Into<ObjectiveConfig>,
        adam: AdamSettings,
    ) -> Self {
        let generator = DcganGeneratorConfig::new().with_image_size(image_size);
        Self::new(architecture, generator, discriminator, objective).with_training(training(adam))
    }

    /// DCGAN at `image_size` (a power of two from 32 to 256): the paper's networks, binary
    /// cross-entropy with the non-saturating generator loss, Adam(2e-4, (0.5, 0.999)).
    pub fn dcgan(image_size: usize) -> Self {
        let discriminator = DcganDiscriminatorConfig::new().with_image_size(image_size);
        let objective = NonSaturating::default();
        Self::dcgan_generator_preset(
            Architecture::Dcgan,
            image_size,
            discriminator,
            objective,
            dcgan_adam(),
        )
    }

    /// DCGAN's networks with the small-data recipe, for art sets of a few thousand images and
    /// short runs on a CPU: a spectrally normalised discriminator (no BatchNorm) trained with
    /// the hinge loss (SNGAN, Miyato et al. 2018), DiffAugment's colour, translation and cutout
    /// on everything the discriminator sees (Zhao et al. 2020), a moving average of the
    /// generator's weights for samples and generation (decay 0.999 with warm-up), Adam with
    /// learning rate 4e-4 and betas (0, 0.999) for both networks (as BigGAN's, with the
    /// generator's rate raised: at 1e-4 it learned three times slower here; separate rates,
    /// TTUR, are the `with_*` of [`TrainingConfig`]), and many small steps: batch
    /// [`SMALL_DATA_BATCH`], [`SMALL_DATA_STEPS`] steps, DCGAN's networks at `feature_maps`
    /// [`SMALL_DATA_FEATURE_MAPS`] (at 64x64 about 9 minutes on two CPU cores; raise the
    /// feature maps to 64 where compute allows).
    pub fn dcgan_small_data(image_size: usize) -> Self {
        let discriminator = DcganDiscriminatorConfig::new()
            .with_image_size(image_size)
            .with_spectral_norm(true);
        let adam = |learning_rate| {
            AdamSettings::new()
                .with_learning_rate(learning_rate)
                .with_beta_1(0.0)
        };
        let mut experiment = Self::dcgan_generator_preset(
            Architecture::Dcgan,
            image_size,
            discriminator,
            Hinge::default(),
            adam(4e-4),
        )
        .with_feature_maps(SMALL_DATA_FEATURE_MAPS);
        let training = &mut experiment.training;
        training.batch_size = SMALL_DATA_BATCH;
        training.steps = Some(SMALL_DATA_STEPS);
        training.sample_every = SMALL_DATA_STEPS / 10;
        training.checkpoint_every = SMALL_DATA_STEPS / 5;
        training.augment = Some(DiffAugment::new());
        training.ema = Some(EmaConfig::new());
        experiment
    }

    /// CAN at `image_size`: DCGAN's generator, a discriminator with a style head of as many
    /// styles as the data has (its sub-folders), the paper's style-ambiguity loss with weight 1,
    /// Adam(2e-4, (0.5, 0.999)).
    pub fn can(image_size: usize) -> Self {
        let discriminator = CanDiscriminatorConfig::new(0).with_image_size(image_size);
        let objective = CreativeAdversarial::default();
        Self::dcgan_generator_preset(
            Architecture::Can,
            image_size,
            discriminator,
            objective,
            dcgan_adam(),
        )
    }

    /// WGAN-GP at `image_size`: DCGAN's generator, a LayerNorm critic, λ = 10, 5 critic steps
    /// per generator step, the exact gradient penalty, Adam(1e-4, (0.5, 0.9)).
    pub fn wgan_gp(image_size: usize) -> Self {
        let critic = DcganCriticConfig::new().with_image_size(image_size);
        let objective = WassersteinGp::default();
        Self::dcgan_generator_preset(
            Architecture::WganGp,
            image_size,
            critic,
            objective,
            wgan_gp_adam(),
        )
    }

    /// The preset of `architecture` (the fully connected GAN has none: `None`).
    pub fn preset(architecture: Architecture, image_size: usize) -> Option<Self> {
        match architecture {
            Architecture::Dcgan => Some(Self::dcgan(image_size)),
            Architecture::Can => Some(Self::can(image_size)),
            Architecture::WganGp => Some(Self::wgan_gp(image_size)),
            Architecture::Mlp => None,
        }
    }

    /// Sets the feature maps (`ngf`, `ndf`) of both convolutional networks; fully connected
    /// ones have none and are left as they are.
    pub fn with_feature_maps(mut self, feature_maps: usize) -> Self {
        if let GeneratorConfig::Dcgan(g) = &mut self.generator {
            g.feature_maps = feature_maps;
        }
        match &mut self.discriminator {
            DiscriminatorConfig::Dcgan(d) => d.feature_maps = feature_maps,
            DiscriminatorConfig::Can(d) => d.feature_maps = feature_maps,
            DiscriminatorConfig::Critic(d) => d.feature_maps = feature_maps,
            DiscriminatorConfig::Mlp(_) => {}
        }
        self
    }
}
