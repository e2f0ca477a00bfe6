//! Checkpoints: the generator, the discriminator, both optimizer states and the run's metadata.
//!
//! A checkpoint is a folder `checkpoints/step-NNNNNNNN/` holding
//! - `generator.bpk`, `discriminator.bpk`: weights and BatchNorm statistics in Burn's burnpack
//!   format (tensors and CBOR metadata: nothing in it can execute code);
//! - `generator_optimizer.bpk`, `discriminator_optimizer.bpk`: Adam's moments, same format;
//! - `metadata.json`: step, epoch, position in the epoch, RNG state, and the full configuration.
//!
//! It is written into a hidden temporary folder, each file flushed to disk, and then renamed
//! into place; only then does `checkpoints/latest` (itself replaced by a rename) point to it. A
//! crash at any moment leaves the previous checkpoint whole and `latest` pointing to a complete
//! one.

use crate::atomic::{sync_dir, write_synced};
pub use crate::config::Retention;
use crate::config::TrainingConfig;
use crate::error::TrainError;
use crate::output::run_folder::RunFolder;
use burn::module::Module;
use burn::optim::{ModuleOptimizer, OptimizerRecord};
use burn::prelude::Device;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use gan_core::registry::{
    Architecture, DiscriminatorConfig, DiscriminatorModel, GeneratorConfig, GeneratorModel,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub use crate::atomic::write_atomic;

/// The version of the checkpoint metadata written by this crate. Version 2 records typed
/// model configurations (`{"type": "dcgan", ...}`); version 1 (untyped configurations) is still read.
pub const FORMAT_VERSION: u32 = 2;

const GENERATOR: &str = "generator.bpk";
const GENERATOR_AVERAGE: &str = "generator_ema.bpk";
const DISCRIMINATOR: &str = "discriminator.bpk";
const GENERATOR_OPTIMIZER: &str = "generator_optimizer.bpk";
const DISCRIMINATOR_OPTIMIZER: &str = "discriminator_optimizer.bpk";
const METADATA: &str = "metadata.json";
const LATEST: &str = "latest";

/// The architecture and configuration of the two networks, as saved in checkpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// The GAN variant.
    pub architecture: Architecture,
    /// Image size in pixels (height = width).
    pub image_size: usize,
    /// The generator's configuration.
    pub generator: GeneratorConfig,
    /// The discriminator's configuration.
    pub discriminator: DiscriminatorConfig,
}

impl ModelSpec {
    /// The spec of `architecture` from the two networks' configurations; its image size is the
    /// generator's.
    pub fn new(
        architecture: Architecture,
        generator: impl Into<GeneratorConfig>,
        discriminator: impl Into<DiscriminatorConfig>,
    ) -> Self {
        let generator = generator.into();
        Self {
            architecture,
            image_size: generator.image_size(),
            generator,
            discriminator: discriminator.into(),
        }
    }
}

/// Where the random streams stand. Every random draw of step `s` comes from a generator seeded
/// with `(seed, s)`, and data order and flips from `(seed, epoch)`, so `seed` and the position
/// are the whole RNG state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RngState {
    /// The run's seed.
    pub seed: u64,
    /// How streams derive from the seed.
    pub scheme: String,
}

/// Everything in a checkpoint besides the tensors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointMetadata {
    /// [`FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// Generator steps done.
    pub step: usize,
    /// The epoch in progress, 0-based.
    pub epoch: usize,
    /// Batches of that epoch already consumed.
    pub batch_in_epoch: usize,
    /// The RNG state.
    pub rng: RngState,
    /// The two networks.
    pub model: ModelSpec,
    /// The objective's name (`"dcgan"`).
    pub objective: String,
    /// The objective's settings.
    pub objective_settings: serde_json::Value,

    /// The training configuration.
    pub training: TrainingConfig,
    /// The data set's description.
    pub data: String,
    /// Where the images came from, to open them again on a resume (absent in checkpoints
    /// written before it was recorded).
    #[serde(default)]
    pub data_source: Option<gan_data::DataSource>,
    /// Style names of the data set (empty if unlabelled).
    pub class_names: Vec<String>,
    /// Seconds since the Unix epoch when it was written.
    pub created_unix: u64,
    /// Metrics worth listing with the model (for example `"fid"`), when known.
    #[serde(default)]
    pub metrics: serde_json::Map<String, serde_json::Value>,
    /// The SHA-256 (hex) of each file of the checkpoint, filled in when it is saved and checked
    /// whenever a file is loaded.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// A checkpoint found on disk.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    /// Its folder.
    pub dir: PathBuf,
    /// Its metadata.
    pub metadata: CheckpointMetadata,
}

