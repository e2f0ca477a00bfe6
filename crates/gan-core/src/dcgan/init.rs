//! The DCGAN paper's initialisation: convolution weights N(0, 0.02), BatchNorm weight
//! N(1, 0.02) and bias 0.

use burn::nn::{BatchNorm, BatchNormConfig, Initializer};
use burn::prelude::*;

/// Convolution weights drawn from N(0, 0.02).
pub(crate) const CONV_INIT: Initializer = Initializer::Normal {
    mean: 0.0,
    std: 0.02,
};

/// A BatchNorm layer with weight N(1, 0.02) and bias 0.
pub(crate) fn batch_norm(num_features: usize, device: &Device) -> BatchNorm {
    let mut norm = BatchNormConfig::new(num_features).init(device);
    norm.gamma = Initializer::Normal {
        mean: 1.0,
        std: 0.02,
    }
    .init([num_features], device);
    norm
}
