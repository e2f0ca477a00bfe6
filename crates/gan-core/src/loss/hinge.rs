//! The hinge loss (Lim & Ye 2017; Miyato et al. 2018), as SNGAN, SAGAN and BigGAN train: the
//! discriminator is only pushed while its margin is under 1, so it cannot run away from the
//! generator as binary cross-entropy lets it.

use burn::prelude::*;
use burn::tensor::activation::relu;

/// The discriminator's hinge loss `mean(relu(1 − D(x))) + mean(relu(1 + D(G(z))))`.
///
/// - `real_logits`, `fake_logits`: `[B, 1]` (any shape; means over all)
/// - returns: `[1]`
pub fn hinge_discriminator_loss(real_logits: Tensor<2>, fake_logits: Tensor<2>) -> Tensor<1> {
    relu(real_logits.neg().add_scalar(1.0)).mean() + relu(fake_logits.add_scalar(1.0)).mean()
}

/// The generator's hinge loss `−mean(D(G(z)))`.
///
/// - `fake_logits`: `[B, 1]`; returns `[1]`
pub fn hinge_generator_loss(fake_logits: Tensor<2>) -> Tensor<1> {
    fake_logits.mean().neg()
}
