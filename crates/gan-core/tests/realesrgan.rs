//! Real-ESRGAN's networks read from ncnn files, against PyTorch
//! (`scripts/reference/realesrgan_reference.py` → `fixtures/realesrgan.json`).
//!
//! The test writes two small networks as ncnn files itself, with the reference script's
//! formula weights (kernels stored as fp16, as the official files are), reads them back through
//! the ncnn reader and compares each network's output with PyTorch's. The official models are
//! checked by gan-train's `tests/upscale.rs` when their weights are present.

mod common;

use base64::Engine;
use burn::prelude::*;
use common::device;
use gan_core::NcnnError;
use gan_core::realesrgan::ncnn::NcnnModel;
use gan_core::realesrgan::{RrdbNetConfig, SrVggNetCompactConfig, nearest_upsample};

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/realesrgan.json")).expect("fixture parses")
}

fn f32s(value: &serde_json::Value) -> Vec<f32> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value.as_str().expect("base64 text"))
        .expect("valid base64");
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
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

/// Builds an ncnn `.param` text and `.bin` bytes the way the official export lays them out,
/// with the reference script's formula weights.
#[derive(Default)]
struct NcnnWriter {
    layers: Vec<String>,
    bin: Vec<u8>,
    blobs: usize,
    convs: usize,
    prelus: usize,
}

impl NcnnWriter {
    fn blob(&mut self) -> String {
        self.blobs += 1;
        format!("b{}", self.blobs)
    }

    fn layer(&mut self, kind: &str, inputs: &[&str], params: &str) -> String {
        let output = self.blob();
        let name = format!("{kind}_{}", self.layers.len());
        self.layers.push(format!(
            "{kind:<24} {name:<24} {} 1 {} {output} {params}",
            inputs.len(),
            inputs.join(" ")
        ));
        output
    }

    fn input(&mut self) -> String {
        self.layers
            .push("Input                    input.1                  0 1 data".into());
        "data".into()
    }

    /// Kernel `[i] = fp16(sin(0.37 i + 1.3 l + 0.1) / sqrt(9 c_in))`, bias
    /// `[j] = 0.01 cos(0.5 j + l)`.
    fn conv(&mut self, input: &str, c_in: usize, c_out: usize, leaky: bool) -> String {
        let index = self.convs as f64;
        self.convs += 1;
        let count = c_out * c_in * 9;
        self.bin.extend(0x0130_6B47u32.to_le_bytes());
        for i in 0..count {
            let v = (0.37 * i as f64 + 1.3 * index + 0.1).sin() / ((9 * c_in) as f64).sqrt();
            self.bin
                .extend(burn::tensor::f16::from_f64(v).to_bits().to_le_bytes());
        }
        if count % 2 == 1 {
            self.bin.extend([0, 0]);
        }
        for j in 0..c_out {
            let v = 0.01 * (0.5 * j as f64 + index).cos();
            self.bin.extend((v as f32).to_le_bytes());
        }
        let activation = if leaky {
            " 9=2 -23310=1,2.000000e-01"
        } else {
            ""
        };
        self.layer(
            "Convolution",
            &[input],
            &format!("0={c_out} 1=3 4=1 5=1 6={count}{activation}"),
        )
    }

    /// Slopes `[j] = 0.05 + 0.01 j + 0.02 p`.
    fn prelu(&mut self, input: &str, count: usize) -> String {
        let index = self.prelus as f64;
        self.prelus += 1;
        for j in 0..count {
            let v = 0.05 + 0.01 * j as f64 + 0.02 * index;
            self.bin.extend((v as f32).to_le_bytes());
        }
        self.layer("PReLU", &[input], &format!("0={count}"))
    }

    fn param(&self) -> String {
        format!(
            "7767517\n{} {}\n{}\n",
            self.layers.len(),
            self.blobs + 1,
            self.layers.join("\n")
        )
    }
}

