//! The small-data recipe against PyTorch: DiffAugment (the paper's code, with its random draws
//! given), spectral normalisation (`torch.nn.utils.parametrizations.spectral_norm`), the
//! DCGAN discriminator built with it, and the hinge loss. Reference values: `scripts/reference/recipe_reference.py`.

mod common;

use burn::module::Param;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2dConfig;
use burn::prelude::*;
use gan_core::Discriminator;
use gan_core::augment::{AugmentDraw, DiffAugment};
use gan_core::dcgan::DcganDiscriminatorConfig;
use gan_core::spectral_norm::SpectralNorm;

fn recipe() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/recipe.json")).expect("recipe.json parses")
}

fn shape(value: &serde_json::Value) -> Vec<usize> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect()
}

fn tensor<const D: usize>(
    values: &serde_json::Value,
    dims: &[usize],
    device: &Device,
) -> Tensor<D> {
    let values: Vec<f32> = common::floats(values).iter().map(|&v| v as f32).collect();
    Tensor::from_data(TensorData::new(values, dims.to_vec()), device)
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().iter::<f32>().collect()
}

fn assert_all_close(actual: &[f32], expected: &[f64], tolerance: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: length");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (*a as f64 - e).abs() <= tolerance * (1.0 + e.abs()),
            "{what}[{i}]: got {a}, PyTorch gives {e}"
        );
    }
}

fn ints(value: &serde_json::Value) -> Vec<i64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect()
}

#[test]
fn diff_augment_matches_the_papers_code_in_value_and_input_gradient() {
    let case = &recipe()["diff_augment"];
    let device = common::device().autodiff();
    let dims = shape(&case["shape"]);
    let draw_json = &case["draw"];
    let floats = |key: &str| -> Vec<f64> { common::floats(&draw_json[key]) };
    let zip = |a: &str, b: &str| -> Vec<(i64, i64)> {
        ints(&draw_json[a])
            .into_iter()
            .zip(ints(&draw_json[b]))
            .collect()
    };
    let draw = AugmentDraw {
        brightness: floats("brightness_u")
            .iter()
            .map(|u| *u as f32 - 0.5)
            .collect(),
        saturation: floats("saturation_u")
            .iter()
            .map(|u| *u as f32 * 2.0)
            .collect(),
        contrast: floats("contrast_u")
            .iter()
            .map(|u| *u as f32 + 0.5)
            .collect(),
        shift: zip("shift_rows", "shift_columns"),
        cutout_centre: zip("cutout_rows", "cutout_columns"),
        cutout_size: 4,
    };
    let x: Tensor<4> = tensor::<4>(&case["input"], &dims, &device).require_grad();
    let y = DiffAugment::apply(x.clone(), &draw);
    let weights: Tensor<4> = tensor(&case["output_weights"], &dims, &device);
    let output = common::floats(&case["output"]);
    assert_all_close(
        &values(y.clone().inner()),
        &output,
        1e-5,
        "augmented images",
    );
    // The case must exercise every part: erased pixels, shifted-in zeros, moved content.
    assert!(output.iter().filter(|v| **v == 0.0).count() > 20);
    let grads = (y * weights).sum().backward();
    let gradient = values(x.grad(&grads).expect("a gradient for the images"));
    assert_all_close(
        &gradient,
        &common::floats(&case["input_gradient"]),
        1e-5,
        "input gradient",
    );
}

#[test]
fn diff_augment_draws_within_the_papers_ranges_and_parses_policies() {
    let augment = DiffAugment::from_policy("color,translation,cutout").unwrap();
    assert_eq!(augment, DiffAugment::new());
    assert_eq!(augment.policy(), "color,translation,cutout");
    assert_eq!(DiffAugment::from_policy("none").unwrap().policy(), "none");
    assert_eq!(DiffAugment::setting("none").unwrap(), None);
    assert_eq!(
        DiffAugment::setting("cutout").unwrap().unwrap().policy(),
        "cutout"
    );
    assert_eq!(DiffAugment::setting_policy(None), "none");
    assert_eq!(
        DiffAugment::from_policy("translation").unwrap(),
        DiffAugment::new().with_color(false).with_cutout(0.0)
    );
    let err = DiffAugment::from_policy("color,blur")
        .unwrap_err()
        .to_string();
    assert!(err.contains("blur"), "{err}");
    assert!(DiffAugment::new().with_cutout(1.5).validate().is_err());

    // Edge values of the uniform source reach both ends of every range.
    for u in [0.0f32, 0.999_999] {
        let draw = augment.draw(2, 64, || u);
        let shift = if u == 0.0 { -8 } else { 8 };
        assert_eq!(draw.shift, vec![(shift, shift); 2]);
        let centre = if u == 0.0 { 0 } else { 64 };
        assert_eq!(draw.cutout_centre, vec![(centre, centre); 2]);
        assert_eq!(draw.cutout_size, 32);
        assert!((draw.brightness[0] - (u - 0.5)).abs() < 1e-6);
        assert!((draw.saturation[0] - 2.0 * u).abs() < 1e-6);
        assert!((draw.contrast[0] - (u + 0.5)).abs() < 1e-6);
    }
    let plain = DiffAugment::from_policy("none")
        .unwrap()
        .draw(2, 64, || 0.5);
    assert_eq!(plain, AugmentDraw::default());
}

