//! DCGAN and fully connected models: output shapes, parameter counts against PyTorch, and
//! configuration errors.

mod common;

use burn::prelude::*;
use burn::tensor::Distribution;
use gan_core::dcgan::{DcganDiscriminatorConfig, DcganGeneratorConfig};
use gan_core::mlp::{MlpDiscriminatorConfig, MlpGeneratorConfig};
use gan_core::{ConfigError, Discriminator, Generator, trainable_params};

#[test]
fn dcgan_parameter_counts_match_pytorch_at_every_size() {
    let device = common::device();
    let reference = common::reference();
    for case in reference["parameter_counts"].as_array().unwrap() {
        let size = case["image_size"].as_u64().unwrap() as usize;
        let generator = DcganGeneratorConfig::new()
            .with_image_size(size)
            .init(&device)
            .unwrap();
        let discriminator = DcganDiscriminatorConfig::new()
            .with_image_size(size)
            .init(&device)
            .unwrap();
        assert_eq!(
            trainable_params(&generator) as u64,
            case["generator"].as_u64().unwrap(),
            "generator parameters at {size}x{size}"
        );
        assert_eq!(
            trainable_params(&discriminator) as u64,
            case["discriminator"].as_u64().unwrap(),
            "discriminator parameters at {size}x{size}"
        );
    }
}

#[test]
fn dcgan_64_has_the_pytorch_example_counts() {
    let device = common::device();
    let g = DcganGeneratorConfig::new().init(&device).unwrap();
    let d = DcganDiscriminatorConfig::new().init(&device).unwrap();
    assert_eq!(trainable_params(&g), 3_576_704);
    assert_eq!(trainable_params(&d), 2_765_568);
}

#[test]
fn dcgan_output_shapes_for_every_supported_size() {
    let device = common::device();
    for size in [32, 64, 128, 256] {
        // Small feature maps keep the 256 case fast; the shapes do not depend on them.
        let g = DcganGeneratorConfig::new()
            .with_image_size(size)
            .with_feature_maps(8)
            .init(&device)
            .unwrap();
        let d = DcganDiscriminatorConfig::new()
            .with_image_size(size)
            .with_feature_maps(8)
            .init(&device)
            .unwrap();
        assert_eq!(g.image_shape(), [3, size, size]);
        assert_eq!(g.latent_dim(), 100);
        let z = Tensor::<2>::random([2, 100], Distribution::Normal(0.0, 1.0), &device);
        let images = g.generate(z);
        assert_eq!(images.dims(), [2, 3, size, size]);
        let values = images.clone().into_data().try_to_vec::<f32>().unwrap();
        assert!(
            values.iter().all(|v| (-1.0..=1.0).contains(v)),
            "tanh range"
        );
        assert_eq!(d.logits(images).dims(), [2, 1]);
    }
}

#[test]
fn dcgan_grayscale_and_other_latent_sizes() {
    let device = common::device();
    let g = DcganGeneratorConfig::new()
        .with_channels(1)
        .with_latent_dim(16)
        .with_feature_maps(4)
        .with_image_size(32)
        .init(&device)
        .unwrap();
    let z = Tensor::<2>::zeros([3, 16], &device);
    assert_eq!(g.forward(z).dims(), [3, 1, 32, 32]);
}

#[test]
fn dcgan_initialisation_follows_the_paper() {
    let device = common::device();
    let g = DcganGeneratorConfig::new().init(&device).unwrap();
    let weights = g.blocks[1]
        .conv
        .weight
        .val()
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    let (mean, std) = mean_std(&weights);
    assert!(mean.abs() < 1e-3, "conv weight mean {mean}");
    assert!((std - 0.02).abs() < 1e-3, "conv weight std {std}");
    let gamma = g.blocks[0]
        .norm
        .gamma
        .val()
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    let (mean, std) = mean_std(&gamma);
    assert!((mean - 1.0).abs() < 5e-3, "BatchNorm weight mean {mean}");
    assert!((std - 0.02).abs() < 5e-3, "BatchNorm weight std {std}");
    let beta = g.blocks[0]
        .norm
        .beta
        .val()
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    assert!(beta.iter().all(|&b| b == 0.0), "BatchNorm bias is zero");
}

