//! CAN: the two-headed discriminator's shapes, and the style losses against PyTorch
//! (scripts/reference/gan_core_reference.py).

mod common;

use burn::prelude::*;
use gan_core::can::CanDiscriminatorConfig;
use gan_core::loss::{
    StyleAmbiguity, log_one_minus_softmax, style_accuracy, style_ambiguity_loss,
    style_cross_entropy, style_entropy,
};
use gan_core::{ConfigError, Discriminator, trainable_params};

#[test]
fn heads_have_the_right_shapes_at_every_size() {
    let device = common::device();
    for size in [32, 64, 128] {
        let d = CanDiscriminatorConfig::new(7)
            .with_image_size(size)
            .with_feature_maps(8)
            .with_style_hidden(vec![32, 16])
            .init(&device)
            .unwrap();
        let images = Tensor::<4>::zeros([3, 3, size, size], &device);
        let out = d.forward(images.clone());
        assert_eq!(out.real_fake.dims(), [3, 1]);
        assert_eq!(out.styles.dims(), [3, 7]);
        assert_eq!(d.logits(images.clone()).dims(), [3, 1]);
        assert_eq!(d.style_logits(images).dims(), [3, 7]);
    }
    // The paper's head at 64x64: trunk 512x4x4 -> 1024 -> 512 -> K, on top of DCGAN's
    // discriminator.
    let d = CanDiscriminatorConfig::new(27).init(&device).unwrap();
    let head = 8192 * 1024 + 1024 + 1024 * 512 + 512 + 512 * 27 + 27;
    assert_eq!(trainable_params(&d), 2_765_568 + head);
}

#[test]
fn config_errors() {
    let device = common::device();
    assert!(matches!(
        CanDiscriminatorConfig::new(1).init(&device),
        Err(ConfigError::OutOfRange { .. })
    ));
    assert!(matches!(
        CanDiscriminatorConfig::new(5)
            .with_image_size(100)
            .init(&device),
        Err(ConfigError::UnsupportedImageSize { .. })
    ));
    assert!(
        CanDiscriminatorConfig::new(5)
            .with_style_hidden(vec![0])
            .init(&device)
            .is_err()
    );
}

fn logits(reference: &serde_json::Value, device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
    let rows: Vec<Vec<f64>> = reference["logits"]
        .as_array()
        .unwrap()
        .iter()
        .map(common::floats)
        .collect();
    let (b, k) = (rows.len(), rows[0].len());
    let flat: Vec<f32> = rows.iter().flatten().map(|&v| v as f32).collect();
    let labels: Vec<i64> = reference["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    (
        Tensor::from_data(TensorData::new(flat, [b, k]), device),
        Tensor::from_data(TensorData::new(labels, [b]), device),
    )
}

#[test]
fn style_losses_and_gradients_match_pytorch() {
    let device = common::device().autodiff();
    let reference = &common::reference()["can_losses"];
    let (x, labels) = logits(reference, &device);
    type LossFn = Box<dyn Fn(Tensor<2>) -> Tensor<1>>;
    let cases: Vec<(&str, LossFn)> = vec![
        ("cross_entropy", {
            let labels = labels.clone();
            Box::new(move |v| style_cross_entropy(v, labels.clone()))
        }),
        (
            "ambiguity_binary",
            Box::new(|v| style_ambiguity_loss(v, StyleAmbiguity::Binary)),
        ),
        (
            "ambiguity_uniform",
            Box::new(|v| style_ambiguity_loss(v, StyleAmbiguity::UniformCrossEntropy)),
        ),
    ];
    for (name, loss_fn) in cases {
        let v = x.clone().require_grad();
        let loss = loss_fn(v.clone());
        let value = loss.clone().into_scalar::<f32>() as f64;
        common::assert_close(value, reference[name].as_f64().unwrap(), 1e-5, name);
        let grads = loss.backward();
        let grad: Vec<f32> = v.grad(&grads).unwrap().into_data().iter::<f32>().collect();
        let expected = common::floats(&reference[format!("{name}_grad")]);
        for (g, e) in grad.iter().zip(expected) {
            assert!(
                (*g as f64 - e).abs() < 1e-5,
                "{name} gradient {g} vs PyTorch {e}"
            );
        }
    }
    let log_q: Vec<f32> = log_one_minus_softmax(x.clone())
        .into_data()
        .iter::<f32>()
        .collect();
    // f32 resolves log-sum-exps near 12 to about 1e-6: compare at that absolute precision, which
    // still catches the naive log(1 - p), off by over 0.1 on the confident row.
    for (a, e) in log_q
        .iter()
        .zip(common::floats(&reference["log_one_minus_softmax"]))
    {
        let tolerance = 2e-6 * e.abs().max(1.0);
        assert!(
            (*a as f64 - e).abs() < tolerance,
            "log(1 - softmax): {a} vs PyTorch {e}"
        );
    }
    common::assert_close(
        style_entropy(x.clone()).into_scalar::<f32>() as f64,
        reference["entropy"].as_f64().unwrap(),
        1e-5,
        "entropy",
    );
    common::assert_close(
        style_accuracy(x, labels).into_scalar::<f32>() as f64,
        reference["accuracy"].as_f64().unwrap(),
        1e-6,
        "accuracy",
    );
}

#[test]
fn ambiguity_is_lowest_for_a_uniform_style_distribution() {
    let device = common::device();
    let uniform = Tensor::<2>::zeros([2, 4], &device);
    let confident = Tensor::<2>::from_floats([[9.0, 0.0, 0.0, 0.0], [0.0, 0.0, 9.0, 0.0]], &device);
    for kind in [StyleAmbiguity::Binary, StyleAmbiguity::UniformCrossEntropy] {
        let low = style_ambiguity_loss(uniform.clone(), kind).into_scalar::<f32>();
        let high = style_ambiguity_loss(confident.clone(), kind).into_scalar::<f32>();
        assert!(low < high, "{kind:?}: uniform {low} < confident {high}");
    }
    let ln4 = 4f32.ln();
    assert!((style_entropy(uniform).into_scalar::<f32>() - ln4).abs() < 1e-6);
}
