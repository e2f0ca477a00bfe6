//! DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN
//! Training"): random colour, translation and cutout applied to *both* real and generated
//! images every time the discriminator sees them, as differentiable tensor operations, so the
//! generator is trained through them. On small art sets (a few thousand images) it keeps the
//! discriminator from memorising the training images.
//!
//! The random choices are drawn on the host ([`DiffAugment::draw`]) and applied on the device
//! ([`DiffAugment::apply`]), so a run's augmentations come from its own seeded streams and a
//! test can give them explicitly.

use crate::ConfigError;
use burn::config::Config;
use burn::prelude::*;

/// Which augmentations run, with the strengths of the paper's `color,translation,cutout`
/// policy as defaults.
#[derive(Config, Debug, PartialEq)]
pub struct DiffAugment {
    /// Random brightness (±0.5), saturation (×[0, 2]) and contrast (×[0.5, 1.5]) per image.
    #[config(default = true)]
    pub color: bool,
    /// Largest shift as a fraction of the image size (zero padding); 0 turns it off.
    #[config(default = 0.125)]
    pub translation: f64,
    /// Side of the erased square as a fraction of the image size; 0 turns it off.
    #[config(default = 0.5)]
    pub cutout: f64,
}

/// The random choices of one augmentation of a batch of `B` images.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AugmentDraw {
    /// Per image, added to every value: `u − 0.5` with `u` uniform in `[0, 1)`. Empty: off.
    pub brightness: Vec<f32>,
    /// Per image, the factor on the distance from the pixel's channel mean: `2u`.
    pub saturation: Vec<f32>,
    /// Per image, the factor on the distance from the image's mean: `u + 0.5`.
    pub contrast: Vec<f32>,
    /// Per image, `(rows, columns)`: output pixel `(i, j)` shows input pixel
    /// `(i + rows, j + columns)`, zero outside the image. Empty: off.
    pub shift: Vec<(i64, i64)>,
    /// Per image, `(row, column)` of the erased square's centre; its side is
    /// [`AugmentDraw::cutout_size`]. Empty: off.
    pub cutout_centre: Vec<(i64, i64)>,
    /// Side of the erased square in pixels.
    pub cutout_size: usize,
}

