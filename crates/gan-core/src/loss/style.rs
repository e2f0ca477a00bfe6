//! Style losses and statistics for CAN: classification of real images, ambiguity of generated
//! ones, and the entropy and accuracy that report on both.

use burn::prelude::*;
use burn::tensor::activation::{log_softmax, softmax};

/// How the generator is pushed towards style ambiguity.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum StyleAmbiguity {
    /// The paper's equation 3: `-Σ_k [(1/K) log p_k + (1 - 1/K) log(1 - p_k)]`, each style
    /// treated as a yes/no question whose answer should be "1/K".
    Binary,
    /// Softmax cross-entropy against the uniform distribution: `-Σ_k (1/K) log p_k`.
    UniformCrossEntropy,
}

/// A large negative logit standing for "excluded" in masked log-sum-exps.
const EXCLUDED: f64 = -1e30;

/// Mean softmax cross-entropy of style logits against style indices (PyTorch's
/// `CrossEntropyLoss`).
///
/// - `logits`: `[B, K]`; `labels`: `[B]` in `0..K`
/// - returns: `[1]`
pub fn style_cross_entropy(logits: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1> {
    let [batch, _] = logits.dims();
    let log_p = log_softmax(logits, 1);
    let picked = log_p.gather(1, labels.reshape([batch, 1]));
    picked.mean().neg()
}

/// `log(1 - softmax(logits)_k)` for every k, computed stably as the log-sum-exp of the other
/// logits minus the log-sum-exp of all of them.
///
/// - `logits`: `[B, K]`
/// - returns: `[B, K]`
pub fn log_one_minus_softmax(logits: Tensor<2>) -> Tensor<2> {
    let [batch, k] = logits.dims();
    let device = logits.device();
    let all = log_sum_exp(logits.clone()); // [B, 1]
    let index = Tensor::<1, Int>::arange(0..k as i64, &device);
    let diagonal = index
        .clone()
        .reshape([1, k])
        .expand([k, k])
        .equal(index.reshape([k, 1]).expand([k, k]))
        .reshape([1, k, k])
        .expand([batch, k, k]);
    // others[b, i, j] = logits[b, j], except j = i excluded
    let others = logits
        .reshape([batch, 1, k])
        .expand([batch, k, k])
        .mask_fill(diagonal, EXCLUDED);
    let others: Tensor<2> = log_sum_exp3(others).reshape([batch, k]);
    others - all
}

fn log_sum_exp(x: Tensor<2>) -> Tensor<2> {
    let max = x.clone().max_dim(1).detach();
    (x - max.clone()).exp().sum_dim(1).log() + max
}

fn log_sum_exp3(x: Tensor<3>) -> Tensor<3> {
    let max = x.clone().max_dim(2).detach();
    (x - max.clone()).exp().sum_dim(2).log() + max
}

/// The generator's style-ambiguity loss on the style logits of generated images, averaged
/// over the batch.
///
/// - `logits`: `[B, K]`
/// - returns: `[1]`
pub fn style_ambiguity_loss(logits: Tensor<2>, kind: StyleAmbiguity) -> Tensor<1> {
    let [batch, k] = logits.dims();
    let uniform = 1.0 / k as f64;
    let log_p = log_softmax(logits.clone(), 1);
    let per_image = match kind {
        StyleAmbiguity::UniformCrossEntropy => log_p.mul_scalar(uniform).sum_dim(1),
        StyleAmbiguity::Binary => (log_p.mul_scalar(uniform)
            + log_one_minus_softmax(logits).mul_scalar(1.0 - uniform))
        .sum_dim(1),
    };
    per_image.reshape([batch]).mean().neg()
}

/// Mean entropy (in nats) of the style distributions `softmax(logits)`: how ambiguous the
/// styles look, from 0 (one style) to `ln K` (uniform). No gradient.
///
/// - `logits`: `[B, K]`
/// - returns: `[1]`
pub fn style_entropy(logits: Tensor<2>) -> Tensor<1> {
    let logits = logits.detach();
    let [batch, _] = logits.dims();
    let p = softmax(logits.clone(), 1);
    (p * log_softmax(logits, 1))
        .sum_dim(1)
        .reshape([batch])
        .mean()
        .neg()
}

/// Fraction of images whose most likely style is their label. No gradient.
///
/// - `logits`: `[B, K]`; `labels`: `[B]`
/// - returns: `[1]`, in `[0, 1]`
pub fn style_accuracy(logits: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1> {
    let [batch, _] = logits.dims();
    let predicted = logits.detach().argmax(1).reshape([batch]);
    predicted.equal(labels).float().mean()
}
