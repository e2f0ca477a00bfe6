//! The backend extension that routes the networks' convolutions through our own weight
//! gradients on flex: a convolution whose forward pass and input gradient are the backend's
//! own, and whose weight gradient is [`weight_gradient`](super::weight_gradient)'s column GEMM.
//!
//! Burn 0.22's tensors dispatch over a closed set of backends, so a wrapper backend cannot be
//! chosen by device; a backend extension (`#[backend_extension]`) is the supported route. The
//! autodiff implementation is handwritten (the macro does not derive backward passes), in the
//! pattern of burn-autodiff's own convolutions.

use super::forward::conv2d_forward;
use super::transposed::{conv_transpose2d_forward, transposed_output};
use super::weight_gradient::{
    ConvGeometry, conv_transpose2d_weight_gradient, conv2d_weight_gradient,
};
use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::ops::{ConvOptions, ConvTransposeOptions};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, backend_extension};

/// Convolutions without bias whose weight gradient a backend may compute its own way.
#[backend_extension(Flex, Autodiff)]
pub trait FastConv: Backend {
    /// `conv2d(x, weight)` without bias; `x` `[B, C_in, H, W]`, `weight` `[C_out, C_in, kh, kw]`.
    fn fast_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        Self::conv2d(x, weight, None, options)
    }

    /// The weight gradient of [`fast_conv2d`](FastConv::fast_conv2d), `[C_out, C_in, kh, kw]`.
    fn fast_conv2d_weight_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        Self::conv2d_weight_backward(x, weight, output_grad, options)
    }

    /// `conv_transpose2d(x, weight)` without bias; `weight` `[C_in, C_out, kh, kw]`.
    fn fast_conv_transpose2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        options: ConvTransposeOptions<2>,
    ) -> FloatTensor<Self> {
        Self::conv_transpose2d(x, weight, None, options)
    }

    /// The weight gradient of [`fast_conv_transpose2d`](FastConv::fast_conv_transpose2d).
    fn fast_conv_transpose2d_weight_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
        options: ConvTransposeOptions<2>,
    ) -> FloatTensor<Self> {
        Self::conv_transpose2d_weight_backward(x, weight, output_grad, options)
    }
}

#[cfg(feature = "flex")]
mod flex {
    use super::*;
    use burn::backend::Flex;
    use burn::backend::TensorMetadata;
    use burn::backend::flex::FlexTensor;
    use burn::backend::ops::ModuleOps;
    use burn::tensor::{DType, Shape, TensorData};

