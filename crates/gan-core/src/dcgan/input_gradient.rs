//! The DCGAN discriminator's input gradient as an ordinary forward pass (as the WGAN-GP
//! critic's): convolutions' adjoints are transposed convolutions with the same (spectrally
//! normalised) weights, LeakyReLU's is its slope mask. First-order autodiff of a penalty on
//! it gives exact second-order weight gradients, which R1 needs (Burn has no double backward).
//!
//! Exact when the discriminator is spectrally normalised (no BatchNorm: each image is judged
//! alone). With BatchNorm, a training-mode gradient would couple the images of a batch; the
//! blocks' normalisation is then taken as its inference-mode affine map, which is not the
//! training gradient ([`DcganDiscriminator::has_exact_input_gradient`] says which).

use super::discriminator::{DcganDiscriminator, LEAKY_SLOPE};
use crate::activation::leaky_relu;
use crate::conv::{conv_transpose2d, conv2d};
use crate::spectral_norm::SpectralNorm;
use crate::wgan::InputGradient;
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};

/// The weight a layer convolves with: spectrally normalised when `spectral` is given (one
/// power iteration in training, as its forward pass does).
fn effective_weight(conv: &Conv2d, spectral: Option<&SpectralNorm>) -> Tensor<4> {
    match spectral {
        Some(spectral) => spectral.normalize(conv.weight.val()),
        None => conv.weight.val(),
    }
}

/// The LeakyReLU's derivative at pre-activations `a`: `slope` where `a < 0`, else 1.
fn slope_mask(a: &Tensor<4>) -> Tensor<4> {
    a.clone()
        .detach()
        .lower_elem(0.0)
        .float()
        .mul_scalar(LEAKY_SLOPE - 1.0)
        .add_scalar(1.0)
}

impl DcganDiscriminator {
    /// Whether [`InputGradient`] is the exact gradient: the discriminator has no BatchNorm
    /// (it is spectrally normalised).
    pub fn has_exact_input_gradient(&self) -> bool {
        self.blocks.iter().all(|block| block.norm.is_none())
    }
}

impl InputGradient for DcganDiscriminator {
    fn scores_and_input_gradient(&self, images: Tensor<4>) -> (Tensor<2>, Tensor<4>) {
        let [batch, ..] = images.dims();
        let device = images.device();
        let stride2 = ConvOptions::new([2, 2], [1, 1], [1, 1], 1);
        let adjoint2 = ConvTransposeOptions::new([2, 2], [1, 1], [0, 0], [1, 1], 1);

        // Forward, keeping each layer's weight and pre-activation.
        let mut weights = Vec::with_capacity(self.blocks.len() + 1);
        let mut masks = Vec::with_capacity(self.blocks.len() + 1);
        let mut scales = Vec::with_capacity(self.blocks.len() + 1);
        let w = effective_weight(&self.input, self.spectral.first());
        let a = conv2d(images, w.clone(), None, stride2.clone());
        masks.push(slope_mask(&a));
        scales.push(None);
        weights.push(w);
        let mut x = leaky_relu(a, LEAKY_SLOPE);
        for block in &self.blocks {
            let w = effective_weight(&block.conv, block.spectral.as_ref());
            let mut a = conv2d(x, w.clone(), None, stride2.clone());
            let mut scale = None;
            if let Some(norm) = &block.norm {
                // Inference-mode affine map: a·γ/√(var+ε) + (β − mean·γ/√(var+ε)).
                let channels = norm.gamma.dims()[0];
                let (mean, var) = (
                    norm.running_mean.value().to_device(&device),
                    norm.running_var.value().to_device(&device),
                );
                let s = norm.gamma.val().detach() / var.add_scalar(norm.epsilon).sqrt();
                let shift = norm.beta.val().detach() - mean * s.clone();
                let s = s.reshape([1, channels, 1, 1]);
                a = a * s.clone() + shift.reshape([1, channels, 1, 1]);
                scale = Some(s);
            }
            masks.push(slope_mask(&a));
            scales.push(scale);
            weights.push(w);
            x = leaky_relu(a, LEAKY_SLOPE);
        }
        let w_out = effective_weight(&self.output, self.spectral.get(1));
        let scores = conv2d(
            x,
            w_out.clone(),
            None,
            ConvOptions::new([1, 1], [0, 0], [1, 1], 1),
        )
        .reshape([batch, 1]);

        // Adjoint: d(sum of scores)/d(images).
        let mut g = conv_transpose2d(
            Tensor::ones([batch, 1, 1, 1], &device),
            w_out,
            None,
            ConvTransposeOptions::new([1, 1], [0, 0], [0, 0], [1, 1], 1),
        );
        for ((w, mask), scale) in weights.into_iter().zip(masks).zip(scales).rev() {
            g = g * mask;
            if let Some(scale) = scale {
                g = g * scale;
            }
            g = conv_transpose2d(g, w, None, adjoint2.clone());
        }
        (scores, g)
    }
}
