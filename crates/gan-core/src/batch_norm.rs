//! Training-mode BatchNorm over `[B, C, H, W]` in two passes each way on flex.
//!
//! Burn's `batch_norm_train` is one autodiff operation, but flex computes it (and its backward)
//! from tensor operations: the batch and channel axes are swapped and copied twice, and the
//! normalisation takes some ten elementwise passes. [`batch_norm`] is `BatchNorm::forward` with
//! the training path as one pass for the statistics (summed in f64) and one to normalise, and
//! a backward of one pass for the two sums and one for the input gradient. Inference, and every
//! backend but flex, is `BatchNorm::forward` itself.

use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, AutodiffBackend, Backend, Dispatch, backend_extension};
use burn::nn::BatchNorm;
use burn::prelude::*;

/// Training-mode batch normalisation with its own backward pass.
#[backend_extension(Flex, Autodiff)]
pub trait FastBatchNorm: Backend {
    /// Normalises `x` (`[B, C, ...]`) with its own per-channel statistics; returns the output
    /// and the batch mean and biased variance, `[C]` each.
    fn fast_batch_norm_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        epsilon: f64,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>) {
        composed_train::<Self>(x, gamma, beta, epsilon)
    }

    /// Inference-mode normalisation as one pass: `x·scale[c] + shift[c]` over `[B, C, ...]`,
    /// then ReLU when `relu`; `scale` and `shift` are `[C]`.
    fn fast_scale_shift(
        x: FloatTensor<Self>,
        scale: FloatTensor<Self>,
        shift: FloatTensor<Self>,
        relu: bool,
    ) -> FloatTensor<Self> {
        composed_scale_shift::<Self>(x, scale, shift, relu)
    }

    /// Gradients of [`fast_batch_norm_train`](FastBatchNorm::fast_batch_norm_train) for `x`,
    /// `gamma` and `beta`.
    fn fast_batch_norm_train_backward(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        mean: FloatTensor<Self>,
        variance: FloatTensor<Self>,
        epsilon: f64,
        output_grad: FloatTensor<Self>,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>) {
        composed_train_backward::<Self>(x, gamma, mean, variance, epsilon, output_grad)
    }
}

/// Burn's `batch_norm_train`, as `(output, mean, variance)`.
fn composed_train<B: Backend>(
    x: FloatTensor<B>,
    gamma: FloatTensor<B>,
    beta: FloatTensor<B>,
    epsilon: f64,
) -> (FloatTensor<B>, FloatTensor<B>, FloatTensor<B>) {
    let result = B::batch_norm_train(x, gamma, beta, epsilon);
    (result.output, result.mean, result.variance)
}

/// Burn's `batch_norm_train_backward`, as `(x_grad, gamma_grad, beta_grad)`.
fn composed_train_backward<B: Backend>(
    x: FloatTensor<B>,
    gamma: FloatTensor<B>,
    mean: FloatTensor<B>,
    variance: FloatTensor<B>,
    epsilon: f64,
    output_grad: FloatTensor<B>,
) -> (FloatTensor<B>, FloatTensor<B>, FloatTensor<B>) {
    let grads = B::batch_norm_train_backward(x, gamma, mean, variance, epsilon, output_grad);
    (grads.x_grad, grads.gamma_grad, grads.beta_grad)
}

/// `x·scale + shift` per channel (then ReLU) from the backend's own operations.
fn composed_scale_shift<B: Backend>(
    x: FloatTensor<B>,
    scale: FloatTensor<B>,
    shift: FloatTensor<B>,
    relu: bool,
) -> FloatTensor<B> {
    use burn::backend::TensorMetadata;
    let shape = x.shape();
    let mut per_channel = vec![1; shape.num_dims()];
    per_channel[1] = shape[1];
    let per_channel = burn::tensor::Shape::from(per_channel);
    let y = B::float_add(
        B::float_mul(x, B::float_reshape(scale, per_channel.clone())),
        B::float_reshape(shift, per_channel),
    );
    if relu { B::relu(y) } else { y }
}

