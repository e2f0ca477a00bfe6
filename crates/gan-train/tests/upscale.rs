//! Real-ESRGAN upscaling: the official models against PyTorch
//! (`scripts/reference/realesrgan_reference.py --weights DIR` →
//! `fixtures/realesrgan_models.json`: raw outputs, and Real-ESRGAN's whole processing untiled and
//! tiled), and the pipeline's own promises (tiles that cover the receptive field change
//! nothing, batches give what single images give, files are checked and reported).
//!
//! The official weights come from `scripts/upscale/fetch_realesrgan_weights.sh`
//! (`.cache/realesrgan/` or `$GAN_REALESRGAN_DIR`); without them the tests that need them say
//! so and check the rest.

use base64::Engine;
use burn::prelude::*;
use gan_core::realesrgan::{RealEsrgan, RealEsrganModel, SrVggNetCompactConfig};
use gan_train::error::TrainError;
use gan_train::upscale::{from_unit_tensor, to_unit_tensor};
use gan_train::{Tiling, Upscaler};
use image::RgbImage;
use std::path::PathBuf;

fn device() -> Device {
    gan_core::device::parse_device("cpu").expect("a CPU backend")
}

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/realesrgan_models.json")).expect("parses")
}

fn decode(value: &serde_json::Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(value.as_str().expect("base64 text"))
        .expect("valid base64")
}

fn shape(value: &serde_json::Value) -> Vec<usize> {
    value
        .as_array()
        .expect("a shape")
        .iter()
        .map(|v| v.as_u64().expect("a size") as usize)
        .collect()
}

/// The official weights' folder, or `None` with a note.
fn weights(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(gan_train::upscale::WEIGHTS_DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../.cache/realesrgan"
            ))
        });
    if dir.join("realesrgan-x4plus.bin").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "{} has no Real-ESRGAN weights (scripts/upscale/fetch_realesrgan_weights.sh): {what} \
             is not checked",
            dir.display()
        );
        None
    }
}

/// `x[c, h, w] = 0.5 + 0.45 sin(0.3 h + 0.7 w + 1.1 c)`, as the reference script.
fn formula_input(height: usize, width: usize, device: &Device) -> Tensor<4> {
    let mut values = Vec::with_capacity(3 * height * width);
    for c in 0..3 {
        for h in 0..height {
            for w in 0..width {
                let v = 0.5 + 0.45 * (0.3 * h as f64 + 0.7 * w as f64 + 1.1 * c as f64).sin();
                values.push(v as f32);
            }
        }
    }
    Tensor::from_data(TensorData::new(values, [1, 3, height, width]), device)
}

/// `pixel[h, w, c] = (37 h + 91 w + 53 c + 11 h w) mod 256`, as the reference script.
fn formula_image(height: u32, width: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |w, h| {
        let at = |c: u32| ((37 * h + 91 * w + 53 * c + 11 * h * w) % 256) as u8;
        image::Rgb([at(0), at(1), at(2)])
    })
}

/// Asserts two 8-bit images are equal but for rounding: every byte within 1, and at most 0.5%
/// of them off by one (PyTorch's and Burn's convolutions sum in different orders).
fn assert_same_bytes(actual: &RgbImage, expected: &[u8], what: &str) {
    let actual = actual.as_raw();
    assert_eq!(actual.len(), expected.len(), "{what}: size");
    let mut off = 0;
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            a.abs_diff(*e) <= 1,
            "{what}: a byte differs by {}",
            a.abs_diff(*e)
        );
        off += usize::from(a != e);
    }
    eprintln!("{what}: {off} of {} bytes differ by one", actual.len());
    assert!(
        off * 200 <= actual.len(),
        "{what}: {off} of {} bytes differ by one",
        actual.len()
    );
}

#[test]
fn official_models_match_pytorch() {
    let Some(dir) = weights("the official models against PyTorch") else {
        return;
    };
    let device = device();
    let fixture = fixture();
    for model in RealEsrganModel::ALL {
        let reference = &fixture[model.name()];
        let upscaler = Upscaler::load(model, &dir, &device).expect("the weights load");
        assert_eq!(upscaler.scale(), 4);
        let [_, _, h, w] = <[usize; 4]>::try_from(shape(&reference["input_shape"])).unwrap();
        let output = upscaler.network().forward(formula_input(h, w, &device));
        assert_eq!(output.dims().to_vec(), shape(&reference["output_shape"]));
        let expected: Vec<f32> = decode(&reference["output_f32_base64"])
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let actual = output.into_data().try_to_vec::<f32>().unwrap();
        let worst = actual
            .iter()
            .zip(&expected)
            .map(|(a, e)| (a - e).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst <= 1e-4,
            "{model}: largest difference from PyTorch {worst}"
        );
        eprintln!("{model}: largest difference from PyTorch {worst:e}");

        let Some(processed) = reference.get("processed_u8_base64") else {
            continue;
        };
        let image = formula_image(12, 16);
        let whole = upscaler
            .clone()
            .with_tiling(Tiling::Off)
            .upscale_image(&image)
            .expect("upscales");
        assert_eq!(whole.dimensions(), (64, 48));
        assert_same_bytes(&whole, &decode(processed), &format!("{model}, whole"));
        let tiled = upscaler
            .clone()
            .with_tiling(Tiling::Size(8))
            .with_tile_pad(2)
            .upscale_image(&image)
            .expect("upscales");
        assert_same_bytes(
            &tiled,
            &decode(&reference["processed_tiled_u8_base64"]),
            &format!("{model}, tiles of 8 with 2 pixels of overlap"),
        );
    }
}