/// The tensors to save.
pub struct CheckpointContents<'a, G, D> {
    /// The generator.
    pub generator: &'a G,
    /// The moving average of its weights, when the run keeps one.
    pub generator_average: Option<&'a G>,
    /// The discriminator.
    pub discriminator: &'a D,
    /// The generator's optimizer.
    pub generator_optimizer: &'a ModuleOptimizer,
    /// The discriminator's optimizer.
    pub discriminator_optimizer: &'a ModuleOptimizer,
}

fn checkpoint_error(path: &Path, message: impl ToString) -> TrainError {
    TrainError::Checkpoint {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// Saves a checkpoint under `run_dir/checkpoints/`, points `latest` to it, and removes older
/// checkpoints that `keep` does not keep. Returns its folder.
pub fn save<G: Module, D: Module>(
    run_dir: &Path,
    contents: CheckpointContents<'_, G, D>,
    metadata: &CheckpointMetadata,
    keep: Retention,
) -> Result<PathBuf, TrainError> {
    let root = RunFolder::new(run_dir).checkpoints();
    fs::create_dir_all(&root).map_err(TrainError::io(&root))?;
    let name = format!("step-{:08}", metadata.step);
    let final_dir = root.join(&name);
    let tmp_dir = root.join(format!(".{name}.partial-{}", std::process::id()));
    if tmp_dir.exists() {
        fs::remove_dir_all(&tmp_dir).map_err(TrainError::io(&tmp_dir))?;
    }
    fs::create_dir_all(&tmp_dir).map_err(TrainError::io(&tmp_dir))?;

    // `valid()` folds BatchNorm's pending running-statistics update into the saved values
    // (a plain `into_record` would save them one update late) and drops autodiff.
    let record_error = |file: &str| {
        let path = tmp_dir.join(file);
        move |err: burn::store::RecordError| checkpoint_error(&path, err)
    };
    let generator = contents.generator.valid().into_record().into_bytes();
    let discriminator = contents.discriminator.valid().into_record().into_bytes();
    let average = contents.generator_average.map(|average| {
        (
            GENERATOR_AVERAGE,
            average.valid().into_record().into_bytes(),
        )
    });
    let files = [
        (GENERATOR, generator),
        (DISCRIMINATOR, discriminator),
        (
            GENERATOR_OPTIMIZER,
            contents.generator_optimizer.into_bytes(),
        ),
        (
            DISCRIMINATOR_OPTIMIZER,
            contents.discriminator_optimizer.into_bytes(),
        ),
    ];
    let mut metadata = metadata.clone();
    for (file, bytes) in files.into_iter().chain(average) {
        let bytes = bytes.map_err(record_error(file))?;
        write_synced(&tmp_dir.join(file), &bytes)?;
        metadata
            .files
            .insert(file.to_string(), gan_data::sha256(&bytes));
    }
    let json = serde_json::to_vec_pretty(&metadata).map_err(|e| checkpoint_error(&tmp_dir, e))?;
    write_synced(&tmp_dir.join(METADATA), &json)?;
    sync_dir(&tmp_dir);

    // Move a same-step checkpoint (from an earlier, interrupted run) aside before replacing it.
    let old = root.join(format!(".{name}.old-{}", std::process::id()));
    if final_dir.exists() {
        fs::rename(&final_dir, &old).map_err(TrainError::io(&final_dir))?;
    }
    fs::rename(&tmp_dir, &final_dir).map_err(TrainError::io(&final_dir))?;
    sync_dir(&root);
    write_atomic(&root.join(LATEST), name.as_bytes())?;
    sync_dir(&root);
    if old.exists() {
        fs::remove_dir_all(&old).map_err(TrainError::io(&old))?;
    }
    prune(&root, keep, &name)?;
    Ok(final_dir)
}

/// The names of complete checkpoints under `root`, oldest first.
fn list(root: &Path) -> Result<Vec<String>, TrainError> {
    let mut names: Vec<String> = fs::read_dir(root)
        .map_err(TrainError::io(root))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("step-") && root.join(name).join(METADATA).is_file())
        .collect();
    names.sort();
    Ok(names)
}

fn prune(root: &Path, keep: Retention, latest: &str) -> Result<(), TrainError> {
    let names: Vec<String> = list(root)?
        .into_iter()
        .filter(|name| !keep.keeps_for_good(name))
        .collect();
    let excess = names.len().saturating_sub(keep.newest.max(1));
    for name in names.iter().take(excess).filter(|n| n.as_str() != latest) {
        let dir = root.join(name);
        fs::remove_dir_all(&dir).map_err(TrainError::io(&dir))?;
    }
    Ok(())
}

/// Whether `path` is a checkpoint folder (it holds `metadata.json`).
pub fn is_checkpoint(path: &Path) -> bool {
    path.join(METADATA).is_file()
}

/// Finds a checkpoint from a path that is a checkpoint folder, a `checkpoints/` folder, or a
/// run folder (then its latest checkpoint).
pub fn find(path: &Path) -> Result<Checkpoint, TrainError> {
    let dir = if path.join(METADATA).is_file() {
        path.to_path_buf()
    } else {
        let checkpoints = RunFolder::new(path).checkpoints();
        let root = if checkpoints.is_dir() {
            checkpoints
        } else {
            path.to_path_buf()
        };
        if !root.is_dir() {
            return Err(checkpoint_error(path, "no such folder"));
        }
        let latest = fs::read_to_string(root.join(LATEST))
            .ok()
            .map(|name| name.trim().to_string())
            .filter(|name| root.join(name).join(METADATA).is_file());
        match latest.or_else(|| list(&root).ok().and_then(|names| names.last().cloned())) {
            Some(name) => root.join(name),
            None => {
                return Err(checkpoint_error(
                    path,
                    "no checkpoint found (expected metadata.json, or checkpoints/step-*/metadata.json)",
                ));
            }
        }
    };
    let text =
        fs::read_to_string(dir.join(METADATA)).map_err(TrainError::io(dir.join(METADATA)))?;
    let metadata = parse_metadata(&text).map_err(|e| checkpoint_error(&dir.join(METADATA), e))?;
    Ok(Checkpoint { dir, metadata })
}

/// Reads metadata of format 1 or 2. Format 1 stored the two configurations untagged; their kind
/// follows from the architecture.
fn parse_metadata(text: &str) -> Result<CheckpointMetadata, String> {
    let unreadable = |e: serde_json::Error| format!("unreadable metadata: {e}");
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(unreadable)?;
    let version = value.get("format_version").and_then(|v| v.as_u64());
    if !matches!(version, Some(1 | 2)) {
        return Err(format!(
            "format version {} is not supported (this build reads 1 and {FORMAT_VERSION})",
            version.map_or("(missing)".to_string(), |v| v.to_string())
        ));
    }
    let architecture: Architecture = value
        .pointer("/model/architecture")
        .and_then(|a| a.as_str())
        .ok_or("metadata without an architecture")?
        .parse()
        .map_err(|e: gan_core::registry::UnknownArchitecture| e.to_string())?;
    if version == Some(1) {
        let model = value.get_mut("model").ok_or("metadata without a model")?;
        let (generator, discriminator) = match architecture {
            Architecture::Dcgan => ("dcgan", "dcgan"),
            Architecture::Can => ("dcgan", "can"),
            Architecture::WganGp => ("dcgan", "critic"),
            Architecture::Mlp => ("mlp", "mlp"),
        };
        for (role, kind) in [("generator", generator), ("discriminator", discriminator)] {
            if let Some(config) = model.get_mut(role).and_then(|c| c.as_object_mut()) {
                config.insert("type".into(), kind.into());
            }
        }
    }
    // Written before DCGAN's discriminator could be spectrally normalised: it was not.
    if let Some(discriminator) = value
        .pointer_mut("/model/discriminator")
        .and_then(|c| c.as_object_mut())
        .filter(|c| c.get("type").and_then(|t| t.as_str()) == Some("dcgan"))
    {
        discriminator
            .entry("spectral_norm")
            .or_insert(serde_json::Value::Bool(false));
    }
    serde_json::from_value(value).map_err(unreadable)
}

impl Checkpoint {
    /// Opens the checkpoint at `path`: a checkpoint folder, a `checkpoints/` folder or a run
    /// folder (its latest checkpoint). The same as [`find`].
    pub fn open(path: impl AsRef<Path>) -> Result<Self, TrainError> {
        find(path.as_ref())
    }

    /// The run folder this checkpoint belongs to.
    pub fn run_folder(&self) -> RunFolder {
        RunFolder::containing(&self.dir)
    }

    /// Writes the generator alone into the new folder `out`: its weights and this metadata
    /// (recording only that file), for sharing a model without its discriminator and
    /// optimizer states. The export opens like a checkpoint for generation; resuming or judging
    /// with it is an error naming the missing file. Returns the bytes written.
    pub fn export_generator(&self, out: &Path) -> Result<u64, TrainError> {
        if out.exists() {
            return Err(TrainError::Invalid(format!(
                "{} already exists: export into a new folder",
                out.display()
            )));
        }
        let weights = self.read(self.image_generator_file())?;
        let mut metadata = self.metadata.clone();
        metadata.files.retain(|file, _| file == GENERATOR);
        metadata
            .files
            .insert(GENERATOR.to_string(), gan_data::sha256(&weights));
        let json = serde_json::to_vec_pretty(&metadata).map_err(|e| checkpoint_error(out, e))?;
        fs::create_dir_all(out).map_err(TrainError::io(out))?;
        write_atomic(&out.join(GENERATOR), &weights)?;
        write_atomic(&out.join(METADATA), &json)?;
        Ok((weights.len() + json.len()) as u64)
    }

    /// Builds the generator this checkpoint records on `device` and loads the weights that
    /// make its pictures: the moving average of the generator's weights when the run kept one
    /// (`TrainingConfig::ema`), else the trained weights.
    pub fn generator(&self, device: &Device) -> Result<GeneratorModel, TrainError> {
        let file = self.image_generator_file();
        Ok(match &self.metadata.model.generator {
            GeneratorConfig::Dcgan(c) => {
                GeneratorModel::Dcgan(self.load_module(c.init(device)?, file)?)
            }
            GeneratorConfig::Mlp(c) => {
                GeneratorModel::Mlp(self.load_module(c.init(device)?, file)?)
            }
        })
    }

    /// The file of the weights that make pictures: the average when recorded.
    fn image_generator_file(&self) -> &'static str {
        match self.has_generator_average() {
            true => GENERATOR_AVERAGE,
            false => GENERATOR,
        }
    }

    /// Whether the checkpoint holds a moving average of the generator's weights.
    pub fn has_generator_average(&self) -> bool {
        self.metadata.files.contains_key(GENERATOR_AVERAGE)
    }

    /// Loads the moving average of the generator's weights into `generator` (built from the
    /// same configuration); an error when the checkpoint has none.
    pub fn load_generator_average<G: Module>(&self, generator: G) -> Result<G, TrainError> {
        self.load_module(generator, GENERATOR_AVERAGE)
    }

    /// Builds the discriminator (or critic) this checkpoint records on `device` and loads its
    /// weights.
    pub fn discriminator(&self, device: &Device) -> Result<DiscriminatorModel, TrainError> {
        Ok(match &self.metadata.model.discriminator {
            DiscriminatorConfig::Dcgan(c) => {
                DiscriminatorModel::Dcgan(self.load_discriminator(c.init(device)?)?)
            }
            DiscriminatorConfig::Can(c) => {
                DiscriminatorModel::Can(self.load_discriminator(c.init(device)?)?)
            }
            DiscriminatorConfig::Critic(c) => {
                DiscriminatorModel::Critic(self.load_discriminator(c.init(device)?)?)
            }
            DiscriminatorConfig::Mlp(c) => {
                DiscriminatorModel::Mlp(self.load_discriminator(c.init(device)?)?)
            }
        })
    }

    /// Whether the discriminator's sigmoid is a probability that an image is real: it was
    /// trained with binary cross-entropy (DCGAN, CAN), not as a critic (WGAN-GP) or with the
    /// hinge loss, whose outputs are scores.
    pub fn gives_probability(&self) -> bool {
        crate::objective::definition::gives_probability(&self.metadata.objective)
    }

    /// The discriminator's verdict on image files (see [`judge_images`]): P(real) when it
    /// [gives a probability](Self::gives_probability), its raw score otherwise, and CAN's `top`
    /// styles by name.
    ///
    /// [`judge_images`]: crate::judge::judge_images
    pub fn judge(
        &self,
        images: &[PathBuf],
        top: usize,
        device: &Device,
    ) -> Result<Vec<crate::judge::ImageScore>, TrainError> {
        let discriminator = self.discriminator(device)?;
        let names = &self.metadata.class_names;
        let probability = self.gives_probability();
        crate::judge::judge_images(&discriminator, names, images, top, probability, device)
    }

    /// Reads one of its files, checked against the SHA-256 its metadata records (checkpoints
    /// written before hashes were recorded are read unchecked).
    fn read(&self, file: &str) -> Result<Bytes, TrainError> {
        let path = self.dir.join(file);
        let bytes = fs::read(&path).map_err(TrainError::io(&path))?;
        if let Some(expected) = self.metadata.files.get(file) {
            let found = gan_data::sha256(&bytes);
            if &found != expected {
                return Err(checkpoint_error(
                    &path,
                    format!(
                        "is damaged: its SHA-256 is {found}, the checkpoint recorded {expected}"
                    ),
                ));
            }
        }
        Ok(Bytes::from_bytes_vec(bytes))
    }

    /// Checks that every file of the checkpoint is there (those its metadata records; all four
    /// for checkpoints from before files were recorded) and unchanged; the first problem is the
    /// error.
    pub fn verify(&self) -> Result<(), TrainError> {
        let all = [
            GENERATOR,
            DISCRIMINATOR,
            GENERATOR_OPTIMIZER,
            DISCRIMINATOR_OPTIMIZER,
        ];
        let recorded: Vec<&str> = self.metadata.files.keys().map(String::as_str).collect();
        let files = if recorded.is_empty() {
            &all[..]
        } else {
            &recorded[..]
        };
        for &file in files {
            let bytes = self.read(file)?;
            if bytes.is_empty() {
                return Err(checkpoint_error(&self.dir.join(file), "is empty"));
            }
        }
        Ok(())
    }

    fn load_module<M: Module>(&self, module: M, file: &str) -> Result<M, TrainError> {
        let path = self.dir.join(file);
        let record =
            ModuleRecord::from_bytes(self.read(file)?).map_err(|e| checkpoint_error(&path, e))?;
        module
            .try_load_record(record)
            .map_err(|e| checkpoint_error(&path, format!("does not fit this model ({e})")))
    }

    /// Loads the generator's trained weights into `generator` (built from the same
    /// configuration); [`generator`](Self::generator) prefers the moving average.
    pub fn load_generator<G: Module>(&self, generator: G) -> Result<G, TrainError> {
        self.load_module(generator, GENERATOR)
    }

    /// Loads the discriminator's weights into `discriminator`.
    pub fn load_discriminator<D: Module>(&self, discriminator: D) -> Result<D, TrainError> {
        self.load_module(discriminator, DISCRIMINATOR)
    }

    /// Loads both optimizer states: `(generator's, discriminator's)`.
    pub fn load_optimizers(
        &self,
        generator: ModuleOptimizer,
        discriminator: ModuleOptimizer,
    ) -> Result<(ModuleOptimizer, ModuleOptimizer), TrainError> {
        let load = |optimizer: ModuleOptimizer, file: &str| {
            let record = OptimizerRecord::from_bytes(self.read(file)?)
                .map_err(|e| checkpoint_error(&self.dir.join(file), e))?;
            Ok::<_, TrainError>(optimizer.load_record(record))
        };
        Ok((
            load(generator, GENERATOR_OPTIMIZER)?,
            load(discriminator, DISCRIMINATOR_OPTIMIZER)?,
        ))
    }
}