/// A BasicSR RRDBNet (scale 4) graph.
fn rrdbnet_files(feat: usize, blocks: usize, grow: usize) -> (String, Vec<u8>) {
    let mut w = NcnnWriter::default();
    let data = w.input();
    let first = w.conv(&data, 3, feat, false);
    let mut trunk = first.clone();
    for _ in 0..blocks {
        let block_in = trunk.clone();
        for _ in 0..3 {
            let rdb_in = trunk.clone();
            let mut features = vec![rdb_in.clone()];
            for conv in 1..=5 {
                let joined = if features.len() == 1 {
                    features[0].clone()
                } else {
                    let inputs: Vec<&str> = features.iter().map(String::as_str).collect();
                    w.layer("Concat", &inputs, "")
                };
                let out = if conv == 5 { feat } else { grow };
                features.push(w.conv(&joined, feat + (conv - 1) * grow, out, conv != 5));
            }
            let last = features.pop().expect("conv5");
            trunk = w.layer(
                "Eltwise",
                &[&last, &rdb_in],
                "0=1 -23301=2,2.000000e-01,1.000000e+00",
            );
        }
        trunk = w.layer(
            "Eltwise",
            &[&trunk, &block_in],
            "0=1 -23301=2,2.000000e-01,1.000000e+00",
        );
    }
    let body = w.conv(&trunk, feat, feat, false);
    let sum = w.layer("BinaryOp", &[&first, &body], "");
    let up = w.layer("Interp", &[&sum], "0=1 1=2.000000e+00 2=2.000000e+00");
    let up = w.conv(&up, feat, feat, true);
    let up = w.layer("Interp", &[&up], "0=1 1=2.000000e+00 2=2.000000e+00");
    let up = w.conv(&up, feat, feat, true);
    let hr = w.conv(&up, feat, feat, true);
    w.conv(&hr, feat, 3, false);
    (w.param(), w.bin)
}

/// A Real-ESRGAN SRVGGNetCompact (PReLU) graph; `extra` adds layer lines before the output.
fn srvgg_files(feat: usize, convs: usize, upscale: usize) -> (String, Vec<u8>) {
    let mut w = NcnnWriter::default();
    let data = w.input();
    let mut x = w.conv(&data, 3, feat, false);
    x = w.prelu(&x, feat);
    for _ in 0..convs {
        x = w.conv(&x, feat, feat, false);
        x = w.prelu(&x, feat);
    }
    x = w.conv(&x, feat, 3 * upscale * upscale, false);
    let shuffled = w.layer("PixelShuffle", &[&x], &format!("0={upscale}"));
    let base = w.layer(
        "Interp",
        &[&data],
        &format!("0=1 1={upscale}.000000e+00 2={upscale}.000000e+00"),
    );
    w.layer("BinaryOp", &[&shuffled, &base], "");
    (w.param(), w.bin)
}

fn assert_matches(actual: Tensor<4>, reference: &serde_json::Value, what: &str) {
    let shape: Vec<usize> = reference["output_shape"]
        .as_array()
        .expect("shape")
        .iter()
        .map(|v| v.as_u64().expect("a size") as usize)
        .collect();
    assert_eq!(actual.dims().to_vec(), shape, "{what}: output shape");
    let expected = f32s(&reference["output_f32_base64"]);
    let actual = actual.into_data().try_to_vec::<f32>().expect("f32 output");
    let worst = actual
        .iter()
        .zip(&expected)
        .map(|(a, e)| (a - e).abs())
        .fold(0.0f32, f32::max);
    assert!(
        worst <= 1e-4,
        "{what}: largest difference from PyTorch {worst} (tolerance 1e-4)"
    );
    let spread = expected.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(spread > 0.1, "{what}: the reference output is not trivial");
}

#[test]
fn rrdbnet_read_from_ncnn_matches_pytorch() {
    let device = device();
    let (param, bin) = rrdbnet_files(8, 1, 4);
    let model = NcnnModel::parse(&param, "small.param", &bin, "small.bin").expect("parses");
    let config = RrdbNetConfig::new()
        .with_num_feat(8)
        .with_num_block(1)
        .with_num_grow_ch(4);
    let network = config.load_ncnn(&model, &device).expect("loads");
    let output = network.forward(formula_input(6, 5, &device));
    assert_matches(output, &fixture()["rrdbnet"], "RRDBNet");
}

#[test]
fn srvgg_read_from_ncnn_matches_pytorch() {
    let device = device();
    let (param, bin) = srvgg_files(8, 2, 4);
    let model = NcnnModel::parse(&param, "small.param", &bin, "small.bin").expect("parses");
    let config = SrVggNetCompactConfig::new()
        .with_num_feat(8)
        .with_num_conv(2);
    let network = config.load_ncnn(&model, &device).expect("loads");
    let output = network.forward(formula_input(6, 5, &device));
    assert_matches(output, &fixture()["srvgg"], "SRVGGNetCompact");
}

#[test]
fn nearest_upsampling_repeats_each_pixel() {
    let device = device();
    let x = Tensor::<4>::from_data(
        TensorData::new(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], [1, 1, 2, 3]),
        &device,
    );
    let y = nearest_upsample(x, 2)
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    let expected = [
        1., 1., 2., 2., 3., 3., 1., 1., 2., 2., 3., 3., 4., 4., 5., 5., 6., 6., 4., 4., 5., 5., 6.,
        6.,
    ];
    assert_eq!(y, expected);
}

fn parse_error(param: &str, bin: &[u8]) -> NcnnError {
    NcnnModel::parse(param, "model.param", bin, "model.bin").expect_err("refused")
}