/// The host kernels on `[B, C, P]` f32 slices, parallel over channels.
pub mod kernels {
    use rayon::prelude::*;

    /// Floats a parallel task covers at least (whole planes of `p` floats each).
    const TASK_FLOATS: usize = 1 << 15;

    /// Calls `f(plane, values)` for each plane of `p` floats of `out` (plane `i` of a
    /// `[B, C, P]` tensor is sample `i / C`, channel `i % C`), in parallel tasks of whole
    /// planes and at least [`TASK_FLOATS`] floats, so that small planes do not make a task each.
    pub fn for_each_plane(out: &mut [f32], p: usize, f: impl Fn(usize, &mut [f32]) + Sync) {
        let p = p.max(1);
        let planes_per_task = TASK_FLOATS.div_ceil(p).max(1);
        out.par_chunks_mut(p * planes_per_task)
            .enumerate()
            .for_each(|(task, chunk)| {
                for (i, plane) in chunk.chunks_mut(p).enumerate() {
                    f(task * planes_per_task + i, plane);
                }
            });
    }

    /// Per-channel mean and biased variance of `x` (`[B, C, P]`), summed in f64.
    pub fn statistics(x: &[f32], [b, c, p]: [usize; 3]) -> (Vec<f32>, Vec<f32>) {
        let n = (b * p) as f64;
        let stats: Vec<(f32, f32)> = (0..c)
            .into_par_iter()
            .map(|ch| {
                let planes = (0..b).map(|i| &x[(i * c + ch) * p..][..p]);
                let sum: f64 = planes
                    .clone()
                    .map(|s| s.iter().map(|&v| v as f64).sum::<f64>())
                    .sum();
                let mean = sum / n;
                let squares: f64 = planes
                    .map(|s| s.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>())
                    .sum();
                (mean as f32, (squares / n) as f32)
            })
            .collect();
        stats.into_iter().unzip()
    }

    /// `(x - mean) / sqrt(var + ε) · gamma + beta`, per channel.
    pub fn normalize(
        x: &[f32],
        [b, c, p]: [usize; 3],
        mean: &[f32],
        variance: &[f32],
        gamma: &[f32],
        beta: &[f32],
        epsilon: f64,
    ) -> Vec<f32> {
        let mut out = vec![0.0f32; x.len()];
        let _ = b;
        for_each_plane(&mut out, p, |plane, o| {
            let ch = plane % c;
            let std = (variance[ch] as f64 + epsilon).sqrt() as f32;
            let (m, g, be) = (mean[ch], gamma[ch], beta[ch]);
            for (o, &v) in o.iter_mut().zip(&x[plane * p..][..p]) {
                *o = (v - m) / std * g + be;
            }
        });
        out
    }

