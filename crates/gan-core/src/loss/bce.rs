//! Binary cross-entropy on logits and the standard GAN losses built on it.

use burn::prelude::*;
use burn::tensor::activation::softplus;

/// Mean binary cross-entropy between `sigmoid(logits)` and `targets`, computed stably as
/// `max(x, 0) - x * y + log(1 + exp(-|x|))` (PyTorch's `BCEWithLogitsLoss`).
///
/// The sign of `x` enters as a constant mask, so the gradient is exactly `sigmoid(x) - y`
/// everywhere, `x = 0` included, as in PyTorch.
///
/// - `logits`, `targets`: the same shape, any rank; targets in `[0, 1]`
/// - returns: `[1]`, the mean over all elements
pub fn bce_with_logits<const D: usize>(logits: Tensor<D>, targets: Tensor<D>) -> Tensor<1> {
    let non_negative = logits.clone().greater_equal_elem(0.0).float();
    let sign = non_negative.clone().mul_scalar(2.0).sub_scalar(1.0);
    let positive_part = logits.clone() * non_negative;
    let log_term = (logits.clone() * sign).neg().exp().log1p();
    (positive_part - logits * targets + log_term).mean()
}

/// The discriminator's loss: BCE of real logits against `real_targets` plus BCE of fake logits
/// against `fake_targets`, as `errD_real + errD_fake` in PyTorch's DCGAN example.
///
/// - `real_logits`, `real_targets`: `[B, 1]`
/// - `fake_logits`, `fake_targets`: `[B', 1]`
/// - returns: `[1]`
pub fn discriminator_loss(
    real_logits: Tensor<2>,
    real_targets: Tensor<2>,
    fake_logits: Tensor<2>,
    fake_targets: Tensor<2>,
) -> Tensor<1> {
    bce_with_logits(real_logits, real_targets) + bce_with_logits(fake_logits, fake_targets)
}

/// The non-saturating generator loss `-mean(log D(G(z)))`: BCE of the fake logits against
/// the label "real" (1). Its gradient stays strong while the discriminator wins.
///
/// - `fake_logits`: `[B, 1]`
/// - returns: `[1]`
pub fn non_saturating_generator_loss(fake_logits: Tensor<2>) -> Tensor<1> {
    let targets = fake_logits.ones_like();
    bce_with_logits(fake_logits, targets)
}

/// The original minimax generator loss `mean(log(1 - D(G(z))))`, computed stably as
/// `-mean(softplus(x))`. It saturates when the discriminator wins; prefer
/// [`non_saturating_generator_loss`] for training.
///
/// - `fake_logits`: `[B, 1]`
/// - returns: `[1]`
pub fn minimax_generator_loss(fake_logits: Tensor<2>) -> Tensor<1> {
    softplus(fake_logits, 1.0).mean().neg()
}