#[test]
fn spectral_norm_matches_pytorch_in_training_and_inference() {
    let case = &recipe()["spectral_norm"];
    let device = common::device().autodiff();
    let weight_shape = shape(&case["weight_shape"]);
    let mut conv = Conv2dConfig::new([weight_shape[1], weight_shape[0]], [4, 4])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(&device);
    let weight: Tensor<4> = tensor(&case["weight"], &weight_shape, &device);
    conv.weight = Param::from_tensor(weight.clone());
    conv.bias = Some(Param::from_tensor(tensor(&case["bias"], &[4], &device)));
    let u: Tensor<1> = tensor(&case["u0"], &[4], &device);
    let matrix: Tensor<2> = weight.flatten(1, 3).detach();
    // v consistent with u, as the reference sets it.
    let v = matrix
        .transpose()
        .matmul(u.clone().unsqueeze_dim(1))
        .squeeze_dim(1);
    let v = v.clone() / v.square().sum().sqrt();
    let norm = SpectralNorm::from_vectors(u, v);
    let x: Tensor<4> = tensor(&case["input"], &shape(&case["input_shape"]), &device);

    // Two training passes, each after one power iteration.
    for pass in ["first_output", "second_output"] {
        let output = values(norm.conv2d(&conv, x.clone()).inner());
        assert_all_close(&output, &common::floats(&case[pass]), 1e-4, pass);
    }
    assert_all_close(
        &values(norm.u.value_sync().inner()),
        &common::floats(&case["u_after_two"]),
        1e-4,
        "u after two training passes",
    );
    let normalised = values(norm.normalize(conv.weight.val()).inner());
    // A third training pass moves u again; the reference's weight is after two.
    let expected = common::floats(&case["normalised_weight_after_two"]);
    assert_all_close(&normalised, &expected, 1e-3, "normalised weight");

    // Inference: the same state on a plain device runs no power iteration.
    let inference = norm.valid();
    let conv = conv.valid();
    let before = values(inference.u.value());
    let third = values(inference.conv2d(&conv, x.inner()));
    assert_all_close(
        &third,
        &common::floats(&case["eval_output"]),
        1e-4,
        "inference",
    );
    assert_eq!(
        values(inference.u.value()),
        before,
        "inference leaves u alone"
    );
    // The normalised weight's largest singular value is 1 (σ of the raw weight is known).
    let sigma = case["largest_singular_value"].as_f64().unwrap();
    assert!(
        sigma > 1.0,
        "the test weight must need normalising, σ = {sigma}"
    );
}

#[test]
fn spectral_norm_bounds_the_weights_singular_value_by_one() {
    let device = common::device().autodiff();
    // A fixed weight, `[8, 3, 4, 4]`, far from normalised.
    let values: Vec<f32> = (0..384).map(|i| (0.37 * i as f32).sin() * 10.0).collect();
    let scaled: Tensor<4> = Tensor::from_data(TensorData::new(values, [8, 3, 4, 4]), &device);
    let norm = SpectralNorm::init(&scaled);
    // Each training pass runs one more power iteration; after a few dozen the estimate of σ is
    // the largest singular value.
    for _ in 0..50 {
        norm.normalize(scaled.clone());
    }
    let normalised = norm.normalize(scaled).inner();
    // σ(W/σ̂) estimated by many power iterations on the result.
    let matrix: Tensor<2> = normalised.flatten(1, 3);
    let mut v: Tensor<1> = Tensor::ones([48], &matrix.device());
    for _ in 0..100 {
        let u: Tensor<1> = matrix.clone().matmul(v.unsqueeze_dim(1)).squeeze_dim(1);
        let w: Tensor<1> = matrix
            .clone()
            .transpose()
            .matmul(u.unsqueeze_dim(1))
            .squeeze_dim(1);
        v = w.clone() / w.square().sum().sqrt();
    }
    let sigma: f32 = matrix
        .matmul(v.unsqueeze_dim(1))
        .square()
        .sum()
        .sqrt()
        .into_scalar();
    assert!(
        (sigma - 1.0).abs() < 1e-2,
        "σ of the normalised weight: {sigma}"
    );
}

