//! Every random draw of a training run, in one table, and the host-side random source of a step.
//!
//! # The reproducibility contract
//!
//! Every random number of a run is drawn on the host from the run's `seed` alone, through
//! [`derive_seed`] over the keys below, never from a backend's generator or a global state.
//! So the same seed gives the same run on every backend (up to floating-point rounding on
//! GPUs) and in every thread, a resumed run continues exactly as an uninterrupted one (the
//! checkpoint's step, epoch and position in the epoch are the whole random state), and an
//! objective's draws never depend on the order in which it makes them.
//!
//! | draw | seed |
//! |---|---|
//! | weights | `seed` (the backend's generator, reseeded under a lock: `gan_core::device::seeded`) |
//! | order of epoch `e` | `(seed, e, SHUFFLE)` ([`gan_data::random::tags::SHUFFLE`]) |
//! | left-right flips of epoch `e` | `(seed, e, FLIP)` |
//! | random crops of epoch `e` | `(seed, e, CROP)` |
//! | validation split | `(seed, SPLIT)`; per-style cap: `(seed, CAP)` |
//! | discriminator step `k` of generator step `s` | `(seed, s, k)`, then one stream per use: [`LATENT_STREAM`], [`REAL_FLIPS_STREAM`], [`FAKE_FLIPS_STREAM`], [`INTERPOLATION_STREAM`], [`AUGMENT_REAL_STREAM`], [`AUGMENT_FAKE_STREAM`] |
//! | generator step `s` | `(seed, s, GENERATOR_STEP)`, stream [`AUGMENT_FAKE_STREAM`] for its DiffAugment |
//! | sample grids (one fixed batch for the whole run) | `(seed, FIXED_NOISE_TAG)`, stream [`LATENT_STREAM`] |
//! | FID's generated images (fixed for the whole run) | `(seed, FID_NOISE_TAG)`, stream [`LATENT_STREAM`] |
//! | FID's reference subset | `(seed, FID_SUBSET_TAG)` |
//! | `gan generate --seed S`, latent walks | `S`, stream [`LATENT_STREAM`] |
//!
//! A stream id never changes meaning; a new draw gets a new id or tag.

use burn::prelude::*;
use gan_data::random::derive_seed;
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

/// The stream of the latent noise of a step (and of every noise batch drawn from a seed).
pub const LATENT_STREAM: u64 = 0;
/// The stream of the label flips of real images.
pub const REAL_FLIPS_STREAM: u64 = 1;
/// The stream of the label flips of generated images.
pub const FAKE_FLIPS_STREAM: u64 = 2;
/// The stream of WGAN-GP's interpolation weights ε.
pub const INTERPOLATION_STREAM: u64 = 3;
/// The stream of DiffAugment's draws for real images.
pub const AUGMENT_REAL_STREAM: u64 = 4;
/// The stream of DiffAugment's draws for generated images.
pub const AUGMENT_FAKE_STREAM: u64 = 5;
/// The critic-step key of a generator step: `(seed, s, GENERATOR_STEP)`.
pub const GENERATOR_STEP: u64 = u64::MAX;
/// The tag of the fixed noise behind a run's sample grids.
pub const FIXED_NOISE_TAG: u64 = 0xF1CED;
/// The tag of the fixed noise behind a run's FID measurements.
pub const FID_NOISE_TAG: u64 = 0xF1D;
/// The tag of the random draw of FID reference images.
pub const FID_SUBSET_TAG: u64 = 0xF1D5;

/// How every random stream of a run derives from its seed, as checkpoints record it.
pub const RNG_SCHEME: &str = "noise and label noise of discriminator step k of step s from \
    derive_seed(seed, s, k); order and flips of epoch e from (seed, e); sample grids from \
    fixed_noise_seed(seed)";

/// The seed of discriminator step `critic_step` of generator step `step`.
pub fn discriminator_step_seed(seed: u64, step: usize, critic_step: usize) -> u64 {
    derive_seed(&[seed, step as u64, critic_step as u64])
}

/// The seed of generator step `step`.
pub fn generator_step_seed(seed: u64, step: usize) -> u64 {
    derive_seed(&[seed, step as u64, GENERATOR_STEP])
}

/// The seed of the fixed noise batch behind every sample grid of a run.
pub fn fixed_noise_seed(seed: u64) -> u64 {
    derive_seed(&[seed, FIXED_NOISE_TAG])
}

/// The seed of the noise behind every FID evaluation of a run with `seed`: evaluation draws
/// `latent_noise(samples, latent_dim, fid_noise_seed(seed))`.
pub fn fid_noise_seed(seed: u64) -> u64 {
    derive_seed(&[seed, FID_NOISE_TAG])
}

/// The seed of the random draw of FID reference images.
pub fn fid_subset_seed(seed: u64) -> u64 {
    derive_seed(&[seed, FID_SUBSET_TAG])
}

/// The random source of one discriminator or generator step. Each use names a stream, so
/// draws never depend on the order in which an objective makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepRandom {
    seed: u64,
}

impl StepRandom {
    /// A source for the step seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self { seed }
    }

    fn rng(&self, stream: u64) -> StdRng {
        StdRng::seed_from_u64(derive_seed(&[self.seed, stream]))
    }

    /// Values uniform in `[0, 1)`, of `shape`, from `stream`.
    pub fn uniform<const D: usize>(
        &self,
        stream: u64,
        shape: [usize; D],
        device: &Device,
    ) -> Tensor<D> {
        self.sample(stream, shape, device, |rng| rng.random::<f32>())
    }

    /// An endless sequence of values uniform in `[0, 1)` from `stream`, on the host.
    pub fn uniform_values(&self, stream: u64) -> impl Iterator<Item = f32> {
        let mut rng = self.rng(stream);
        std::iter::repeat_with(move || rng.random::<f32>())
    }

    /// Values from N(0, 1), of `shape`, from `stream`.
    pub fn normal<const D: usize>(
        &self,
        stream: u64,
        shape: [usize; D],
        device: &Device,
    ) -> Tensor<D> {
        self.sample(stream, shape, device, |rng| StandardNormal.sample(rng))
    }

    /// `shape.product()` draws of `draw` from `stream`'s generator, as a tensor on `device`.
    fn sample<const D: usize>(
        &self,
        stream: u64,
        shape: [usize; D],
        device: &Device,
        mut draw: impl FnMut(&mut StdRng) -> f32,
    ) -> Tensor<D> {
        let mut rng = self.rng(stream);
        let values: Vec<f32> = (0..shape.iter().product())
            .map(|_| draw(&mut rng))
            .collect();
        Tensor::from_data(TensorData::new(values, shape), device)
    }
}
