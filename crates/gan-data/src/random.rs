//! A tiny, stable pseudo-random generator (SplitMix64) and seed derivation, so that procedural
//! images, shuffles, flips and training noise depend only on their seed, never on a dependency's
//! version.

/// Seed tags of gan-data's random draws: each draw's seed is `derive_seed(&[seed, …, TAG])`, so
/// two draws never share a stream. The table of every stream of a training run, with the
/// reproducibility contract, is in gan-train's `random` module.
pub mod tags {
    /// The order of an epoch: `derive_seed(&[seed, epoch, SHUFFLE])` (`"SHUF"`).
    pub const SHUFFLE: u64 = 0x5348_5546;
    /// The left-right flips of an epoch: `(seed, epoch, FLIP)` (`"FLIP"`).
    pub const FLIP: u64 = 0x464C_4950;
    /// The random crops of an epoch: `(seed, epoch, CROP)` (`"CROP"`).
    pub const CROP: u64 = 0x4352_4F50;
    /// The validation split of `--val-fraction`: `(seed, SPLIT)` (`"SPLI"`).
    pub const SPLIT: u64 = 0x5350_4C49;
    /// Which images a per-style cap keeps: `(seed, CAP)` (`"CAPS"`).
    pub const CAP: u64 = 0x4341_5053;
}

/// SplitMix64: fast, statistically good enough for images and shuffles, and stable forever.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in `[low, high)`.
    pub(crate) fn range(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.unit()
    }

    /// Uniform integer in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// The SplitMix64 finaliser: a good 64-bit mixing function.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Derives one 64-bit seed from a sequence of words (a run's seed, a step, a stream number).
/// Stable across versions: checkpoints rely on it to resume the same random streams.
pub fn derive_seed(words: &[u64]) -> u64 {
    words
        .iter()
        .fold(0x243F_6A88_85A3_08D3, |acc, &w| mix(acc ^ mix(w)))
}

/// A permutation of `0..n` (Fisher–Yates) from `seed`: the same for a seed on every machine
/// and version.
pub fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = SplitMix64::new(seed);
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    order
}
