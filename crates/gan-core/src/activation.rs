//! LeakyReLU as one pass forward and one pass backward on flex.
//!
//! Burn composes `leaky_relu` from a comparison, a scaled copy and a masked select, and its
//! autodiff differentiates that composition (two masked selects, a scaling and a sum): about
//! eight passes over each activation per training step, which at DCGAN's sizes cost as much as
//! a convolution. [`leaky_relu`] gives the same values bit for bit (`x < 0 ? x·slope : x`, with
//! the gradient `x < 0 ? g·slope : g`) in one pass each way on flex, and is Burn's function on
//! every other backend.

use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, backend_extension};
use burn::prelude::*;

/// LeakyReLU with its own backward pass.
#[backend_extension(Flex, Autodiff)]
pub trait FastActivation: Backend {
    /// `x < 0 ? x·slope : x`, elementwise.
    fn fast_leaky_relu(x: FloatTensor<Self>, slope: f64) -> FloatTensor<Self> {
        Self::leaky_relu(x, slope.into())
    }

    /// The gradient of [`fast_leaky_relu`](FastActivation::fast_leaky_relu) at `x`:
    /// `x < 0 ? grad·slope : grad`.
    fn fast_leaky_relu_backward(
        x: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        slope: f64,
    ) -> FloatTensor<Self> {
        composed_backward::<Self>(x, grad, slope)
    }
}

/// `x < 0 ? grad·slope : grad` from the backend's own operations.
fn composed_backward<B: Backend>(
    x: FloatTensor<B>,
    grad: FloatTensor<B>,
    slope: f64,
) -> FloatTensor<B> {
    use burn::backend::TensorMetadata;
    let bool_dtype = burn::backend::get_or_init_device_settings::<B>(&x.device()).bool_dtype;
    let negative = B::float_lower_elem(x, 0f32.into(), bool_dtype);
    let scaled = B::float_mul_scalar(grad.clone(), slope.into());
    B::float_mask_where(grad, negative, scaled)
}

#[cfg(feature = "flex")]
mod flex {
    use super::*;
    use burn::backend::Flex;
    use burn::backend::TensorMetadata;
    use burn::backend::flex::FlexTensor;
    use burn::backend::ops::ActivationOps;
    use burn::tensor::{DType, TensorData};

    /// `f` applied elementwise to contiguous f32 tensors of one shape, or `None`.
    fn map2(
        a: &FlexTensor,
        b: Option<&FlexTensor>,
        f: impl Fn(f32, f32) -> f32 + Sync,
    ) -> Option<FlexTensor> {
        use rayon::prelude::*;
        if a.dtype() != DType::F32
            || b.is_some_and(|b| b.dtype() != DType::F32 || b.shape() != a.shape())
        {
            return None;
        }
        let xs = a.as_slice::<f32>()?;
        let ys = match b {
            Some(b) => Some(b.as_slice::<f32>()?),
            None => None,
        };
        let mut out = vec![0.0f32; xs.len()];
        const CHUNK: usize = 1 << 14;
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(i, chunk)| {
                let x = &xs[i * CHUNK..][..chunk.len()];
                match ys {
                    Some(ys) => {
                        let y = &ys[i * CHUNK..][..chunk.len()];
                        for ((o, &x), &y) in chunk.iter_mut().zip(x).zip(y) {
                            *o = f(x, y);
                        }
                    }
                    None => {
                        for (o, &x) in chunk.iter_mut().zip(x) {
                            *o = f(x, 0.0);
                        }
                    }
                }
            });
        Some(FlexTensor::from_data(TensorData::new(out, a.shape())))
    }

    impl FastActivation for Flex {
        fn fast_leaky_relu(x: FloatTensor<Self>, slope: f64) -> FloatTensor<Self> {
            use rayon::prelude::*;
            let s = slope as f32;
            let f = move |x: f32| if x < 0.0 { x * s } else { x };
            let mut x = x;
            // A tensor nobody else holds (inference) is changed in place, as flex's own
            // elementwise operations do: no allocation, no page faults.
            if x.dtype() == DType::F32
                && x.is_contiguous()
                && x.layout().start_offset() == 0
                && let Some(values) = x.try_storage_mut::<f32>()
            {
                values
                    .par_chunks_mut(1 << 14)
                    .for_each(|chunk| chunk.iter_mut().for_each(|v| *v = f(*v)));
                return x;
            }
            map2(&x, None, |v, _| f(v)).unwrap_or_else(|| Self::leaky_relu(x, slope.into()))
        }

        fn fast_leaky_relu_backward(
            x: FloatTensor<Self>,
            grad: FloatTensor<Self>,
            slope: f64,
        ) -> FloatTensor<Self> {
            let s = slope as f32;
            if let Some(out) = map2(&x, Some(&grad), |x, g| if x < 0.0 { g * s } else { g }) {
                return out;
            }
            composed_backward::<Self>(x, grad, slope)
        }
    }
}

/// The backward pass of [`FastActivation::fast_leaky_relu`] on autodiff.
#[derive(Debug)]
struct LeakyReluBackward;

impl<B: Backend + FastActivation> Backward<B, 1> for LeakyReluBackward {
    type State = (NodeId, f64);

    fn backward(
        self,
        ops: Ops<Self::State, 1>,
        grads: &mut Gradients,
        checkpointer: &mut Checkpointer,
    ) {
        let [node_x] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let (x_state, slope) = ops.state;
        let x = checkpointer.retrieve_node_output::<FloatTensor<B>>(x_state);
        if let Some(node) = node_x {
            grads.register::<B>(node.id, B::fast_leaky_relu_backward(x, grad, slope));
        }
    }
}

impl<B: Backend + FastActivation, C: CheckpointStrategy> FastActivation for Autodiff<B, C> {
    fn fast_leaky_relu(x: FloatTensor<Self>, slope: f64) -> FloatTensor<Self> {
        match LeakyReluBackward
            .prepare::<C>([x.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let x_state = prep.checkpoint(&x);
                prep.finish(
                    (x_state, slope),
                    B::fast_leaky_relu(x.into_primitive(), slope),
                )
            }
            OpsKind::UnTracked(prep) => prep.finish(B::fast_leaky_relu(x.into_primitive(), slope)),
        }
    }
}

/// `leaky_relu(x, slope)` as `burn::tensor::activation::leaky_relu`, in one pass each way on
/// flex.
///
/// - `x`: any shape; returns the same shape.
pub fn leaky_relu<const D: usize>(x: Tensor<D>, slope: f64) -> Tensor<D> {
    if !crate::conv::on_flex(&x.device()) {
        return burn::tensor::activation::leaky_relu(x, slope);
    }
    Tensor::from_dispatch(<Dispatch as FastActivation>::fast_leaky_relu(
        x.into_dispatch(),
        slope,
    ))
}
