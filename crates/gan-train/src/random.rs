//! Random numbers for one training step, drawn on the host from a seed: the same seed gives the
//! same numbers on every backend and in every thread, so runs resume exactly and backends can
//! be compared value for value.

use burn::prelude::*;
use gan_data::random::derive_seed;
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

/// The random source of one discriminator or generator step. Each use names a stream, so
/// draws never depend on the order in which an objective makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepRandom {
    seed: u64,
}

/// The stream of the latent noise of a step.
pub const LATENT_STREAM: u64 = 0;

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