impl DiffAugment {
    /// The policy named as the paper's code names it: a comma-separated list of `color`,
    /// `translation` and `cutout` (default strengths), or `none`.
    pub fn from_policy(policy: &str) -> Result<Self, ConfigError> {
        let mut augment = Self::new()
            .with_color(false)
            .with_translation(0.0)
            .with_cutout(0.0);
        for part in policy.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "color" | "colour" => augment.color = true,
                "translation" => augment.translation = Self::new().translation,
                "cutout" => augment.cutout = Self::new().cutout,
                "none" => {}
                other => {
                    return Err(ConfigError::Invalid(format!(
                        "unknown augmentation `{other}` in the DiffAugment policy `{policy}`: \
                         use color, translation and cutout, comma-separated"
                    )));
                }
            }
        }
        Ok(augment)
    }

    /// A policy as a training setting: `None` when it turns every augmentation off.
    pub fn setting(policy: &str) -> Result<Option<Self>, ConfigError> {
        let augment = Self::from_policy(policy)?;
        Ok(augment.is_on().then_some(augment))
    }

    /// The policy of a training setting: `none` for `None`.
    pub fn setting_policy(setting: Option<&Self>) -> String {
        setting.map_or_else(|| "none".into(), Self::policy)
    }

    /// Whether any augmentation runs.
    pub fn is_on(&self) -> bool {
        self.color || self.translation > 0.0 || self.cutout > 0.0
    }

    /// The policy as the paper's code names it (`color,translation,cutout`), or `none`.
    pub fn policy(&self) -> String {
        let parts: Vec<&str> = [
            (self.color, "color"),
            (self.translation > 0.0, "translation"),
            (self.cutout > 0.0, "cutout"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(",")
        }
    }

    /// Checks the strengths: fractions in `[0, 1]`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fractions = [
            ("DiffAugment translation", self.translation),
            ("DiffAugment cutout", self.cutout),
        ];
        for (field, value) in fractions {
            if !(0.0..=1.0).contains(&value) {
                return Err(ConfigError::OutOfRange {
                    field,
                    range: "[0, 1] (a fraction of the image size)",
                    value,
                });
            }
        }
        Ok(())
    }

    /// Draws the random choices for `batch` images of `size` x `size` from `uniform`, a source
    /// of values uniform in `[0, 1)`. The draws come in a fixed order: brightness,
    /// saturation, contrast, row shifts, column shifts, cutout rows, cutout columns.
    pub fn draw(&self, batch: usize, size: usize, mut uniform: impl FnMut() -> f32) -> AugmentDraw {
        let mut values = |count: usize, map: &dyn Fn(f32) -> f32| -> Vec<f32> {
            (0..count).map(|_| map(uniform())).collect()
        };
        let mut draw = AugmentDraw::default();
        if self.color {
            draw.brightness = values(batch, &|u| u - 0.5);
            draw.saturation = values(batch, &|u| u * 2.0);
            draw.contrast = values(batch, &|u| u + 0.5);
        }
        // An integer in [low, high] from u in [0, 1).
        let integer = |u: f32, low: i64, high: i64| {
            (low + (u as f64 * (high - low + 1) as f64).floor() as i64).min(high)
        };
        let shift = (size as f64 * self.translation + 0.5) as i64;
        if shift > 0 {
            let rows = values(batch, &|u| u);
            let columns = values(batch, &|u| u);
            draw.shift = rows
                .iter()
                .zip(&columns)
                .map(|(&r, &c)| (integer(r, -shift, shift), integer(c, -shift, shift)))
                .collect();
        }
        let cutout = (size as f64 * self.cutout + 0.5) as usize;
        if cutout > 0 {
            // As the paper's code: centres in [0, size] for an even side, [0, size) for odd.
            let high = size as i64 - (cutout % 2) as i64;
            let rows = values(batch, &|u| u);
            let columns = values(batch, &|u| u);
            draw.cutout_centre = rows
                .iter()
                .zip(&columns)
                .map(|(&r, &c)| (integer(r, 0, high), integer(c, 0, high)))
                .collect();
            draw.cutout_size = cutout;
        }
        draw
    }

    /// Applies `draw` to `images`: colour, then translation, then cutout, every step
    /// differentiable with respect to the images.
    ///
    /// - `images`: `[B, C, H, W]` with `H == W`, values in `[-1, 1]`
    /// - returns: `[B, C, H, W]`
    pub fn apply(images: Tensor<4>, draw: &AugmentDraw) -> Tensor<4> {
        let [batch, channels, height, width] = images.dims();
        let device = images.device();
        let per_image = |values: &[f32]| -> Tensor<4> {
            Tensor::<1>::from_floats(values, &device).reshape([batch, 1, 1, 1])
        };
        let mut x = images;
        if !draw.brightness.is_empty() {
            x = x + per_image(&draw.brightness);
            let mean = x.clone().mean_dim(1);
            x = (x - mean.clone()) * per_image(&draw.saturation) + mean;
            let mean: Tensor<4> = x
                .clone()
                .flatten::<2>(1, 3)
                .mean_dim(1)
                .reshape([batch, 1, 1, 1]);
            x = (x - mean.clone()) * per_image(&draw.contrast) + mean;
        }
        if !draw.shift.is_empty() {
            // out = Rows · x · Columnsᵀ with one-hot shift matrices per image.
            let rows = shift_matrices(draw.shift.iter().map(|s| s.0), height, &device);
            let columns = shift_matrices(draw.shift.iter().map(|s| s.1), width, &device);
            let rows = rows.expand([batch, channels, height, height]);
            let columns = columns
                .swap_dims(2, 3)
                .expand([batch, channels, width, width]);
            x = rows.matmul(x).matmul(columns);
        }
        if !draw.cutout_centre.is_empty() {
            let mut mask = vec![1.0f32; batch * height * width];
            let half = (draw.cutout_size / 2) as i64;
            let span = |centre: i64, limit: usize| {
                let first = (centre - half).clamp(0, limit as i64 - 1) as usize;
                let last = (centre - half + draw.cutout_size as i64 - 1).clamp(0, limit as i64 - 1)
                    as usize;
                first..=last
            };
            for (b, &(row, column)) in draw.cutout_centre.iter().enumerate() {
                for i in span(row, height) {
                    for j in span(column, width) {
                        mask[(b * height + i) * width + j] = 0.0;
                    }
                }
            }
            let mask =
                Tensor::<4>::from_data(TensorData::new(mask, [batch, 1, height, width]), &device);
            x = x * mask;
        }
        x
    }
}

/// `[B, 1, n, n]` matrices `M` with `M[i, i + s] = 1` (inside `0..n`) for each image's shift
/// `s`: `M · x` moves rows (or, transposed on the right, columns) by `s`.
fn shift_matrices(shifts: impl Iterator<Item = i64>, n: usize, device: &Device) -> Tensor<4> {
    let shifts: Vec<i64> = shifts.collect();
    let mut values = vec![0.0f32; shifts.len() * n * n];
    for (b, shift) in shifts.iter().enumerate() {
        for i in 0..n {
            let source = i as i64 + shift;
            if (0..n as i64).contains(&source) {
                values[(b * n + i) * n + source as usize] = 1.0;
            }
        }
    }
    Tensor::from_data(TensorData::new(values, [shifts.len(), 1, n, n]), device)
}