/// A small SRVGGNetCompact (4 convolutions: a receptive field of 4 pixels each side) with
/// Burn's random initialisation.
fn small_upscaler(device: &Device) -> Upscaler {
    let network = SrVggNetCompactConfig::new()
        .with_num_feat(8)
        .with_num_conv(2)
        .init(device)
        .expect("a valid configuration");
    Upscaler::new(RealEsrgan::Compact(network), "small", device)
}

fn random_images(count: usize, width: u32, height: u32, seed: u32) -> Vec<RgbImage> {
    (0..count as u32)
        .map(|i| {
            RgbImage::from_fn(width, height, |x, y| {
                let v = |c: u32| {
                    ((x * 73 + y * 151 + c * 29 + i * 97 + seed).wrapping_mul(2_654_435_761) >> 24)
                        as u8
                };
                image::Rgb([v(0), v(1), v(2)])
            })
        })
        .collect()
}

#[test]
fn tiles_that_cover_the_receptive_field_change_nothing() {
    let device = device();
    let upscaler = small_upscaler(&device);
    let images = to_unit_tensor(&random_images(2, 21, 13, 1), &device);
    let whole = upscaler
        .clone()
        .with_tiling(Tiling::Off)
        .upscale_tensor(images.clone());
    assert_eq!(whole.dims(), [2, 3, 52, 84]);
    let tiled = upscaler
        .clone()
        .with_tiling(Tiling::Size(8))
        .with_tile_pad(4)
        .upscale_tensor(images.clone());
    // Progress counts tiles: 3 x 2 of 8 pixels here; automatic tiling starts above 256.
    let eights = upscaler.clone().with_tiling(Tiling::Size(8));
    assert_eq!(eights.work(21, 13), 6);
    assert_eq!(upscaler.work(256, 256), 1);
    assert_eq!(upscaler.work(300, 100), 2);
    let difference = (whole.clone() - tiled).abs().max().into_scalar::<f32>();
    assert!(
        difference <= 1e-5,
        "tiles with 4 pixels of overlap differ by {difference}"
    );
    // With too little overlap the seams show: the comparison can fail.
    let seams = upscaler
        .with_tiling(Tiling::Size(8))
        .with_tile_pad(1)
        .upscale_tensor(images);
    let difference = (whole - seams).abs().max().into_scalar::<f32>();
    assert!(
        difference > 1e-4,
        "1 pixel of overlap should show seams ({difference})"
    );
}

#[test]
fn batches_give_what_single_images_give_in_order() {
    let device = device();
    let upscaler = small_upscaler(&device)
        .with_tiling(Tiling::Off)
        .with_batch_size(3);
    let mut images = random_images(4, 10, 6, 2);
    images.insert(2, random_images(1, 7, 9, 3).remove(0));
    let together = upscaler.upscale_images(&images, None).expect("upscales");
    assert_eq!(together.len(), 5);
    for (image, upscaled) in images.iter().zip(&together) {
        let alone = upscaler.upscale_image(image).expect("upscales");
        assert_eq!(
            upscaled.dimensions(),
            (image.width() * 4, image.height() * 4)
        );
        let off = alone
            .as_raw()
            .iter()
            .zip(upscaled.as_raw())
            .filter(|(a, b)| a.abs_diff(**b) > 1)
            .count();
        assert_eq!(off, 0, "an image upscaled in a batch differs from it alone");
    }
}

/// A value `v` in f32 with `v * 255.0 == target` exactly (searched around `target / 255`).
fn exact_preimage(target: f32) -> f32 {
    let mut v = target / 255.0;
    for _ in 0..4 {
        v = f32::from_bits(v.to_bits() - 1);
    }
    (0..9)
        .map(|i| f32::from_bits(v.to_bits() + i))
        .find(|v| v * 255.0 == target)
        .expect("a float whose product with 255 is exactly the target")
}

