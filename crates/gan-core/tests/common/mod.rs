//! Shared helpers for gan-core's integration tests.
#![allow(dead_code)]

use burn::prelude::*;

/// The CPU device these tests run on (the default backend of the build).
pub fn device() -> Device {
    gan_core::device::parse_device("cpu").expect("a CPU backend is compiled in")
}

/// The committed PyTorch reference values.
pub fn reference() -> serde_json::Value {
    let text = include_str!("../fixtures/reference.json");
    serde_json::from_str(text).expect("reference.json parses")
}

/// `f64` values of a JSON array.
pub fn floats(value: &serde_json::Value) -> Vec<f64> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect()
}

/// Asserts `actual` equals `expected` within a relative tolerance (absolute near zero).
pub fn assert_close(actual: f64, expected: f64, rel: f64, what: &str) {
    let scale = expected.abs().max(1e-3);
    assert!(
        (actual - expected).abs() <= rel * scale,
        "{what}: got {actual}, PyTorch gives {expected} (relative tolerance {rel})"
    );
}