    /// A contiguous f32 copy (or view) of `tensor`'s values, or `None` for other dtypes.
    fn values(tensor: &FlexTensor) -> Option<std::borrow::Cow<'_, [f32]>> {
        if tensor.dtype() != DType::F32 {
            return None;
        }
        Some(match tensor.as_slice::<f32>() {
            Some(slice) => std::borrow::Cow::Borrowed(slice),
            None => std::borrow::Cow::Owned(tensor.to_contiguous().as_slice::<f32>()?.to_vec()),
        })
    }

    fn dims(tensor: &FlexTensor) -> [usize; 4] {
        let shape = tensor.shape();
        [shape[0], shape[1], shape[2], shape[3]]
    }

    fn tensor(values: Vec<f32>, shape: [usize; 4]) -> FlexTensor {
        FlexTensor::from_data(TensorData::new(values, Shape::new(shape)))
    }

    /// The geometry of `conv2d(x, weight)` when our kernels cover it: one group, no dilation,
    /// symmetric padding, a kernel that fits.
    fn conv_geometry(
        x: &FlexTensor,
        weight: &FlexTensor,
        options: &ConvOptions<2>,
    ) -> Option<ConvGeometry> {
        let [batch, channels_in, h, w] = dims(x);
        let [channels_out, _, kh, kw] = dims(weight);
        let [(top, bottom), (left, right)] = options.padding;
        let geometry = ConvGeometry {
            batch,
            channels_in,
            channels_out,
            input: [h, w],
            kernel: [kh, kw],
            stride: options.stride,
            padding: [top, left],
        };
        let plain = options.groups == 1 && options.dilation == [1, 1];
        (plain && top == bottom && left == right && geometry.output().is_some()).then_some(geometry)
    }

    /// The geometry of `conv_transpose2d(x, weight)` and its output size when our kernels
    /// cover it: one group, no dilation, a non-empty output.
    fn transposed_geometry(
        x: &FlexTensor,
        weight: &FlexTensor,
        options: &ConvTransposeOptions<2>,
    ) -> Option<(ConvGeometry, [usize; 2])> {
        let [batch, channels_in, h, w] = dims(x);
        let [_, channels_out, kh, kw] = dims(weight);
        let geometry = ConvGeometry {
            batch,
            channels_in,
            channels_out,
            input: [h, w],
            kernel: [kh, kw],
            stride: options.stride,
            padding: options.padding,
        };
        let plain = options.groups == 1 && options.dilation == [1, 1];
        let output = transposed_output(&geometry, options.padding_out)?;
        plain.then_some((geometry, output))
    }

    impl FastConv for Flex {
        fn fast_conv2d(
            x: FloatTensor<Self>,
            weight: FloatTensor<Self>,
            options: ConvOptions<2>,
        ) -> FloatTensor<Self> {
            if let (Some(g), Some(xs), Some(ws)) = (
                conv_geometry(&x, &weight, &options),
                values(&x),
                values(&weight),
            ) {
                let [oh, ow] = g.output().unwrap_or_default();
                let y = conv2d_forward(&xs, &ws, &g);
                return tensor(y, [g.batch, g.channels_out, oh, ow]);
            }
            Self::conv2d(x, weight, None, options)
        }

        fn fast_conv_transpose2d(
            x: FloatTensor<Self>,
            weight: FloatTensor<Self>,
            options: ConvTransposeOptions<2>,
        ) -> FloatTensor<Self> {
            if let (Some((g, [oh, ow])), Some(xs), Some(ws)) = (
                transposed_geometry(&x, &weight, &options),
                values(&x),
                values(&weight),
            ) {
                let y = conv_transpose2d_forward(&xs, &ws, &g, options.padding_out);
                return tensor(y, [g.batch, g.channels_out, oh, ow]);
            }
            Self::conv_transpose2d(x, weight, None, options)
        }

        fn fast_conv2d_weight_backward(
            x: FloatTensor<Self>,
            weight: FloatTensor<Self>,
            output_grad: FloatTensor<Self>,
            options: ConvOptions<2>,
        ) -> FloatTensor<Self> {
            if let (Some(g), Some(xs), Some(gs)) = (
                conv_geometry(&x, &weight, &options),
                values(&x),
                values(&output_grad),
            ) {
                let grad = conv2d_weight_gradient(&xs, &gs, &g);
                return tensor(
                    grad,
                    [g.channels_out, g.channels_in, g.kernel[0], g.kernel[1]],
                );
            }
            Self::conv2d_weight_backward(x, weight, output_grad, options)
        }

        fn fast_conv_transpose2d_weight_backward(
            x: FloatTensor<Self>,
            weight: FloatTensor<Self>,
            output_grad: FloatTensor<Self>,
            options: ConvTransposeOptions<2>,
        ) -> FloatTensor<Self> {
            let geometry = transposed_geometry(&x, &weight, &options)
                .filter(|_| options.padding_out == [0, 0]);
            if let (Some((g, _)), Some(xs), Some(gs)) = (geometry, values(&x), values(&output_grad))
            {
                let grad = conv_transpose2d_weight_gradient(&xs, &gs, &g);
                return tensor(
                    grad,
                    [g.channels_in, g.channels_out, g.kernel[0], g.kernel[1]],
                );
            }
            Self::conv_transpose2d_weight_backward(x, weight, output_grad, options)
        }
    }
}

/// The backward pass of [`FastConv::fast_conv2d`] on autodiff: the input gradient as the
/// backend computes it, the weight gradient through the extension.
#[derive(Debug)]
struct FastConv2dBackward;

impl<B: Backend + FastConv> Backward<B, 2> for FastConv2dBackward {
    type State = (NodeId, NodeId, ConvOptions<2>);

    fn backward(
        self,
        ops: Ops<Self::State, 2>,
        grads: &mut Gradients,
        checkpointer: &mut Checkpointer,
    ) {
        let [node_x, node_weight] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let (x_state, weight_state, options) = ops.state;
        let x = checkpointer.retrieve_node_output::<FloatTensor<B>>(x_state);
        let weight = checkpointer.retrieve_node_output::<FloatTensor<B>>(weight_state);
        if let Some(node) = node_x {
            let x_grad = conv2d_x_backward::<B>(&x, weight.clone(), grad.clone(), &options);
            grads.register::<B>(node.id, x_grad);
        }
        if let Some(node) = node_weight {
            let weight_grad = B::fast_conv2d_weight_backward(x, weight, grad, options);
            grads.register::<B>(node.id, weight_grad);
        }
    }
}

