//! The exact gradient penalty against PyTorch's double backward
//! (scripts/reference/wgan_gp_reference.py): penalty values and every weight gradient, for the
//! WGAN-GP penalty and R1, with and without LayerNorm, within 1e-4 relative error in f32.

mod common;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use gan_core::Discriminator;
use gan_core::loss::{finite_difference_gradient_penalty, gradient_penalty, r1_penalty};
use gan_core::wgan::{CriticNorm, DcganCritic, DcganCriticConfig, InputGradient};
use serde_json::Value;
use std::collections::BTreeMap;

fn reference() -> Value {
    serde_json::from_str(include_str!("fixtures/wgan_gp.json")).unwrap()
}

fn images(reference: &Value, key: &str, device: &Device) -> Tensor<4> {
    let values: Vec<f32> = common::floats(&reference[key])
        .iter()
        .map(|&v| v as f32)
        .collect();
    let batch = reference["batch"].as_u64().unwrap() as usize;
    Tensor::from_data(TensorData::new(values, [batch, 3, 32, 32]), device)
}

/// Sets every parameter from the reference's weights, by module path.
struct LoadWeights<'a> {
    weights: &'a serde_json::Map<String, Value>,
    path: Vec<String>,
    loaded: usize,
}

impl ModuleMapper for LoadWeights<'_> {
    fn enter_module(&mut self, name: &str, _: &str) {
        self.path.push(name.to_string());
    }
    fn exit_module(&mut self, _: &str, _: &str) {
        self.path.pop();
    }
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let name = self.path.join(".");
        let entry = &self.weights[&name];
        let shape: Vec<usize> = entry["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        let values: Vec<f32> = common::floats(&entry["values"])
            .iter()
            .map(|&v| v as f32)
            .collect();
        self.loaded += 1;
        param.map(|tensor| {
            assert_eq!(tensor.dims().to_vec(), shape, "shape of {name}");
            Tensor::from_data(TensorData::new(values, shape), &tensor.device()).require_grad()
        })
    }
}

/// Collects each parameter's gradient by module path (a missing gradient is zero).
struct CollectGrads<'a> {
    grads: &'a burn::tensor::Gradients,
    path: Vec<String>,
    out: BTreeMap<String, Vec<f32>>,
}

impl ModuleVisitor for CollectGrads<'_> {
    fn enter_module(&mut self, name: &str, _: &str) {
        self.path.push(name.to_string());
    }
    fn exit_module(&mut self, _: &str, _: &str) {
        self.path.pop();
    }
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.val();
        let grad = match tensor.grad(self.grads) {
            Some(g) => g.into_data().iter::<f32>().collect(),
            None => vec![0.0; tensor.shape().num_elements()],
        };
        self.out.insert(self.path.join("."), grad);
    }
}

fn critic(case: &Value, device: &Device) -> DcganCritic {
    let norm = if case["layer_norm"].as_bool().unwrap() {
        CriticNorm::Layer
    } else {
        CriticNorm::None
    };
    let critic = DcganCriticConfig::new()
        .with_image_size(32)
        .with_feature_maps(4)
        .with_norm(norm)
        .init(device)
        .unwrap();
    let weights = case["weights"].as_object().unwrap();
    let mut loader = LoadWeights {
        weights,
        path: Vec::new(),
        loaded: 0,
    };
    let critic = critic.map(&mut loader);
    assert_eq!(
        loader.loaded,
        weights.len(),
        "every reference weight has a parameter"
    );
    critic
}

/// Relative error of `actual` against `expected`, scaled by the largest reference magnitude
/// (so entries near zero are compared at the gradient's own scale).
fn max_relative_error(actual: &[f32], expected: &[f64]) -> f64 {
    let scale = expected
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(1e-12);
    actual
        .iter()
        .zip(expected)
        .map(|(a, e)| (*a as f64 - e).abs() / scale)
        .fold(0.0, f64::max)
}