fn mean_std(values: &[f32]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = values
        .iter()
        .map(|&v| (v as f64 - mean).powi(2))
        .sum::<f64>()
        / n;
    (mean, var.sqrt())
}

#[test]
fn unsupported_sizes_are_config_errors() {
    let device = common::device();
    for size in [0, 16, 48, 100, 512] {
        let err = DcganGeneratorConfig::new()
            .with_image_size(size)
            .init(&device)
            .unwrap_err();
        assert!(
            matches!(err, ConfigError::UnsupportedImageSize { size: s, .. } if s == size),
            "{err}"
        );
        assert!(err.to_string().contains(&size.to_string()));
        assert!(
            DcganDiscriminatorConfig::new()
                .with_image_size(size)
                .init(&device)
                .is_err()
        );
    }
    let err = DcganGeneratorConfig::new()
        .with_latent_dim(0)
        .init(&device)
        .unwrap_err();
    assert_eq!(
        err,
        ConfigError::ZeroSize {
            field: "latent_dim",
            value: 0
        }
    );
    assert!(
        DcganDiscriminatorConfig::new()
            .with_feature_maps(0)
            .init(&device)
            .is_err()
    );
}

#[test]
fn mlp_gan_shapes_and_errors() {
    let device = common::device();
    let g = MlpGeneratorConfig::new()
        .with_image_size(16)
        .with_hidden(vec![32, 64])
        .init(&device)
        .unwrap();
    let d = MlpDiscriminatorConfig::new()
        .with_image_size(16)
        .with_hidden(vec![64])
        .init(&device)
        .unwrap();
    let images = g.generate(Tensor::<2>::random(
        [5, 100],
        Distribution::Normal(0.0, 1.0),
        &device,
    ));
    assert_eq!(images.dims(), [5, 3, 16, 16]);
    assert_eq!(d.logits(images).dims(), [5, 1]);
    // 100*32+32 + 32*64+64 + 64*768+768 parameters
    assert_eq!(
        trainable_params(&g),
        100 * 32 + 32 + 32 * 64 + 64 + 64 * 768 + 768
    );
    assert!(
        MlpGeneratorConfig::new()
            .with_hidden(vec![8, 0])
            .init(&device)
            .is_err()
    );
    assert!(
        MlpDiscriminatorConfig::new()
            .with_image_size(0)
            .init(&device)
            .is_err()
    );
}

#[test]
fn registry_configs_are_tagged_and_build_models_that_dispatch() {
    use gan_core::can::CanDiscriminatorConfig;
    use gan_core::registry::{DiscriminatorConfig, GeneratorConfig, GeneratorModel};
    use gan_core::wgan::DcganCriticConfig;
    let device = common::device();
    let generator: GeneratorConfig = DcganGeneratorConfig::new()
        .with_image_size(32)
        .with_feature_maps(8)
        .into();
    let json = serde_json::to_value(&generator).unwrap();
    assert_eq!(
        (json["type"].as_str(), json["image_size"].as_u64()),
        (Some("dcgan"), Some(32))
    );
    assert_eq!(
        serde_json::from_value::<GeneratorConfig>(json).unwrap(),
        generator
    );
    let model = generator.init(&device).unwrap();
    assert!(matches!(model, GeneratorModel::Dcgan(_)));
    let images = model.generate(Tensor::zeros([2, 100], &device));
    assert_eq!(images.dims(), [2, 3, 32, 32]);

    let can: DiscriminatorConfig = CanDiscriminatorConfig::new(4)
        .with_image_size(32)
        .with_feature_maps(8)
        .into();
    assert_eq!(serde_json::to_value(&can).unwrap()["type"], "can");
    let judgement = can.init(&device).unwrap().judge(images.clone());
    assert_eq!(judgement.logits.dims(), [2, 1]);
    assert_eq!(judgement.styles.map(|s| s.dims()), Some([2, 4]));
    let critic = DiscriminatorConfig::Critic(DcganCriticConfig::new().with_image_size(32))
        .init(&device)
        .unwrap();
    assert!(!critic.gives_probability() && critic.judge(images).styles.is_none());

    // A configuration without its kind is refused, naming the tag.
    let untagged = serde_json::json!({ "image_size": 32 });
    let err = serde_json::from_value::<DiscriminatorConfig>(untagged).unwrap_err();
    assert!(err.to_string().contains("type"), "{err}");
}