    /// Gradients for `x`, `gamma` and `beta` of [`normalize`] with the batch's own statistics.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        x: &[f32],
        grad: &[f32],
        [b, c, p]: [usize; 3],
        mean: &[f32],
        variance: &[f32],
        gamma: &[f32],
        epsilon: f64,
    ) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let n = (b * p) as f64;
        // Per channel: Σ g and Σ g·x̂.
        let sums: Vec<(f64, f64)> = (0..c)
            .into_par_iter()
            .map(|ch| {
                let inv_std = 1.0 / (variance[ch] as f64 + epsilon).sqrt();
                let m = mean[ch] as f64;
                let (mut sg, mut sgx) = (0.0f64, 0.0f64);
                for i in 0..b {
                    let at = (i * c + ch) * p;
                    for (&gv, &xv) in grad[at..at + p].iter().zip(&x[at..at + p]) {
                        sg += gv as f64;
                        sgx += gv as f64 * (xv as f64 - m) * inv_std;
                    }
                }
                (sg, sgx)
            })
            .collect();
        let mut x_grad = vec![0.0f32; x.len()];
        for_each_plane(&mut x_grad, p, |plane, out| {
            let ch = plane % c;
            let inv_std = 1.0 / (variance[ch] as f64 + epsilon).sqrt();
            let (sg, sgx) = sums[ch];
            let (mean_g, mean_gx) = ((sg / n) as f32, (sgx / n) as f32);
            let scale = (gamma[ch] as f64 * inv_std) as f32;
            let (m, inv) = (mean[ch], inv_std as f32);
            let at = plane * p;
            for ((o, &gv), &xv) in out.iter_mut().zip(&grad[at..at + p]).zip(&x[at..at + p]) {
                let xhat = (xv - m) * inv;
                *o = scale * (gv - mean_g - xhat * mean_gx);
            }
        });
        let beta_grad = sums.iter().map(|s| s.0 as f32).collect();
        let gamma_grad = sums.iter().map(|s| s.1 as f32).collect();
        (x_grad, gamma_grad, beta_grad)
    }
}

#[cfg(feature = "flex")]
mod flex {
    use super::*;
    use burn::backend::Flex;
    use burn::backend::TensorMetadata;
    use burn::backend::flex::FlexTensor;
    use burn::tensor::{DType, Shape, TensorData};

    fn f32s(t: &FlexTensor) -> Option<&[f32]> {
        (t.dtype() == DType::F32)
            .then(|| t.as_slice::<f32>())
            .flatten()
    }

    /// `[B, C, P]` of a contiguous f32 tensor of rank 3 or more.
    fn layout(x: &FlexTensor) -> Option<[usize; 3]> {
        let shape = x.shape();
        (shape.num_dims() >= 3).then(|| {
            let (b, c) = (shape[0], shape[1]);
            [b, c, shape.num_elements() / (b * c).max(1)]
        })
    }

    fn tensor(values: Vec<f32>, shape: Shape) -> FlexTensor {
        FlexTensor::from_data(TensorData::new(values, shape))
    }

    impl FastBatchNorm for Flex {
        fn fast_batch_norm_train(
            x: FloatTensor<Self>,
            gamma: FloatTensor<Self>,
            beta: FloatTensor<Self>,
            epsilon: f64,
        ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>) {
            if let (Some(dims), Some(xs), Some(g), Some(be)) =
                (layout(&x), f32s(&x), f32s(&gamma), f32s(&beta))
            {
                let (mean, variance) = kernels::statistics(xs, dims);
                let out = kernels::normalize(xs, dims, &mean, &variance, g, be, epsilon);
                let c = Shape::new([dims[1]]);
                return (
                    tensor(out, x.shape()),
                    tensor(mean, c.clone()),
                    tensor(variance, c),
                );
            }
            composed_train::<Self>(x, gamma, beta, epsilon)
        }

        fn fast_scale_shift(
            x: FloatTensor<Self>,
            scale: FloatTensor<Self>,
            shift: FloatTensor<Self>,
            relu: bool,
        ) -> FloatTensor<Self> {
            let apply = |values: &mut [f32],
                         input: Option<&[f32]>,
                         s: &[f32],
                         t: &[f32],
                         c: usize,
                         p: usize| {
                kernels::for_each_plane(values, p, |plane, o| {
                    let (scale, shift): (f32, f32) = (s[plane % c], t[plane % c]);
                    let f = |v: f32| -> f32 {
                        let y = v * scale + shift;
                        if relu { y.max(0.0) } else { y }
                    };
                    match input {
                        Some(input) => {
                            for (o, &v) in o.iter_mut().zip(&input[plane * p..][..p]) {
                                *o = f(v);
                            }
                        }
                        None => o.iter_mut().for_each(|v| *v = f(*v)),
                    }
                });
            };
            if let (Some([_, c, p]), true, Some(s), Some(t)) = (
                layout(&x),
                x.dtype() == DType::F32,
                f32s(&scale),
                f32s(&shift),
            ) {
                let contiguous = x.is_contiguous() && x.layout().start_offset() == 0;
                let mut x = x;
                // A tensor nobody else holds is normalised in place, as flex's own
                // elementwise operations do (no allocation, no page faults).
                if contiguous && let Some(values) = x.try_storage_mut::<f32>() {
                    apply(values, None, s, t, c, p);
                    return x;
                }
                if let Some(xs) = f32s(&x) {
                    let mut out = vec![0.0f32; xs.len()];
                    apply(&mut out, Some(xs), s, t, c, p);
                    return tensor(out, x.shape());
                }
                return composed_scale_shift::<Self>(x, scale, shift, relu);
            }
            composed_scale_shift::<Self>(x, scale, shift, relu)
        }

