//! Gradient penalties: WGAN-GP's on interpolates and the zero-centred R1 on real data, exact
//! through a critic's explicit input gradient, and a finite-difference variant for critics
//! without one.

use crate::Discriminator;
use crate::wgan::InputGradient;
use burn::prelude::*;

/// A penalty and the mean input-gradient norm it was computed from.
#[derive(Debug, Clone)]
pub struct Penalty {
    /// The penalty, `[1]`, without its weight (λ or γ/2).
    pub value: Tensor<1>,
    /// The mean of the per-sample gradient norms ‖∇ₓD(x)‖₂, `[1]`, detached (for logs).
    pub mean_gradient_norm: Tensor<1>,
}

/// Per-sample L2 norms of `[B, C, H, W]` gradients: `[B]`.
pub fn gradient_norms(gradient: Tensor<4>) -> Tensor<1> {
    let [batch, ..] = gradient.dims();
    let flat: Tensor<2> = gradient.flatten(1, 3);
    flat.square().sum_dim(1).reshape([batch]).sqrt()
}

/// Random interpolates `ε x + (1 − ε) x̃` between real and generated images.
///
/// - `real`, `fake`: `[B, C, H, W]`; `epsilon`: `[B]` in `[0, 1]`
/// - returns: `[B, C, H, W]`
pub fn interpolate(real: Tensor<4>, fake: Tensor<4>, epsilon: Tensor<1>) -> Tensor<4> {
    let [batch] = epsilon.dims();
    let epsilon: Tensor<4> = epsilon.reshape([batch, 1, 1, 1]);
    fake.clone() + (real - fake) * epsilon
}

/// The WGAN-GP penalty `mean((‖∇x̂ D(x̂)‖₂ − 1)²)` at `x̂ = ε x + (1 − ε) x̃`, exact: its weight
/// gradients equal PyTorch's double backward.
///
/// - `real`, `fake`: `[B, C, H, W]` (`fake` detached); `epsilon`: `[B]` in `[0, 1]`
pub fn gradient_penalty<C: InputGradient>(
    critic: &C,
    real: Tensor<4>,
    fake: Tensor<4>,
    epsilon: Tensor<1>,
) -> Penalty {
    let gradient = critic.input_gradient(interpolate(real, fake, epsilon));
    let norms = gradient_norms(gradient);
    Penalty {
        mean_gradient_norm: norms.clone().detach().mean(),
        value: norms.sub_scalar(1.0).square().mean(),
    }
}

/// The zero-centred R1 penalty (Mescheder et al. 2018) `mean(‖∇ₓD(x)‖₂²)` on real images,
/// exact. Weighted by γ/2 in the paper.
///
/// - `real`: `[B, C, H, W]`
pub fn r1_penalty<C: InputGradient>(critic: &C, real: Tensor<4>) -> Penalty {
    r1_of_gradient(critic.input_gradient(real))
}

/// The R1 penalty `mean(‖g‖₂²)` of input gradients `g`, `[B, C, H, W]` (from
/// [`InputGradient`] or `Discriminator::exact_input_gradient`), differentiable through them.
pub fn r1_of_gradient(gradient: Tensor<4>) -> Penalty {
    let [batch, ..] = gradient.dims();
    let squared: Tensor<1> = gradient
        .flatten::<2>(1, 3)
        .square()
        .sum_dim(1)
        .reshape([batch]);
    Penalty {
        mean_gradient_norm: squared.clone().detach().sqrt().mean(),
        value: squared.mean(),
    }
}

/// The WGAN-GP penalty for any discriminator, **approximate**: the value is exact, its weight
/// gradient is a central finite difference of a Hessian-vector product.
///
/// The input gradient `g` comes from one backward pass (it has no graph), then
/// `∂/∂θ mean((‖g‖ − 1)²) = Σᵢ (∂gᵢ/∂θ)ᵀ vᵢ` with `vᵢ = 2(‖gᵢ‖ − 1) gᵢ / (B ‖gᵢ‖)` is
/// approximated by `∂/∂θ Σᵢ [D(x̂ᵢ + h vᵢ) − D(x̂ᵢ − h vᵢ)] / 2h`; `relative_step` sets the
/// largest input perturbation `h·max|v|`. For smooth critics the error is O(h²); for
/// piecewise-linear ones (LeakyReLU) every activation kink the perturbation crosses adds an
/// error of order 1/h, so the step must be small: 1e-4 matched the exact gradients to about 1%
/// on gan-core's test critic, 1e-2 was off by several times, and below 1e-5 f32 round-off
/// dominates. Use [`gradient_penalty`] when the critic implements [`InputGradient`].
///
/// The images must live on an autodiff device.
pub fn finite_difference_gradient_penalty<D: Discriminator>(
    discriminator: &D,
    real: Tensor<4>,
    fake: Tensor<4>,
    epsilon: Tensor<1>,
    relative_step: f64,
) -> Penalty {
    let [batch, ..] = real.dims();
    let point = interpolate(real, fake, epsilon).detach().require_grad();
    let grads = discriminator.logits(point.clone()).sum().backward();
    let gradient = match point.grad(&grads) {
        Some(g) => g.autodiff(),
        None => point.zeros_like().detach(),
    };
    let norms = gradient_norms(gradient.clone());
    let value = norms.clone().sub_scalar(1.0).square().mean();
    let scale = (norms.clone().sub_scalar(1.0) * 2.0
        / (norms.clone().clamp_min(1e-12) * batch as f64))
        .reshape([batch, 1, 1, 1]);
    let direction = (gradient * scale).detach();
    let largest = direction.clone().abs().max().into_scalar::<f32>() as f64;
    let h = relative_step / largest.max(1e-12);
    let point = point.detach();
    let plus = discriminator.logits(point.clone() + direction.clone().mul_scalar(h));
    let minus = discriminator.logits(point - direction.mul_scalar(h));
    let surrogate = (plus - minus).sum().div_scalar(2.0 * h);
    Penalty {
        mean_gradient_norm: norms.mean().detach(),
        // The exact value, with the finite difference's gradient.
        value: value.detach() + surrogate.clone() - surrogate.detach(),
    }
}
