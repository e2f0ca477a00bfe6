//! Target labels for the discriminator, with one-sided label smoothing and label-flip noise.

use crate::ConfigError;
use burn::prelude::*;
use burn::tensor::Distribution;

/// How the discriminator's targets are made.
///
/// - One-sided label smoothing (Salimans et al. 2016): real targets are `1 - smoothing`; fake
///   targets stay 0.
/// - Label-flip noise: each target is swapped with probability `flip_probability` (a real image
///   labelled fake, 0; a fake labelled real, `1 - smoothing`). Art-GAN projects use it to slow the
///   discriminator down.
#[derive(Config, Debug, PartialEq)]
pub struct LabelConfig {
    /// Subtracted from the real target: 0 is off, 0.1 gives targets of 0.9.
    #[config(default = 0.0)]
    pub smoothing: f64,
    /// Probability that a target is flipped: 0 is off.
    #[config(default = 0.0)]
    pub flip_probability: f64,
}

impl LabelConfig {
    /// Checks `smoothing` in `[0, 1)` and `flip_probability` in `[0, 1]`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(0.0..1.0).contains(&self.smoothing) {
            return Err(ConfigError::OutOfRange {
                field: "label smoothing",
                range: "[0, 1)",
                value: self.smoothing,
            });
        }
        if !(0.0..=1.0).contains(&self.flip_probability) {
            return Err(ConfigError::OutOfRange {
                field: "label flip probability",
                range: "[0, 1]",
                value: self.flip_probability,
            });
        }
        Ok(())
    }

    /// The value a target labelled "real" takes: `1 - smoothing`.
    pub fn real_value(&self) -> f64 {
        1.0 - self.smoothing
    }

    /// Targets for `batch` real images, `[batch, 1]`: `1 - smoothing`, or 0 where flipped;
    /// flips drawn from the device's random generator.
    pub fn real_targets(&self, batch: usize, device: &Device) -> Tensor<2> {
        self.real_targets_from(Self::uniform(batch, device))
    }

    /// Targets for `batch` fake images, `[batch, 1]`: 0, or `1 - smoothing` where flipped;
    /// flips drawn from the device's random generator.
    pub fn fake_targets(&self, batch: usize, device: &Device) -> Tensor<2> {
        self.fake_targets_from(Self::uniform(batch, device))
    }

    /// Real targets with flips decided by `uniform` (`[B, 1]`, values in `[0, 1)`): target `i`
    /// is flipped where `uniform[i] < flip_probability`. For reproducible runs, draw `uniform`
    /// from a seed.
    pub fn real_targets_from(&self, uniform: Tensor<2>) -> Tensor<2> {
        let targets = Tensor::full(uniform.dims(), self.real_value(), &uniform.device());
        self.flip(targets, uniform, 0.0)
    }

    /// Fake targets with flips decided by `uniform` (`[B, 1]`, values in `[0, 1)`).
    pub fn fake_targets_from(&self, uniform: Tensor<2>) -> Tensor<2> {
        let targets = Tensor::zeros(uniform.dims(), &uniform.device());
        self.flip(targets, uniform, self.real_value())
    }

    fn uniform(batch: usize, device: &Device) -> Tensor<2> {
        Tensor::random([batch, 1], Distribution::Uniform(0.0, 1.0), device)
    }

    fn flip(&self, targets: Tensor<2>, uniform: Tensor<2>, flipped_value: f64) -> Tensor<2> {
        if self.flip_probability <= 0.0 {
            return targets;
        }
        let mask = uniform.lower_elem(self.flip_probability);
        targets.mask_fill(mask, flipped_value)
    }
}
