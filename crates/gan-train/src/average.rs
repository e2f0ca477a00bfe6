//! An exponential moving average of the generator's weights (Karras et al. 2018, Yazıcı et al.
//! 2019): a second copy of the generator that trails the trained one smoothly, and usually makes
//! clearly better images than the last step's weights. A run with `TrainingConfig::ema` draws its
//! sample grids, FID and `Checkpoint::generator` from the average, and checkpoints it so a
//! resume continues it exactly.
//!
//! After generator step `t` (0-based), each weight becomes `β·average + (1 − β)·weight` with
//! `β = min(decay, (1 + t) / (10 + t))` when `warmup` is on (TensorFlow's
//! `ExponentialMovingAverage` with `num_updates`), so that the first steps' random weights fade
//! out quickly in short runs; running statistics (BatchNorm's) are copied, not averaged, as
//! StudioGAN does.

use crate::error::TrainError;
use burn::config::Config;
use burn::module::{ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::prelude::*;
use std::collections::HashMap;

/// Settings of the generator's moving average.
#[derive(Config, Debug, PartialEq)]
pub struct EmaConfig {
    /// The decay β once warmed up: the average's horizon is about `1 / (1 − β)` steps.
    #[config(default = 0.999)]
    pub decay: f64,
    /// Use `min(decay, (1 + t) / (10 + t))` at step `t`, so short runs are not dominated by
    /// their first steps.
    #[config(default = true)]
    pub warmup: bool,
}

impl EmaConfig {
    /// Checks the decay: in `[0, 1)`.
    pub fn validate(&self) -> Result<(), TrainError> {
        if (0.0..1.0).contains(&self.decay) {
            Ok(())
        } else {
            Err(TrainError::Setting(format!(
                "the moving average's decay must be in [0, 1), got {}",
                self.decay
            )))
        }
    }

    /// The decay used after generator step `step` (0-based).
    pub fn decay_at(&self, step: usize) -> f64 {
        if self.warmup {
            let t = step as f64;
            self.decay.min((1.0 + t) / (10.0 + t))
        } else {
            self.decay
        }
    }
}

/// Moves `average` towards `model` with decay `beta`: each trainable weight becomes
/// `β·average + (1 − β)·model`; values that are not trained (running statistics) are copied
/// from `model`. `model` may live on an autodiff device (its values are read without their
/// graph); `average` keeps its own device.
///
/// The two modules must have the same structure and parameter ids (`average` made as
/// `model.valid()`).
pub fn update_average<M: Module>(average: M, model: &M, beta: f64) -> M {
    let mut collect = Collect::default();
    model.visit(&mut collect);
    average.map(&mut Blend {
        values: collect.values,
        beta,
    })
}

/// One value of the model, without its graph: flattened, with its shape, and whether it is
/// trained (a weight) or not (a running statistic).
struct Value {
    flat: Tensor<1>,
    shape: Vec<usize>,
    trained: bool,
}

#[derive(Default)]
struct Collect {
    values: HashMap<ParamId, Value>,
}

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.val();
        let trained = tensor.is_require_grad();
        let tensor = tensor.inner();
        let value = Value {
            shape: tensor.dims().to_vec(),
            flat: tensor.flatten(0, D - 1),
            trained,
        };
        self.values.insert(param.id, value);
    }
}

struct Blend {
    values: HashMap<ParamId, Value>,
    beta: f64,
}

impl ModuleMapper for Blend {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let Some(value) = self.values.remove(&param.id) else {
            return param;
        };
        let Ok(dims) = <[usize; D]>::try_from(value.shape) else {
            return param;
        };
        let beta = self.beta;
        param.map(|average| {
            let model: Tensor<D> = value.flat.reshape(dims).to_device(&average.device());
            if value.trained {
                average * beta + model * (1.0 - beta)
            } else {
                model
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig};

    #[derive(Module, Debug)]
    struct Tiny {
        linear: Linear,
        norm: BatchNorm,
    }

    fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().iter::<f32>().collect()
    }

    #[test]
    fn weights_follow_the_formula_and_running_statistics_are_copied() {
        let device = gan_core::device::parse_device("cpu").unwrap().autodiff();
        let model = Tiny {
            linear: LinearConfig::new(3, 2).init(&device),
            norm: BatchNormConfig::new(2).init(&device),
        }
        .train();
        let average = model.valid();
        // Train the model a little: one step of plain gradient descent and one BatchNorm
        // forward (which moves its running statistics).
        let x = Tensor::<2>::from_floats([[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]], &device);
        let y = model.norm.forward(model.linear.forward(x));
        let grads = y.square().sum().backward();
        let lr = 0.1f32;
        let weight_before = values(model.linear.weight.val().inner());
        let gradient = values(model.linear.weight.val().grad(&grads).unwrap());
        let weight_after: Vec<f32> = weight_before
            .iter()
            .zip(&gradient)
            .map(|(w, g)| w - lr * g)
            .collect();
        let mut model = model;
        let dims = model.linear.weight.dims();
        model.linear.weight = Param::initialized(
            model.linear.weight.id,
            Tensor::from_data(TensorData::new(weight_after.clone(), dims), &device).require_grad(),
        );
        let running_mean = values(model.norm.running_mean.value_sync().inner());

        let beta = EmaConfig::new().decay_at(3);
        assert!(
            (beta - 4.0 / 13.0).abs() < 1e-12,
            "warm-up decay (1 + t) / (10 + t)"
        );
        let updated = update_average(average, &model, beta);
        let got = values(updated.linear.weight.val());
        for i in 0..got.len() {
            let expected = beta * weight_before[i] as f64 + (1.0 - beta) * weight_after[i] as f64;
            // Within two f32 rounding steps of the exact lerp (the weights are drawn unseeded,
            // and after the gradient step they can be tens).
            let tolerance = 2.0 * f32::EPSILON as f64 * expected.abs().max(1.0);
            assert!(
                (got[i] as f64 - expected).abs() <= tolerance,
                "{i}: {} vs {expected}",
                got[i]
            );
            assert!(gradient[i] != 0.0);
        }
        assert_eq!(values(updated.norm.running_mean.value_sync()), running_mean);
        assert_ne!(
            running_mean,
            vec![0.0, 0.0],
            "the forward moved the running mean"
        );
        assert_eq!(EmaConfig::new().with_warmup(false).decay_at(3), 0.999);
        assert_eq!(EmaConfig::new().decay_at(100_000), 0.999);
        assert!(EmaConfig::new().with_decay(1.0).validate().is_err());
    }
}
