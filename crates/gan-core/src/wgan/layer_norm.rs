//! Layer normalisation over each sample's `[C, H, W]`, with the backward formula written out so
//! that a critic's input gradient stays differentiable.

use burn::module::Param;
use burn::nn::Initializer;
use burn::prelude::*;

/// `y = (x - mean) / sqrt(var + eps) * gamma + beta`, statistics over each sample's `[C, H, W]`
/// (PyTorch's `nn.LayerNorm([C, H, W])`, as the WGAN-GP paper recommends for critics).
#[derive(Module, Debug)]
pub struct SampleLayerNorm {
    /// Scale, `[C, H, W]`, initialised to 1.
    pub gamma: Param<Tensor<3>>,
    /// Shift, `[C, H, W]`, initialised to 0.
    pub beta: Param<Tensor<3>>,
    /// Added to the variance.
    pub epsilon: f64,
}

/// What the backward formula needs from the forward pass.
#[derive(Debug, Clone)]
pub struct LayerNormCache {
    normalized: Tensor<4>,
    inverse_std: Tensor<4>,
}

impl SampleLayerNorm {
    /// A layer norm over `[channels, size, size]`.
    pub fn new(shape: [usize; 3], device: &Device) -> Self {
        Self {
            gamma: Initializer::Ones.init(shape, device),
            beta: Initializer::Zeros.init(shape, device),
            epsilon: 1e-5,
        }
    }

    /// `[B, C, H, W]` to `[B, C, H, W]`, with the values the backward formula needs.
    pub fn forward_cached(&self, x: Tensor<4>) -> (Tensor<4>, LayerNormCache) {
        let [b, c, h, w] = x.dims();
        let flat: Tensor<2> = x.reshape([b, c * h * w]);
        let mean = flat.clone().mean_dim(1);
        let centered = flat - mean;
        let var = centered.clone().square().mean_dim(1);
        let inverse_std = var.add_scalar(self.epsilon).sqrt().recip();
        let normalized = (centered * inverse_std.clone()).reshape([b, c, h, w]);
        let inverse_std: Tensor<4> = inverse_std.reshape([b, 1, 1, 1]);
        let gamma = self.gamma.val().unsqueeze::<4>();
        let beta = self.beta.val().unsqueeze::<4>();
        let y = normalized.clone() * gamma + beta;
        (
            y,
            LayerNormCache {
                normalized,
                inverse_std,
            },
        )
    }

    /// The forward pass, `[B, C, H, W]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.forward_cached(x).0
    }

    /// The adjoint: the gradient with respect to the input from the gradient `upstream` with
    /// respect to the output, `[B, C, H, W]` both.
    ///
    /// `g_x = inv_std * (g_n - mean(g_n) - n * mean(g_n * n))` with `g_n = upstream * gamma`
    /// and `n` the normalised input, means over each sample.
    pub fn backward(&self, upstream: Tensor<4>, cache: &LayerNormCache) -> Tensor<4> {
        let [b, c, h, w] = upstream.dims();
        let g_n: Tensor<2> = (upstream * self.gamma.val().unsqueeze::<4>()).reshape([b, c * h * w]);
        let n: Tensor<2> = cache.normalized.clone().reshape([b, c * h * w]);
        let mean_g = g_n.clone().mean_dim(1);
        let mean_gn = (g_n.clone() * n.clone()).mean_dim(1);
        let g_x = g_n - mean_g - n * mean_gn;
        g_x.reshape([b, c, h, w]) * cache.inverse_std.clone()
    }
}
