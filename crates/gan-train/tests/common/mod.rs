//! What the training tests share: the device, the embedded paintings at the test size, a
//! training run from two model configurations, and the Inception weights file.
//!
//! Each test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

use burn::prelude::*;
use gan_core::registry::{Architecture, DiscriminatorConfig, GeneratorConfig};
use gan_core::{Generator, ModelConfig};
use gan_data::{DataSource, OpenedDataset, ProceduralPaintingsConfig};
use gan_metrics::WEIGHTS_ENV;
use gan_train::{
    ModelSpec, Objective, RunOptions, TrainError, TrainedModels, TrainingConfig, TrainingSummary,
    train,
};
use std::path::{Path, PathBuf};

/// Image size of the test models.
pub const SIZE: usize = 32;

/// The CPU device.
pub fn device() -> Device {
    gan_core::device::parse_device("cpu").unwrap()
}

/// `len` embedded procedural paintings at [`SIZE`].
pub fn embedded(len: usize) -> OpenedDataset {
    DataSource::Embedded(ProceduralPaintingsConfig::new().with_len(len))
        .open(SIZE)
        .unwrap()
}

/// What a training run returns.
pub type RunResult<G, D> = Result<(TrainedModels<G, D>, TrainingSummary), TrainError>;

/// Builds the two networks from their configurations with `config.seed` and trains them with
/// `objective` into `out` (resuming from `resume`), recorded as `architecture`.
#[allow(clippy::too_many_arguments)]
pub fn train_models<GC, DC, O>(
    architecture: Architecture,
    generator: &GC,
    discriminator: &DC,
    objective: &O,
    data: &OpenedDataset,
    config: &TrainingConfig,
    out: &Path,
    resume: Option<&Path>,
) -> RunResult<GC::Model, DC::Model>
where
    GC: ModelConfig + Clone + Into<GeneratorConfig>,
    GC::Model: Generator,
    DC: ModelConfig + Clone + Into<DiscriminatorConfig>,
    O: Objective<DC::Model>,
{
    let device = device();
    let spec = ModelSpec::new(architecture, generator.clone(), discriminator.clone());
    let (g, d) = gan_core::device::seeded(&device, config.seed, || {
        (
            generator.init_model(&device).unwrap(),
            discriminator.init_model(&device).unwrap(),
        )
    });
    train(
        g,
        d,
        objective,
        spec,
        data,
        config,
        &RunOptions::new(out.to_path_buf()).with_resume(resume.map(Path::to_path_buf)),
        &device,
    )
}

/// The Inception weights file (`$GAN_INCEPTION_WEIGHTS`, or `<repo>/.cache/inception/default_1.pt`
/// as `scripts/fid/fetch_inception_weights.sh` installs it). `None`, with a note, when it is
/// missing; under `CI`, which fetches it, a missing file fails the test.
pub fn inception_weights() -> Option<PathBuf> {
    let path = std::env::var_os(WEIGHTS_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache/inception/default_1.pt")
        });
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI fetches the Inception weights (scripts/fid/fetch_inception_weights.sh), and {} is \
         missing",
        path.display()
    );
    eprintln!(
        "note: skipping: Inception weights not found at {} (run \
         scripts/fid/fetch_inception_weights.sh or set {WEIGHTS_ENV})",
        path.display()
    );
    None
}
