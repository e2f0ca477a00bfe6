//! Latent walks: the great circle between two latent vectors (spherical interpolation), which
//! keeps every frame at the norm the generator was trained on, as frames or an animated GIF.
//! Each end is the latent vector that generation with that seed draws for its first image.

use crate::delayed_progress::DelayedProgress;
use crate::error::TrainError;
use crate::generation::{check_output_size, images_from_latent};
use crate::output::gif::{GifFrame, save_gif};
use crate::sample;
use burn::config::Config;
use burn::prelude::*;
use gan_core::Generator;
use std::path::Path;

/// The most frames one walk may have.
pub const MAX_FRAMES: usize = 10_000;

/// A walk from one seed's image to another's.
#[derive(Config, Debug, PartialEq)]
pub struct LatentWalkConfig {
    /// Seed of the first frame: the first image generated with this seed.
    pub from: u64,
    /// Seed of the last frame.
    pub to: u64,
    /// Frames, both ends included (2 to [`MAX_FRAMES`]).
    #[config(default = 24)]
    pub frames: usize,
    /// Frame size in pixels (`None`: the model's); other sizes are resampled with Lanczos.
    #[config(default = "None")]
    pub size: Option<u32>,
    /// How long each frame shows in a GIF, in milliseconds.
    #[config(default = 80)]
    pub frame_ms: u32,
    /// Walk back to the start as well, for a seamless loop.
    #[config(default = false)]
    pub bounce: bool,
    /// Images per forward pass.
    #[config(default = 16)]
    pub batch_size: usize,
    /// No progress bars.
    #[config(default = false)]
    pub quiet: bool,
}

impl LatentWalkConfig {
    /// The walk's frames, in order (back again with `bounce`, without repeating either end).
    pub fn frames<G: Generator>(
        &self,
        generator: &G,
        device: &Device,
    ) -> Result<Vec<GifFrame>, TrainError> {
        if !(2..=MAX_FRAMES).contains(&self.frames) {
            return Err(TrainError::Invalid(format!(
                "a walk has from 2 (the two ends) to {MAX_FRAMES} frames, got {}",
                self.frames
            )));
        }
        let size = check_output_size(self.size)?;
        let dim = generator.latent_dim();
        let walk = latent_walk(
            &seed_latent(self.from, dim, device),
            &seed_latent(self.to, dim, device),
            self.frames,
        );
        let values: Vec<f32> = walk.into_iter().flatten().collect();
        let latent = Tensor::<2>::from_data(TensorData::new(values, [self.frames, dim]), device);
        let progress = DelayedProgress::new(self.frames, "frames", self.quiet);
        let mut frames = Vec::with_capacity(self.frames * 2);
        images_from_latent(
            generator,
            latent,
            self.batch_size,
            None,
            size,
            &progress,
            |_, image| {
                frames.push(GifFrame {
                    image,
                    delay_ms: self.frame_ms,
                });
                Ok(())
            },
        )?;
        progress.finish();
        if self.bounce {
            let back: Vec<GifFrame> = frames[1..frames.len() - 1].iter().rev().cloned().collect();
            frames.extend(back);
        }
        Ok(frames)
    }

    /// Writes the walk as a looping GIF at `path`; returns its number of frames.
    pub fn write_gif<G: Generator>(
        &self,
        generator: &G,
        path: &Path,
        device: &Device,
    ) -> Result<usize, TrainError> {
        let frames = self.frames(generator, device)?;
        let encoding = DelayedProgress::new(frames.len(), "GIF frames", self.quiet);
        save_gif(&frames, path, Some(&encoding))?;
        encoding.finish();
        Ok(frames.len())
    }
}

