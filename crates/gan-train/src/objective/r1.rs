//! R1 (Mescheder et al. 2018, "Which Training Methods for GANs do actually Converge?"): the
//! zero-centred gradient penalty `γ/2 · mean ‖∇ₓD(x)‖²` on real images, added to the
//! discriminator's loss by the objectives that offer it (hinge and cross-entropy), exact
//! through the discriminator's own input gradient (`Discriminator::exact_input_gradient`).

use burn::prelude::*;
use gan_core::Discriminator;
use gan_core::loss::r1_of_gradient;

/// The name of R1's column in logs: the penalty `mean ‖∇ₓD(x)‖²` before weighting.
pub const R1_METRIC: &str = "r1";

/// Real images' logits, `[B, 1]`, and (with `gamma > 0`) the weighted R1 penalty to add to the
/// discriminator's loss, `[1]`, with the unweighted penalty for the log (detached).
///
/// One forward pass either way: with R1 on, the logits come from the same pass as the
/// gradient. A discriminator without an exact input gradient gets no penalty; training
/// checks for one before it starts (`Experiment::train`).
pub fn real_logits_with_r1<D: Discriminator>(
    discriminator: &D,
    images: Tensor<4>,
    gamma: f64,
) -> (Tensor<2>, Option<(Tensor<1>, Tensor<1>)>) {
    if gamma > 0.0
        && let Some((logits, gradient)) = discriminator.exact_input_gradient(images.clone())
    {
        let penalty = r1_of_gradient(gradient).value;
        let logged = penalty.clone().detach();
        return (logits, Some((penalty.mul_scalar(gamma / 2.0), logged)));
    }
    (discriminator.logits(images), None)
}

/// Whether a value of `r1_gamma` is off: serde skips it then, so runs without R1 record the
/// settings they always did.
pub(crate) fn is_off(gamma: &f64) -> bool {
    *gamma == 0.0
}