        fn fast_batch_norm_train_backward(
            x: FloatTensor<Self>,
            gamma: FloatTensor<Self>,
            mean: FloatTensor<Self>,
            variance: FloatTensor<Self>,
            epsilon: f64,
            output_grad: FloatTensor<Self>,
        ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>) {
            let same = output_grad.shape() == x.shape();
            if let (true, Some(dims), Some(xs), Some(gs), Some(g), Some(m), Some(v)) = (
                same,
                layout(&x),
                f32s(&x),
                f32s(&output_grad),
                f32s(&gamma),
                f32s(&mean),
                f32s(&variance),
            ) {
                let (x_grad, gamma_grad, beta_grad) =
                    kernels::backward(xs, gs, dims, m, v, g, epsilon);
                let c = Shape::new([dims[1]]);
                return (
                    tensor(x_grad, x.shape()),
                    tensor(gamma_grad, c.clone()),
                    tensor(beta_grad, c),
                );
            }
            composed_train_backward::<Self>(x, gamma, mean, variance, epsilon, output_grad)
        }
    }
}

/// The backward pass of [`FastBatchNorm::fast_batch_norm_train`] on autodiff.
#[derive(Debug)]
struct BatchNormTrainBackward;

impl<B: Backend + FastBatchNorm> Backward<B, 3> for BatchNormTrainBackward {
    type State = (NodeId, NodeId, FloatTensor<B>, FloatTensor<B>, f64);

    fn backward(
        self,
        ops: Ops<Self::State, 3>,
        grads: &mut Gradients,
        checkpointer: &mut Checkpointer,
    ) {
        let [node_x, node_gamma, node_beta] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let (x_state, gamma_state, mean, variance, epsilon) = ops.state;
        let x = checkpointer.retrieve_node_output::<FloatTensor<B>>(x_state);
        let gamma = checkpointer.retrieve_node_output::<FloatTensor<B>>(gamma_state);
        let (x_grad, gamma_grad, beta_grad) =
            B::fast_batch_norm_train_backward(x, gamma, mean, variance, epsilon, grad);
        if let Some(node) = node_x {
            grads.register::<B>(node.id, x_grad);
        }
        if let Some(node) = node_gamma {
            grads.register::<B>(node.id, gamma_grad);
        }
        if let Some(node) = node_beta {
            grads.register::<B>(node.id, beta_grad);
        }
    }
}