#[test]
fn a_spectrally_normalised_dcgan_discriminator_judges_each_image_alone() {
    let device = common::device().autodiff();
    let config = DcganDiscriminatorConfig::new()
        .with_image_size(32)
        .with_feature_maps(8)
        .with_spectral_norm(true);
    let discriminator = config.init(&device).unwrap().valid();
    let images: Tensor<4> = Tensor::random(
        [4, 3, 32, 32],
        burn::tensor::Distribution::Uniform(-1.0, 1.0),
        &discriminator.input.weight.device(),
    );
    let together = values(discriminator.logits(images.clone()));
    let alone = values(discriminator.logits(images.clone().narrow(0, 0, 1)));
    assert!(
        (together[0] - alone[0]).abs() < 1e-5,
        "{together:?} vs {alone:?}"
    );
    // No BatchNorm, one spectral norm per convolution.
    assert!(
        discriminator
            .blocks
            .iter()
            .all(|b| b.norm.is_none() && b.spectral.is_some())
    );
    assert_eq!(discriminator.spectral.len(), 2);
    // With BatchNorm (the default) the verdict on an image depends on its batch in training.
    let batch_norm = DcganDiscriminatorConfig::new()
        .with_image_size(32)
        .with_feature_maps(8)
        .init(&device)
        .unwrap();
    let trained = images.fork(&device);
    let together = values(batch_norm.logits(trained.clone()).inner());
    let alone = values(batch_norm.logits(trained.narrow(0, 0, 2)).inner());
    assert!((together[0] - alone[0]).abs() > 1e-4);
}

#[test]
fn hinge_losses_match_pytorch() {
    let case = &recipe()["hinge"];
    let device = common::device();
    let real: Tensor<2> = tensor(&case["real_logits"], &[6, 1], &device);
    let fake: Tensor<2> = tensor(&case["fake_logits"], &[6, 1], &device);
    let d = gan_core::loss::hinge_discriminator_loss(real, fake.clone()).into_scalar::<f32>();
    let g = gan_core::loss::hinge_generator_loss(fake).into_scalar::<f32>();
    common::assert_close(
        d as f64,
        case["discriminator_loss"].as_f64().unwrap(),
        1e-5,
        "D",
    );
    common::assert_close(
        g as f64,
        case["generator_loss"].as_f64().unwrap(),
        1e-5,
        "G",
    );
}

/// R1 on a spectrally normalised DCGAN discriminator: its explicit input gradient and the
/// penalty's weight gradients (first-order autodiff through that gradient) against PyTorch's
/// double backward, after one training forward (one power iteration per layer).
#[test]
fn r1_on_a_spectrally_normalised_discriminator_matches_pytorchs_double_backward() {
    let case = &recipe()["r1"];
    let device = common::device().autodiff();
    let mut d = DcganDiscriminatorConfig::new()
        .with_image_size(32)
        .with_feature_maps(4)
        .with_spectral_norm(true)
        .init(&device)
        .unwrap();
    let layers: Vec<Vec<usize>> = case["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(shape)
        .collect();
    // (weight, u0) of each layer, v consistent with u0 as the reference sets it.
    let state = |i: usize| {
        let [c_in, c_out] = [layers[i][0], layers[i][1]];
        let weight: Tensor<4> = tensor(&case["weights"][i], &[c_out, c_in, 4, 4], &device);
        let u: Tensor<1> = tensor(&case["u0"][i], &[c_out], &device);
        let v = weight
            .clone()
            .flatten::<2>(1, 3)
            .detach()
            .transpose()
            .matmul(u.clone().unsqueeze_dim(1))
            .squeeze_dim::<1>(1);
        let v = v.clone() / v.square().sum().sqrt();
        (Param::from_tensor(weight), SpectralNorm::from_vectors(u, v))
    };
    (d.input.weight, d.spectral[0]) = state(0);
    for (i, block) in d.blocks.iter_mut().enumerate() {
        let (weight, norm) = state(i + 1);
        block.conv.weight = weight;
        block.spectral = Some(norm);
    }
    (d.output.weight, d.spectral[1]) = state(3);

    let x: Tensor<4> = tensor(&case["input"], &[2, 3, 32, 32], &device);
    let (logits, gradient) = d.exact_input_gradient(x).expect("exact without BatchNorm");
    assert_all_close(
        &values(logits.inner()),
        &common::floats(&case["logits"]),
        1e-4,
        "logits",
    );
    let penalty = gan_core::loss::r1_of_gradient(gradient.clone());
    assert_all_close(
        &values(gradient.inner()),
        &common::floats(&case["input_gradient"]),
        1e-4,
        "input gradient",
    );
    let r1 = penalty.value.clone().into_scalar::<f32>() as f64;
    let expected = case["r1"].as_f64().unwrap();
    assert!(
        (r1 - expected).abs() <= 1e-4 * expected,
        "R1 {r1}, PyTorch {expected}"
    );
    let grads = penalty.value.backward();
    let weights = [
        &d.input.weight,
        &d.blocks[0].conv.weight,
        &d.blocks[1].conv.weight,
        &d.output.weight,
    ];
    for (i, weight) in weights.into_iter().enumerate() {
        let grad = values(weight.val().grad(&grads).expect("a weight gradient"));
        let expected = common::floats(&case["weight_gradients"][i]);
        let scale = expected.iter().fold(0f64, |m, v| m.max(v.abs()));
        let error = grad
            .iter()
            .zip(&expected)
            .fold(0f64, |m, (a, e)| m.max((*a as f64 - e).abs()));
        assert!(
            scale > 0.0 && error <= 1e-4 * scale,
            "layer {i}: {error:e} of {scale:e}"
        );
    }
}