#[test]
fn damaged_files_are_refused_with_the_file_named() {
    let (param, bin) = srvgg_files(8, 2, 4);

    let truncated = parse_error(&param, &bin[..bin.len() - 10]);
    assert!(
        matches!(truncated, NcnnError::Weights { .. }),
        "{truncated}"
    );
    assert!(
        truncated.to_string().starts_with("model.bin: "),
        "{truncated}"
    );
    assert!(truncated.to_string().contains("truncated"), "{truncated}");

    let mut longer = bin.clone();
    longer.extend([0; 8]);
    let long = parse_error(&param, &longer);
    assert!(long.to_string().contains("8 bytes left over"), "{long}");

    let magic = parse_error(&param.replacen("7767517", "7767518", 1), &bin);
    assert!(
        magic.to_string().starts_with("model.param: line 1:"),
        "{magic}"
    );

    let mut lines: Vec<String> = param.lines().map(str::to_string).collect();
    lines[1] = format!("{} 99", lines.len() - 1);
    let count = parse_error(&lines.join("\n"), &bin);
    assert!(count.to_string().contains("the header declares"), "{count}");

    let mut tagged = bin.clone();
    tagged[0] = 0x38;
    let tag = parse_error(&param, &tagged);
    assert!(tag.to_string().contains("weight encoding tag"), "{tag}");

    let unknown = parse_error(&param.replacen("PReLU ", "Sigmoid ", 1), &bin);
    assert!(unknown.to_string().contains("type Sigmoid"), "{unknown}");

    let garbage = parse_error(&param.replacen("0=8 1=3", "0=8 1=x3", 1), &bin);
    assert!(
        garbage.to_string().contains("bad integer `x3`"),
        "{garbage}"
    );
}

#[test]
fn other_networks_are_refused_with_what_differs() {
    let device = device();
    let (param, bin) = rrdbnet_files(8, 1, 4);
    let model = NcnnModel::parse(&param, "small.param", &bin, "small.bin").expect("parses");

    // Another block count, another width.
    let two_blocks = RrdbNetConfig::new()
        .with_num_feat(8)
        .with_num_block(2)
        .with_num_grow_ch(4);
    let error = two_blocks.load_ncnn(&model, &device).expect_err("refused");
    assert!(
        error.to_string().starts_with("small.param: not a RRDBNet"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("21 Convolution layers, expected 36"),
        "{error}"
    );
    let wide = RrdbNetConfig::new().with_num_block(1).with_num_grow_ch(4);
    let error = wide.load_ncnn(&model, &device).expect_err("refused");
    assert!(error.to_string().contains("as conv_first"), "{error}");

    // Another residual coefficient.
    let changed = param.replacen("2.000000e-01,1.000000e+00", "3.000000e-01,1.000000e+00", 1);
    let model = NcnnModel::parse(&changed, "small.param", &bin, "small.bin").expect("parses");
    let config = RrdbNetConfig::new()
        .with_num_feat(8)
        .with_num_block(1)
        .with_num_grow_ch(4);
    let error = config.load_ncnn(&model, &device).expect_err("refused");
    assert!(
        error.to_string().contains("residual sum 0.2 * a + b"),
        "{error}"
    );

    // Bilinear instead of nearest upsampling.
    let bilinear = param.replacen("0=1 1=2.0", "0=2 1=2.0", 1);
    let model = NcnnModel::parse(&bilinear, "small.param", &bin, "small.bin").expect("parses");
    let error = config.load_ncnn(&model, &device).expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("nearest-neighbour 2x upsampling"),
        "{error}"
    );

    // An SRVGG graph with a downscaling at the end (as the official x2 and x3 files).
    let (param, bin) = srvgg_files(8, 2, 4);
    let lines = param.lines().count() - 2;
    let x2 = param.replacen(&format!("{lines} "), &format!("{} ", lines + 1), 1)
        + "Interp                   Resize_40                1 1 b99 output 0=3 1=5.000000e-01 2=5.000000e-01\n";
    let model = NcnnModel::parse(&x2, "x2.param", &bin, "x2.bin").expect("parses");
    let srvgg = SrVggNetCompactConfig::new()
        .with_num_feat(8)
        .with_num_conv(2);
    let error = srvgg.load_ncnn(&model, &device).expect_err("refused");
    assert!(
        error.to_string().contains("2 Interp layers, expected 1"),
        "{error}"
    );

    // An RRDBNet file read as SRVGG.
    let (param, bin) = rrdbnet_files(8, 1, 4);
    let model = NcnnModel::parse(&param, "small.param", &bin, "small.bin").expect("parses");
    let error = srvgg.load_ncnn(&model, &device).expect_err("refused");
    assert!(
        error.to_string().contains("has no layer of this type"),
        "{error}"
    );
}