/// The input gradient of `y = conv2d(x, weight)`: the transposed convolution of the output
/// gradient, through [`FastConv::fast_conv_transpose2d`] (Burn's `conv2d_x_backward` for
/// asymmetric padding, dilation or groups).
fn conv2d_x_backward<B: Backend + FastConv>(
    x: &FloatTensor<B>,
    weight: FloatTensor<B>,
    output_grad: FloatTensor<B>,
    options: &ConvOptions<2>,
) -> FloatTensor<B> {
    use burn::backend::TensorMetadata;
    let [(top, bottom), (left, right)] = options.padding;
    if top != bottom || left != right || options.dilation != [1, 1] || options.groups != 1 {
        return B::conv2d_x_backward(x.clone(), weight, output_grad, options.clone());
    }
    let (x_shape, w_shape, g_shape) = (x.shape(), weight.shape(), output_grad.shape());
    // The rows and columns the convolution's stride skipped at the end.
    let padding_out = |d: usize, pad: usize| {
        x_shape[2 + d] + 2 * pad - w_shape[2 + d] - (g_shape[2 + d] - 1) * options.stride[d]
    };
    let transposed = ConvTransposeOptions::new(
        options.stride,
        [top, left],
        [padding_out(0, top), padding_out(1, left)],
        [1, 1],
        1,
    );
    B::fast_conv_transpose2d(output_grad, weight, transposed)
}

/// The backward pass of [`FastConv::fast_conv_transpose2d`] on autodiff.
#[derive(Debug)]
struct FastConvTranspose2dBackward;

impl<B: Backend + FastConv> Backward<B, 2> for FastConvTranspose2dBackward {
    type State = (NodeId, NodeId, ConvTransposeOptions<2>);

    fn backward(
        self,
        ops: Ops<Self::State, 2>,
        grads: &mut Gradients,
        checkpointer: &mut Checkpointer,
    ) {
        let [node_x, node_weight] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let (x_state, weight_state, options) = ops.state;
        let x = checkpointer.retrieve_node_output::<FloatTensor<B>>(x_state);
        let weight = checkpointer.retrieve_node_output::<FloatTensor<B>>(weight_state);
        if let Some(node) = node_x {
            let x_grad = if options.padding_out == [0, 0]
                && options.groups == 1
                && options.dilation == [1, 1]
            {
                let forward = ConvOptions::new(options.stride, options.padding, [1, 1], 1);
                B::fast_conv2d(grad.clone(), weight.clone(), forward)
            } else {
                B::conv_transpose2d_x_backward(weight.clone(), grad.clone(), options.clone())
            };
            grads.register::<B>(node.id, x_grad);
        }
        if let Some(node) = node_weight {
            let weight_grad = B::fast_conv_transpose2d_weight_backward(x, weight, grad, options);
            grads.register::<B>(node.id, weight_grad);
        }
    }
}

impl<B: Backend + FastConv, C: CheckpointStrategy> FastConv for Autodiff<B, C> {
    fn fast_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        match FastConv2dBackward
            .prepare::<C>([x.node(), weight.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let x_state = prep.checkpoint(&x);
                let weight_state = prep.checkpoint(&weight);
                prep.finish(
                    (x_state, weight_state, options.clone()),
                    B::fast_conv2d(x.into_primitive(), weight.into_primitive(), options),
                )
            }
            OpsKind::UnTracked(prep) => prep.finish(B::fast_conv2d(
                x.into_primitive(),
                weight.into_primitive(),
                options,
            )),
        }
    }

    fn fast_conv_transpose2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        options: ConvTransposeOptions<2>,
    ) -> FloatTensor<Self> {
        match FastConvTranspose2dBackward
            .prepare::<C>([x.node(), weight.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let x_state = prep.checkpoint(&x);
                let weight_state = prep.checkpoint(&weight);
                prep.finish(
                    (x_state, weight_state, options.clone()),
                    B::fast_conv_transpose2d(x.into_primitive(), weight.into_primitive(), options),
                )
            }
            OpsKind::UnTracked(prep) => prep.finish(B::fast_conv_transpose2d(
                x.into_primitive(),
                weight.into_primitive(),
                options,
            )),
        }
    }
}
