//! Loss values and gradients against PyTorch (scripts/reference/gan_core_reference.py).

mod common;

use burn::prelude::*;
use gan_core::ConfigError;
use gan_core::loss::{
    LabelConfig, bce_with_logits, discriminator_loss, minimax_generator_loss,
    non_saturating_generator_loss,
};

fn tensor1(values: &[f64], device: &Device) -> Tensor<1> {
    let values: Vec<f32> = values.iter().map(|&v| v as f32).collect();
    Tensor::from_data(TensorData::new(values.clone(), [values.len()]), device)
}

fn column(values: &[f64], device: &Device) -> Tensor<2> {
    tensor1(values, device).reshape([values.len(), 1])
}

fn scalar(t: Tensor<1>) -> f64 {
    t.into_scalar::<f32>() as f64
}

#[test]
fn bce_with_logits_matches_pytorch_values_and_gradients() {
    let device = common::device().autodiff();
    for case in common::reference()["bce_with_logits"].as_array().unwrap() {
        let logits = common::floats(&case["logits"]);
        let targets = common::floats(&case["targets"]);
        let x = tensor1(&logits, &device).require_grad();
        let loss = bce_with_logits(x.clone(), tensor1(&targets, &device));
        let value = scalar(loss.clone());
        assert!(value.is_finite(), "finite for logits {logits:?}");
        common::assert_close(value, case["loss"].as_f64().unwrap(), 1e-5, "BCE loss");
        let grads = loss.backward();
        let grad = x
            .grad(&grads)
            .unwrap()
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        for (g, expected) in grad.iter().zip(common::floats(&case["grad"])) {
            assert!(
                (*g as f64 - expected).abs() < 1e-6,
                "BCE gradient {g} vs PyTorch {expected}"
            );
        }
    }
}

#[test]
fn gan_losses_match_pytorch() {
    let device = common::device();
    let r = &common::reference()["gan_losses"];
    let real = column(&common::floats(&r["real_logits"]), &device);
    let fake = column(&common::floats(&r["fake_logits"]), &device);
    let labels = LabelConfig::new().with_smoothing(1.0 - r["real_target"].as_f64().unwrap());
    let loss_d = discriminator_loss(
        real.clone(),
        labels.real_targets(4, &device),
        fake.clone(),
        labels.fake_targets(4, &device),
    );
    common::assert_close(
        scalar(loss_d),
        r["discriminator_loss"].as_f64().unwrap(),
        1e-5,
        "discriminator loss with smoothing 0.1",
    );
    common::assert_close(
        scalar(non_saturating_generator_loss(fake.clone())),
        r["non_saturating_generator_loss"].as_f64().unwrap(),
        1e-5,
        "non-saturating generator loss",
    );
    common::assert_close(
        scalar(minimax_generator_loss(fake)),
        r["minimax_generator_loss"].as_f64().unwrap(),
        1e-5,
        "minimax generator loss",
    );
}

#[test]
fn label_flip_noise_flips_about_the_given_fraction() {
    let device = common::device();
    device.seed(3);
    let labels = LabelConfig::new()
        .with_smoothing(0.1)
        .with_flip_probability(0.25);
    let n = 20_000;
    let real = labels
        .real_targets(n, &device)
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    let flipped = real.iter().filter(|&&v| v == 0.0).count();
    assert!(real.iter().all(|&v| v == 0.0 || (v - 0.9).abs() < 1e-6));
    let fraction = flipped as f64 / n as f64;
    assert!(
        (fraction - 0.25).abs() < 0.02,
        "flipped fraction {fraction}"
    );

    let fake = labels
        .fake_targets(n, &device)
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    let flipped = fake.iter().filter(|&&v| v != 0.0).count() as f64 / n as f64;
    assert!(fake.iter().all(|&v| v == 0.0 || (v - 0.9).abs() < 1e-6));
    assert!((flipped - 0.25).abs() < 0.02, "flipped fraction {flipped}");

    let none = LabelConfig::new().real_targets(8, &device);
    assert_eq!(none.into_data().try_to_vec::<f32>().unwrap(), vec![1.0; 8]);
}

#[test]
fn label_config_rejects_out_of_range_values() {
    assert!(matches!(
        LabelConfig::new().with_smoothing(1.0).validate(),
        Err(ConfigError::OutOfRange { .. })
    ));
    assert!(
        LabelConfig::new()
            .with_flip_probability(-0.1)
            .validate()
            .is_err()
    );
    assert!(
        LabelConfig::new()
            .with_flip_probability(1.5)
            .validate()
            .is_err()
    );
    assert!(LabelConfig::new().with_smoothing(0.2).validate().is_ok());
}
