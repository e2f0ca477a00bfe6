//! Spectral normalisation (Miyato et al. 2018, "Spectral Normalization for Generative
//! Adversarial Networks"): a layer's weight divided by its largest singular value, estimated by
//! one power iteration per training forward pass, so the discriminator stays 1-Lipschitz per
//! layer without BatchNorm. As PyTorch's `torch.nn.utils.parametrizations.spectral_norm`: the
//! weight is viewed as a `[out, in·kh·kw]` matrix `W`; in training, `u ← W v / ‖W v‖`, then
//! `v ← Wᵀu / ‖Wᵀu‖` (no gradient); then `σ = uᵀ W v` (with gradient through `W`) and the
//! layer uses `W / σ`. In inference the stored `u`, `v` are used as they are.

use burn::module::{Param, RunningState};
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use burn::tensor::Distribution;

/// PyTorch's `eps` in the power iteration's normalisations.
const EPSILON: f64 = 1e-12;

/// Power iterations when a layer is first normalised, as PyTorch does on registration.
const INITIAL_ITERATIONS: usize = 15;

/// The power-iteration state of one spectrally normalised weight.
#[derive(Module, Debug)]
pub struct SpectralNorm {
    /// The left singular vector estimate, `[out]` (PyTorch's `weight_u`).
    pub u: RunningState<Tensor<1>>,
    /// The right singular vector estimate, `[in·kh·kw]` (PyTorch's `weight_v`).
    pub v: RunningState<Tensor<1>>,
    /// Whether forward passes on an autodiff device run a power iteration.
    pub training: Param<burn::module::Flag>,
}

impl SpectralNorm {
    /// The state for `weight`, `[out, in, kh, kw]`: a random unit `v`, then
    /// 15 power iterations, as PyTorch initialises it.
    pub fn init(weight: &Tensor<4>) -> Self {
        let matrix = as_matrix(weight.clone().detach());
        let [_, columns] = matrix.dims();
        let random = Tensor::random([columns], Distribution::Normal(0.0, 1.0), &weight.device());
        let (mut u, mut v) = power_iteration(&matrix, unit(random));
        for _ in 1..INITIAL_ITERATIONS {
            (u, v) = power_iteration(&matrix, v);
        }
        Self::from_vectors(u, v)
    }

    /// The state with given singular vector estimates `u`, `[out]`, and `v`, `[in·kh·kw]`.
    pub fn from_vectors(u: Tensor<1>, v: Tensor<1>) -> Self {
        Self {
            u: RunningState::new(u),
            v: RunningState::new(v),
            training: Param::from_bool(true),
        }
    }

    /// `weight / σ(weight)`, after one power iteration when training on an autodiff device.
    ///
    /// - `weight`: `[out, in, kh, kw]`; returns the same shape, differentiable in `weight`.
    pub fn normalize(&self, weight: Tensor<4>) -> Tensor<4> {
        let matrix = as_matrix(weight.clone());
        if weight.device().is_autodiff() && self.training.is_enabled() {
            let (u, v) = power_iteration(&matrix.clone().detach(), self.v.value_sync());
            self.u.update(u);
            self.v.update(v);
        }
        let (u, v) = (self.u.value_sync(), self.v.value_sync());
        let sigma: Tensor<1> = (matrix.matmul(v.unsqueeze_dim(1)).squeeze_dim(1) * u).sum();
        weight / sigma.reshape([1, 1, 1, 1])
    }

    /// `conv`'s forward pass with its weight spectrally normalised.
    ///
    /// - `input`: `[B, C_in, H, W]`; returns what `conv.forward` returns.
    pub fn conv2d(&self, conv: &Conv2d, input: Tensor<4>) -> Tensor<4> {
        let weight = self.normalize(conv.weight.val());
        let normalized = Conv2d {
            weight: Param::initialized(conv.weight.id, weight),
            bias: conv.bias.clone(),
            stride: conv.stride,
            kernel_size: conv.kernel_size,
            dilation: conv.dilation,
            groups: conv.groups,
            padding: conv.padding.clone(),
        };
        crate::conv::conv2d_layer(&normalized, input)
    }
}

/// `[out, in, kh, kw]` as `[out, in·kh·kw]`.
fn as_matrix(weight: Tensor<4>) -> Tensor<2> {
    weight.flatten(1, 3)
}

/// `x / max(‖x‖₂, ε)`.
fn unit(x: Tensor<1>) -> Tensor<1> {
    let norm = x.clone().square().sum().sqrt().clamp_min(EPSILON);
    x / norm
}

/// One power iteration from `v`: `u = W v / ‖W v‖`, then `v = Wᵀu / ‖Wᵀu‖`.
fn power_iteration(matrix: &Tensor<2>, v: Tensor<1>) -> (Tensor<1>, Tensor<1>) {
    let u = unit(matrix.clone().matmul(v.unsqueeze_dim(1)).squeeze_dim(1));
    let v = unit(
        matrix
            .clone()
            .transpose()
            .matmul(u.clone().unsqueeze_dim(1))
            .squeeze_dim(1),
    );
    (u, v)
}
