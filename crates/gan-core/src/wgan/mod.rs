//! WGAN-GP (Gulrajani et al. 2017): a DCGAN critic without BatchNorm whose input gradient is an
//! ordinary differentiable computation, so the gradient penalty is exact on Burn's first-order
//! autodiff.
//!
//! Burn 0.22 has no double backward. PyTorch computes the penalty's weight gradients with
//! `autograd.grad(create_graph=True)`; here the critic states the adjoint of each layer
//! (convolution: the transposed convolution with the same weights; LeakyReLU: its mask;
//! LayerNorm: its backward formula), so [`InputGradient::input_gradient`] builds ∇ₓD(x) as a
//! forward pass, and first-order autodiff of a penalty on it gives the exact second-order
//! weight gradients.

mod critic;
mod layer_norm;

pub use critic::{CriticNorm, DcganCritic, DcganCriticConfig};
pub use layer_norm::SampleLayerNorm;

use burn::prelude::*;

/// A critic that can compute the gradient of its scores with respect to its input as an
/// ordinary (differentiable) forward pass.
pub trait InputGradient {
    /// The scores and the gradient of their sum with respect to the input. Samples are
    /// independent (no BatchNorm), so row `i` of the gradient is ∇ₓD(xᵢ).
    ///
    /// - `images`: `[B, C, H, W]`
    /// - returns: scores `[B, 1]` and gradient `[B, C, H, W]`
    fn scores_and_input_gradient(&self, images: Tensor<4>) -> (Tensor<2>, Tensor<4>);

    /// The input gradient alone, `[B, C, H, W]`.
    fn input_gradient(&self, images: Tensor<4>) -> Tensor<4> {
        self.scores_and_input_gradient(images).1
    }
}
