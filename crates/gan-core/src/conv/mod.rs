//! The networks' convolutions and transposed convolutions, with kernels of our own on the CPU.
//!
//! [`conv2d`] and [`conv_transpose2d`] compute what `burn::tensor::module`'s functions of the
//! same names compute. On flex (the CPU backend), for one group, no dilation and symmetric
//! padding, they run our own kernels: the forward convolution ([`forward`]) and the transposed
//! one ([`transposed`]) as one GEMM per block of samples, each the other's input gradient, and
//! the weight gradients as column GEMMs ([`weight_gradient`]), where flex runs one narrow GEMM
//! per sample or per channel (`cargo bench --bench conv_ops` has both, layer by layer). A
//! convolution's bias is added after it. Everything else (WGPU, CUDA, ndarray, grouped or
//! dilated convolutions, output padding of a transposed convolution) goes to Burn's functions
//! unchanged.

pub mod extension;
pub mod forward;
mod scratch;
pub mod transposed;
pub mod weight_gradient;

use burn::backend::{Dispatch, DispatchDevice};
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::prelude::*;
use burn::tensor::module;
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};
use extension::FastConv;

/// Whether `device` (or the device it adds autodiff to) is flex's.
pub(crate) fn on_flex(device: &Device) -> bool {
    #[cfg(feature = "flex")]
    {
        matches!(
            device.clone().without_autodiff().as_dispatch(),
            DispatchDevice::Flex(_)
        )
    }
    #[cfg(not(feature = "flex"))]
    {
        let _ = device;
        false
    }
}

/// `conv2d(x, weight, bias)`, as `burn::tensor::module::conv2d`.
///
/// - `x`: `[B, C_in, H, W]`; `weight`: `[C_out, C_in / groups, kh, kw]`; `bias`: `[C_out]`
/// - returns `[B, C_out, H_out, W_out]`
pub fn conv2d(
    x: Tensor<4>,
    weight: Tensor<4>,
    bias: Option<Tensor<1>>,
    options: ConvOptions<2>,
) -> Tensor<4> {
    let [(top, bottom), (left, right)] = options.padding;
    let fast = options.groups == 1
        && options.dilation == [1, 1]
        && top == bottom
        && left == right
        && on_flex(&x.device());
    if !fast {
        return module::conv2d(x, weight, bias, options);
    }
    let y: Tensor<4> = Tensor::from_dispatch(<Dispatch as FastConv>::fast_conv2d(
        x.into_dispatch(),
        weight.into_dispatch(),
        options,
    ));
    match bias {
        Some(bias) => {
            let channels = bias.dims()[0];
            y + bias.reshape([1, channels, 1, 1])
        }
        None => y,
    }
}

/// `conv_transpose2d(x, weight, bias)`, as `burn::tensor::module::conv_transpose2d`.
///
/// - `x`: `[B, C_in, H, W]`; `weight`: `[C_in, C_out / groups, kh, kw]`; `bias`: `[C_out]`
/// - returns `[B, C_out, H_out, W_out]`
pub fn conv_transpose2d(
    x: Tensor<4>,
    weight: Tensor<4>,
    bias: Option<Tensor<1>>,
    options: ConvTransposeOptions<2>,
) -> Tensor<4> {
    let fast = bias.is_none()
        && options.groups == 1
        && options.dilation == [1, 1]
        && options.padding_out == [0, 0]
        && on_flex(&x.device());
    if !fast {
        return module::conv_transpose2d(x, weight, bias, options);
    }
    Tensor::from_dispatch(<Dispatch as FastConv>::fast_conv_transpose2d(
        x.into_dispatch(),
        weight.into_dispatch(),
        options,
    ))
}

/// `conv.forward(x)` through [`conv2d`]: the same result, with the fast weight gradient
/// where it applies. Explicit paddings only (the networks' layers have them); `Same` and
/// `Valid` go to `conv.forward` unchanged.
///
/// - `x`: `[B, C_in, H, W]`; returns `[B, C_out, H_out, W_out]`
pub fn conv2d_layer(conv: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    let padding = match conv.padding {
        PaddingConfig2d::Explicit(top, left, bottom, right) => [(top, bottom), (left, right)],
        _ => return conv.forward(x),
    };
    let options = ConvOptions::new_with_padding(conv.stride, padding, conv.dilation, conv.groups);
    conv2d(
        x,
        conv.weight.val(),
        conv.bias.as_ref().map(|b| b.val()),
        options,
    )
}

/// `conv.forward(x)` through [`conv_transpose2d`]: the same result, with the fast weight
/// gradient where it applies.
///
/// - `x`: `[B, C_in, H, W]`; returns `[B, C_out, H_out, W_out]`
pub fn conv_transpose2d_layer(conv: &ConvTranspose2d, x: Tensor<4>) -> Tensor<4> {
    let options = ConvTransposeOptions::new(
        conv.stride,
        conv.padding,
        conv.padding_out,
        conv.dilation,
        conv.groups,
    );
    conv_transpose2d(
        x,
        conv.weight.val(),
        conv.bias.as_ref().map(|b| b.val()),
        options,
    )
}