fn check(name: &str, value: Tensor<1>, critic: &DcganCritic, expected: &Value) {
    let v = value.clone().into_scalar::<f32>() as f64;
    let e = expected["value"].as_f64().unwrap();
    assert!((v - e).abs() / e.abs() < 1e-4, "{name}: {v} vs PyTorch {e}");
    let grads = value.backward();
    let mut collector = CollectGrads {
        grads: &grads,
        path: Vec::new(),
        out: BTreeMap::new(),
    };
    critic.visit(&mut collector);
    for (param, reference) in expected["grads"].as_object().unwrap() {
        let actual = &collector.out[param];
        let error = max_relative_error(actual, &common::floats(reference));
        assert!(
            error < 1e-4,
            "{name}: gradient of {param} off by {error:e} (relative)"
        );
    }
}

#[test]
fn exact_penalties_match_pytorch_double_backward() {
    let device = common::device().autodiff();
    let reference = reference();
    let real = images(&reference, "real", &device);
    let fake = images(&reference, "fake", &device);
    let epsilon: Vec<f32> = common::floats(&reference["epsilon"])
        .iter()
        .map(|&v| v as f32)
        .collect();
    let epsilon =
        Tensor::<1>::from_data(TensorData::new(epsilon.clone(), [epsilon.len()]), &device);
    for case in reference["cases"].as_array().unwrap() {
        let critic = critic(case, &device);
        let label = if case["layer_norm"].as_bool().unwrap() {
            "LayerNorm"
        } else {
            "no norm"
        };
        // The forward pass itself.
        let scores: Vec<f32> = critic
            .forward(real.clone())
            .into_data()
            .iter::<f32>()
            .collect();
        let error = max_relative_error(&scores, &common::floats(&case["scores_real"]));
        assert!(error < 1e-4, "{label}: scores off by {error:e}");

        let gp = gradient_penalty(&critic, real.clone(), fake.clone(), epsilon.clone());
        check(
            &format!("{label} WGAN-GP"),
            gp.value,
            &critic,
            &case["gradient_penalty"],
        );
        let r1 = r1_penalty(&critic, real.clone());
        check(&format!("{label} R1"), r1.value, &critic, &case["r1"]);
    }
}

#[test]
fn explicit_input_gradient_equals_autodiff() {
    let device = common::device().autodiff();
    let reference = reference();
    let real = images(&reference, "real", &device);
    for case in reference["cases"].as_array().unwrap() {
        let critic = critic(case, &device);
        let explicit: Vec<f32> = critic
            .input_gradient(real.clone())
            .into_data()
            .iter::<f32>()
            .collect();
        let x = real.clone().detach().require_grad();
        let grads = critic.forward(x.clone()).sum().backward();
        let autodiff: Vec<f64> = x
            .grad(&grads)
            .unwrap()
            .into_data()
            .iter::<f32>()
            .map(|v| v as f64)
            .collect();
        let error = max_relative_error(&explicit, &autodiff);
        assert!(error < 1e-5, "explicit input gradient off by {error:e}");
    }
}

#[test]
fn finite_difference_penalty_approximates_the_exact_one() {
    let device = common::device().autodiff();
    let reference = reference();
    let real = images(&reference, "real", &device);
    let fake = images(&reference, "fake", &device);
    let epsilon = Tensor::<1>::from_floats([0.3, 0.8], &device);
    let case = &reference["cases"][0];
    let critic = critic(case, &device);
    let exact = gradient_penalty(&critic, real.clone(), fake.clone(), epsilon.clone());
    let approx = finite_difference_gradient_penalty(&critic, real, fake, epsilon, 1e-4);
    let (ve, va) = (
        exact.value.clone().into_scalar::<f32>(),
        approx.value.clone().into_scalar::<f32>(),
    );
    assert!(
        (ve - va).abs() / ve < 1e-4,
        "values: exact {ve}, finite difference {va}"
    );
    let grads_e = exact.value.backward();
    let grads_a = approx.value.backward();
    let w = critic.blocks[1].conv.weight.val();
    let ge: Vec<f64> = w
        .grad(&grads_e)
        .unwrap()
        .into_data()
        .iter::<f32>()
        .map(|v| v as f64)
        .collect();
    let ga: Vec<f32> = w
        .grad(&grads_a)
        .unwrap()
        .into_data()
        .iter::<f32>()
        .collect();
    let error = max_relative_error(&ga, &ge);
    assert!(
        error < 0.05,
        "finite-difference weight gradient off by {error} (relative)"
    );
    assert_eq!(
        critic.logits(Tensor::zeros([1, 3, 32, 32], &device)).dims(),
        [1, 1]
    );
}