/// Spherical interpolation from `a` (`t = 0`) to `b` (`t = 1`):
/// `sin((1-t)ω)/sin ω · a + sin(tω)/sin ω · b`, with ω the angle between them. The angle to
/// `a` grows linearly with `t`, and vectors of equal norm (as high-dimensional N(0, I) draws
/// nearly are) keep it all the way. The ends are returned exactly; nearly parallel vectors,
/// and a zero vector, are interpolated linearly.
pub fn slerp(a: &[f32], b: &[f32], t: f32) -> Vec<f32> {
    if t <= 0.0 {
        return a.to_vec();
    }
    if t >= 1.0 {
        return b.to_vec();
    }
    let norm = |v: &[f32]| v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    let t = t as f64;
    let lerp = || -> Vec<f32> {
        a.iter()
            .zip(b)
            .map(|(x, y)| ((1.0 - t) * *x as f64 + t * *y as f64) as f32)
            .collect()
    };
    if na < 1e-12 || nb < 1e-12 {
        return lerp();
    }
    let cos = a
        .iter()
        .zip(b)
        .map(|(x, y)| *x as f64 * *y as f64)
        .sum::<f64>()
        / (na * nb);
    let omega = cos.clamp(-1.0, 1.0).acos();
    let sin = omega.sin();
    if sin.abs() < 1e-6 {
        return lerp();
    }
    let (wa, wb) = (((1.0 - t) * omega).sin() / sin, (t * omega).sin() / sin);
    a.iter()
        .zip(b)
        .map(|(x, y)| (wa * *x as f64 + wb * *y as f64) as f32)
        .collect()
}

/// `frames` points from `a` to `b` (both included) by [`slerp`], evenly spaced in `t`.
pub fn latent_walk(a: &[f32], b: &[f32], frames: usize) -> Vec<Vec<f32>> {
    let last = frames.saturating_sub(1).max(1) as f32;
    (0..frames).map(|i| slerp(a, b, i as f32 / last)).collect()
}

/// The first latent vector that `gan generate --seed seed` draws, on the host.
pub fn seed_latent(seed: u64, latent_dim: usize, device: &Device) -> Vec<f32> {
    sample::latent_noise(1, latent_dim, seed, device)
        .into_data()
        .iter::<f32>()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(v: &[f32]) -> f32 {
        v.iter().map(|x| x * x).sum::<f32>().sqrt()
    }

    #[test]
    fn slerp_keeps_the_ends_exactly() {
        let (a, b) = (vec![0.3, -1.2, 2.0], vec![-0.7, 0.1, 0.4]);
        assert_eq!(slerp(&a, &b, 0.0), a);
        assert_eq!(slerp(&a, &b, 1.0), b);
        let walk = latent_walk(&a, &b, 5);
        assert_eq!(walk.len(), 5);
        assert_eq!((&walk[0], &walk[4]), (&a, &b));
    }

    #[test]
    fn slerp_follows_the_great_circle() {
        // Orthogonal unit vectors: halfway is (1, 1) / sqrt(2), not the shorter (0.5, 0.5).
        let mid = slerp(&[1.0, 0.0], &[0.0, 1.0], 0.5);
        let h = std::f32::consts::FRAC_1_SQRT_2;
        assert!(
            (mid[0] - h).abs() < 1e-6 && (mid[1] - h).abs() < 1e-6,
            "{mid:?}"
        );
        // The angle grows linearly with t.
        let q = slerp(&[1.0, 0.0], &[0.0, 1.0], 1.0 / 3.0);
        let angle = q[1].atan2(q[0]);
        assert!(
            (angle - std::f32::consts::FRAC_PI_6).abs() < 1e-5,
            "{angle}"
        );
        assert!((norm(&q) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn parallel_vectors_fall_back_to_a_straight_line() {
        let v = slerp(&[1.0, 2.0], &[2.0, 4.0], 0.5);
        assert!(
            (v[0] - 1.5).abs() < 1e-6 && (v[1] - 3.0).abs() < 1e-6,
            "{v:?}"
        );
        let z = slerp(&[0.0, 0.0], &[2.0, 4.0], 0.25);
        assert!((z[0] - 0.5).abs() < 1e-6, "{z:?}");
    }
}