impl<B: Backend + FastBatchNorm, C: CheckpointStrategy> FastBatchNorm for Autodiff<B, C> {
    fn fast_batch_norm_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        epsilon: f64,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>) {
        match BatchNormTrainBackward
            .prepare::<C>([x.node(), gamma.node(), beta.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let x_state = prep.checkpoint(&x);
                let gamma_state = prep.checkpoint(&gamma);
                let (output, mean, variance) = B::fast_batch_norm_train(
                    x.into_primitive(),
                    gamma.into_primitive(),
                    beta.into_primitive(),
                    epsilon,
                );
                let state = (
                    x_state,
                    gamma_state,
                    mean.clone(),
                    variance.clone(),
                    epsilon,
                );
                (
                    prep.finish(state, output),
                    <Self as AutodiffBackend>::from_inner(mean),
                    <Self as AutodiffBackend>::from_inner(variance),
                )
            }
            OpsKind::UnTracked(prep) => {
                let (output, mean, variance) = B::fast_batch_norm_train(
                    x.into_primitive(),
                    gamma.into_primitive(),
                    beta.into_primitive(),
                    epsilon,
                );
                (
                    prep.finish(output),
                    <Self as AutodiffBackend>::from_inner(mean),
                    <Self as AutodiffBackend>::from_inner(variance),
                )
            }
        }
    }
}

/// `norm.forward(x)`, with the training path in two passes each way on flex, and inference
/// in one.
///
/// - `x`: `[B, C, H, W]`; returns the same shape. Updates `norm`'s running statistics in
///   training exactly as `BatchNorm::forward` does (momentum, biased batch variance).
pub fn batch_norm(norm: &BatchNorm, x: Tensor<4>) -> Tensor<4> {
    normalize(norm, x, false)
}

/// `relu(norm.forward(x))` as [`batch_norm`], with the ReLU in the same pass in inference.
///
/// - `x`: `[B, C, H, W]`; returns the same shape.
pub fn batch_norm_relu(norm: &BatchNorm, x: Tensor<4>) -> Tensor<4> {
    normalize(norm, x, true)
}

fn normalize(norm: &BatchNorm, x: Tensor<4>, relu: bool) -> Tensor<4> {
    let device = x.device();
    if !crate::conv::on_flex(&device) {
        let y = norm.forward(x);
        return if relu {
            burn::tensor::activation::relu(y)
        } else {
            y
        };
    }
    if !(device.is_autodiff() && norm.training.is_enabled()) {
        if device.is_autodiff() || std::env::var("GAN_BN_BURN").is_ok() {
            // A frozen layer on the training device: Burn's own path, with gradients.
            let y = norm.forward(x);
            return if relu {
                burn::tensor::activation::relu(y)
            } else {
                y
            };
        }
        // Inference: (x − mean)/√(var + ε)·γ + β as one scale and shift per channel.
        // The running statistics may live elsewhere (as `BatchNorm::forward` allows).
        let mean = norm.running_mean.value().to_device(&device);
        let var = norm.running_var.value().to_device(&device);
        let scale = norm.gamma.val().to_device(&device) / var.add_scalar(norm.epsilon).sqrt();
        let shift = norm.beta.val().to_device(&device) - mean * scale.clone();
        return Tensor::from_dispatch(<Dispatch as FastBatchNorm>::fast_scale_shift(
            x.into_dispatch(),
            scale.into_dispatch(),
            shift.into_dispatch(),
            relu,
        ));
    }
    let (output, mean, variance) = <Dispatch as FastBatchNorm>::fast_batch_norm_train(
        x.into_dispatch(),
        norm.gamma.val().into_dispatch(),
        norm.beta.val().into_dispatch(),
        norm.epsilon,
    );
    let (mean, variance): (Tensor<1>, Tensor<1>) =
        (Tensor::from_dispatch(mean), Tensor::from_dispatch(variance));
    let running_mean = norm.running_mean.value_sync().to_device(&device);
    let running_var = norm.running_var.value_sync().to_device(&device);
    let running_mean = running_mean
        .mul_scalar(1.0 - norm.momentum)
        .add(mean.detach().mul_scalar(norm.momentum));
    let running_var = running_var
        .mul_scalar(1.0 - norm.momentum)
        .add(variance.detach().mul_scalar(norm.momentum));
    norm.running_mean.update(running_mean.detach());
    norm.running_var.update(running_var.detach());
    let y = Tensor::from_dispatch(output);
    if relu {
        burn::tensor::activation::relu(y)
    } else {
        y
    }
}
