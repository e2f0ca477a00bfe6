//! A walk through latent space as an animated GIF: what `gan interpolate` runs. The walk
//! follows the great circle between two latent vectors (spherical interpolation), which keeps
//! every frame at the norm the generator was trained on; each end is the latent vector that
//! `gan generate --seed S` draws for its first image.

use crate::Error;
use crate::generate::{check_output_size, images_from_latent, load_generator};
use burn::prelude::*;
use gan_train::DelayedProgress;
use gan_train::gif::{GifFrame, save_gif};
use gan_train::sample;
use std::path::PathBuf;

/// The most frames one walk may have.
pub const MAX_FRAMES: usize = 10_000;

/// The options of `gan interpolate`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct InterpolateArgs {
    /// The trained model: a run folder (its latest checkpoint), its checkpoints/ folder, or one
    /// checkpoint folder.
    #[arg(value_name = "MODEL")]
    pub checkpoint: PathBuf,
    /// Seed of the first frame: the first image of `gan generate --seed SEED`.
    #[arg(long, value_name = "SEED")]
    pub from: u64,
    /// Seed of the last frame.
    #[arg(long, value_name = "SEED")]
    pub to: u64,
    /// Frames of the walk, both ends included (2 to 10000).
    #[arg(long, default_value_t = 24)]
    pub frames: usize,
    /// The GIF to write.
    #[arg(long, value_name = "FILE", default_value = "walk.gif")]
    pub out: PathBuf,
    /// Frame size in pixels [default: the model's]; other sizes are resampled with Lanczos.
    #[arg(long, value_name = "PX")]
    pub size: Option<u32>,
    /// How long each frame shows, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 80)]
    pub frame_ms: u32,
    /// Walk back to the start as well, for a seamless loop.
    #[arg(long)]
    pub bounce: bool,
    /// Device: cpu, flex, ndarray, wgpu, cuda or cuda:N (backends must be compiled in).
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
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

/// Writes the walk from `args.from` to `args.to` as a looping GIF; returns its path and the
/// number of frames.
pub fn run(args: &InterpolateArgs) -> Result<(PathBuf, usize), Error> {
    if !(2..=MAX_FRAMES).contains(&args.frames) {
        return Err(Error::Usage(format!(
            "--frames must be from 2 (the two ends) to {MAX_FRAMES}, got {}",
            args.frames
        )));
    }
    let size = check_output_size(args.size)?;
    let device = gan_core::device::parse_device(&args.device)?;
    let (generator, _) = load_generator(&args.checkpoint, &device)?;
    let dim = generator.latent_dim();
    let walk = latent_walk(
        &seed_latent(args.from, dim, &device),
        &seed_latent(args.to, dim, &device),
        args.frames,
    );
    let values: Vec<f32> = walk.into_iter().flatten().collect();
    let latent = Tensor::<2>::from_data(TensorData::new(values, [args.frames, dim]), &device);
    let progress = DelayedProgress::new(args.frames, "frames", args.quiet);
    let mut frames = Vec::with_capacity(args.frames * 2);
    images_from_latent(&generator, latent, size, &progress, |_, image| {
        frames.push(GifFrame {
            image,
            delay_ms: args.frame_ms,
        });
        Ok(())
    })?;
    progress.finish();
    if args.bounce {
        // Back again without repeating either end.
        let back: Vec<GifFrame> = frames[1..frames.len() - 1].iter().rev().cloned().collect();
        frames.extend(back);
    }
    let encoding = DelayedProgress::new(frames.len(), "GIF frames", args.quiet);
    save_gif(&frames, &args.out, Some(&encoding))?;
    encoding.finish();
    Ok((args.out.clone(), frames.len()))
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