#[test]
fn conversion_rounds_half_to_even_and_clamps() {
    let device = device();
    // 2.5 -> 2 and 3.5 -> 4 (NumPy's round, which Real-ESRGAN uses; `f32::round` gives 3, 4).
    let values = vec![
        exact_preimage(2.5),
        exact_preimage(3.5),
        0.25,
        -0.2,
        1.3,
        1.0,
    ];
    let tensor = Tensor::<4>::from_data(TensorData::new(values, [1, 3, 1, 2]), &device);
    let image = from_unit_tensor(tensor).expect("3 channels").remove(0);
    let pixels = [image.get_pixel(0, 0).0, image.get_pixel(1, 0).0];
    let channels: Vec<u8> = (0..3).flat_map(|c| [pixels[0][c], pixels[1][c]]).collect();
    assert_eq!(channels, [2, 4, 64, 0, 255, 255]);
    let back = to_unit_tensor(std::slice::from_ref(&image), &device);
    let again = from_unit_tensor(back).expect("3 channels").remove(0);
    assert_eq!(again, image, "8-bit images survive the round trip");
}

#[test]
fn missing_or_damaged_weights_are_named_with_the_fetch_script() {
    let device = device();
    let dir = tempfile::tempdir().unwrap();
    let error =
        Upscaler::load(RealEsrganModel::Animevideov3, dir.path(), &device).expect_err("no weights");
    let text = error.to_string();
    assert!(matches!(error, TrainError::UpscaleWeights { .. }), "{text}");
    assert!(text.contains("realesr-animevideov3-x4.param"), "{text}");
    assert!(
        text.contains("scripts/upscale/fetch_realesrgan_weights.sh"),
        "{text}"
    );

    std::fs::write(
        dir.path().join("realesr-animevideov3-x4.param"),
        "7767517\n0 0\n",
    )
    .unwrap();
    let text = Upscaler::load(RealEsrganModel::Animevideov3, dir.path(), &device)
        .expect_err("damaged")
        .to_string();
    assert!(text.contains("has SHA-256"), "{text}");
    assert!(text.contains("damaged or another file"), "{text}");
}

#[test]
fn files_are_written_named_and_bad_ones_skipped_and_reported() {
    let device = device();
    let upscaler = small_upscaler(&device);
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let images = random_images(2, 12, 10, 4);
    let a = inputs.join("a.png");
    let b = inputs.join("b.jpg");
    images[0].save(&a).unwrap();
    images[1].save(&b).unwrap();
    let broken = inputs.join("broken.png");
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let out = dir.path().join("out");
    std::fs::write(inputs.join("notes.txt"), "not an image").unwrap();
    let listed = gan_train::upscale::image_files(std::slice::from_ref(&inputs)).unwrap();
    assert_eq!(
        listed,
        vec![a.clone(), b.clone(), broken.clone()],
        "a folder's images, sorted"
    );
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let error = gan_train::upscale::image_files(&[empty])
        .unwrap_err()
        .to_string();
    assert!(error.contains("holds no images"), "{error}");

    let report = upscaler
        .upscale_files(&[a.clone(), broken.clone(), b.clone()], &out, false, true)
        .expect("writes");
    assert_eq!(report.written, vec![out.join("a.png"), out.join("b.png")]);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].0, broken);
    assert!(
        report.skipped[0].1.contains("broken.png"),
        "{:?}",
        report.skipped
    );
    let written = image::open(out.join("a.png")).unwrap().to_rgb8();
    assert_eq!(written, upscaler.upscale_image(&images[0]).unwrap());
    let file = std::io::BufReader::new(std::fs::File::open(out.join("b.png")).unwrap());
    let reader = png::Decoder::new(file).read_info().unwrap();
    let text: Vec<(String, String)> = reader
        .info()
        .utf8_text
        .iter()
        .map(|chunk| (chunk.keyword.clone(), chunk.get_text().unwrap()))
        .collect();
    assert!(
        text.contains(&("gan:upscale".into(), "small".into())),
        "{text:?}"
    );
    assert!(
        text.contains(&("gan:source".into(), "b.jpg".into())),
        "{text:?}"
    );

    let again = upscaler
        .upscale_files(std::slice::from_ref(&a), &out, false, true)
        .expect_err("exists");
    assert!(again.to_string().contains("--overwrite"), "{again}");
    upscaler
        .upscale_files(std::slice::from_ref(&a), &out, true, true)
        .expect("replaces");
    let twice = upscaler
        .upscale_files(
            &[a.clone(), inputs.join("a.jpg")],
            &dir.path().join("o2"),
            false,
            true,
        )
        .expect_err("one name twice");
    assert!(
        twice.to_string().contains("would both be written"),
        "{twice}"
    );
}
