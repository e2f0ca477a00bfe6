//! What the studio holds while it runs: its folders, the device, loaded models (a few, newest
//! kept), generation jobs, opened data sets, and the training runs it started as child
//! processes. Inference is one job at a time ([`Studio::infer`]).

use super::error::StudioError;
use gan::burn::prelude::Device;
use gan::core::{DiscriminatorModel, GeneratorModel};
use gan::data::ArtDataset;
use gan::train::Checkpoint;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Models kept loaded at once.
const MODEL_CACHE: usize = 4;

/// How `gan studio` was started.
#[derive(Debug, Clone)]
pub struct StudioOptions {
    /// The folder of training runs (each sub-folder a run).
    pub runs: PathBuf,
    /// Data sets to browse and train on, as given on the command line.
    pub data: Vec<PathBuf>,
    /// Where generations and training logs go.
    pub out: PathBuf,
    /// The address to bind.
    pub host: String,
    /// The port (0: a free one).
    pub port: u16,
    /// The inference device.
    pub device: String,
    /// The program that trains (`gan train ...`): this binary.
    pub program: PathBuf,
}

/// A model loaded from a checkpoint.
pub struct LoadedModel {
    /// The checkpoint it came from.
    pub checkpoint: Checkpoint,
    /// Its generator (the moving average when the run kept one), in inference mode.
    pub generator: GeneratorModel,
    /// Its discriminator.
    pub discriminator: DiscriminatorModel,
}

/// A data set given with `--data`, opened for browsing.
pub struct DataSet {
    /// The folder or archive.
    pub path: PathBuf,
    /// The opened set (preview size [`PREVIEW_SIZE`]).
    pub dataset: ArtDataset,
}

/// The size data previews show as "model size".
pub const PREVIEW_SIZE: usize = 64;

/// A generation in progress or done.
#[derive(Default)]
pub struct Job {
    /// Images written so far.
    pub done: AtomicUsize,
    /// Images asked for.
    pub total: AtomicUsize,
    /// Set by the cancel button; checked after every image.
    pub cancel: AtomicBool,
    /// The outcome, once finished: the result as JSON, or the error.
    pub outcome: Mutex<Option<Result<serde_json::Value, String>>>,
}

/// The studio's state, shared by all requests.
pub struct Studio {
    /// Canonical runs folder.
    pub runs: PathBuf,
    /// Canonical output folder (generations, training logs).
    pub out: PathBuf,
    /// The inference device.
    pub device: Device,
    /// The program that trains.
    pub program: PathBuf,
    /// The `--data` sets, in command-line order.
    pub data: Vec<DataSet>,
    models: Mutex<Vec<(PathBuf, Arc<LoadedModel>)>>,
    /// Generation jobs by id.
    pub jobs: Mutex<HashMap<u64, Arc<Job>>>,
    next_job: AtomicU64,
    inference: Mutex<()>,
    /// Training runs started here, by run name.
    pub children: Mutex<HashMap<String, Child>>,
}

impl Studio {
    /// Opens the folders (creating the runs and output folders) and the data sets, and parses
    /// the device.
    pub fn open(options: StudioOptions) -> Result<Self, StudioError> {
        let device = gan::core::device::parse_device(&options.device)?;
        let canonical = |path: &Path, what: &str| -> Result<PathBuf, StudioError> {
            std::fs::create_dir_all(path)
                .and_then(|_| path.canonicalize())
                .map_err(|e| StudioError::Setup(format!("{what} {}: {e}", path.display())))
        };
        let runs = canonical(&options.runs, "--runs")?;
        let out = canonical(&options.out, "--out")?;
        let mut data = Vec::new();
        for path in &options.data {
            let dataset = gan::data::ArtDatasetConfig::new(path.clone())
                .with_image_size(PREVIEW_SIZE)
                .init()?;
            data.push(DataSet {
                path: path.clone(),
                dataset,
            });
        }
        Ok(Self {
            runs,
            out,
            device,
            program: options.program,
            data,
            models: Mutex::new(Vec::new()),
            jobs: Mutex::new(HashMap::new()),
            next_job: AtomicU64::new(1),
            inference: Mutex::new(()),
            children: Mutex::new(HashMap::new()),
        })
    }

    /// The model of the latest checkpoint of run `name` (a checked name), loaded once.
    pub fn model(&self, run: &Path) -> Result<Arc<LoadedModel>, String> {
        let checkpoint = Checkpoint::open(run).map_err(|e| e.to_string())?;
        let key = checkpoint.dir.clone();
        if let Some((_, model)) = lock(&self.models).iter().find(|(k, _)| *k == key) {
            return Ok(model.clone());
        }
        let generator = checkpoint
            .generator(&self.device)
            .map_err(|e| e.to_string())?;
        let discriminator = checkpoint
            .discriminator(&self.device)
            .map_err(|e| e.to_string())?;
        let model = Arc::new(LoadedModel {
            checkpoint,
            generator,
            discriminator,
        });
        let mut models = lock(&self.models);
        models.push((key, model.clone()));
        if models.len() > MODEL_CACHE {
            models.remove(0);
        }
        Ok(model)
    }

    /// The folder to load a model from: run `run`'s latest checkpoint, or its checkpoint
    /// `checkpoint` (a `step-NNNNNNNN` folder name); `None` when a name is not plain or the folder
    /// is not inside the runs folder.
    pub fn model_dir(&self, run: &str, checkpoint: Option<&str>) -> Option<PathBuf> {
        match checkpoint.filter(|c| !c.is_empty()) {
            None => super::security::resolve_inside(&self.runs, &[run]),
            Some(name) => super::security::resolve_inside(&self.runs, &[run, "checkpoints", name]),
        }
    }

    /// Runs `work` while holding the inference lock: one model computation at a time.
    pub fn infer<T>(&self, work: impl FnOnce() -> T) -> T {
        let _turn = lock(&self.inference);
        work()
    }

    /// A new job's id and state.
    pub fn new_job(&self, total: usize) -> (u64, Arc<Job>) {
        let id = self.next_job.fetch_add(1, Ordering::Relaxed);
        let job = Arc::new(Job::default());
        job.total.store(total, Ordering::Relaxed);
        lock(&self.jobs).insert(id, job.clone());
        (id, job)
    }

    /// Stops the training runs this studio started (each writes a checkpoint first).
    pub fn stop_children(&self) {
        let mut children = lock(&self.children);
        for (_, child) in children.iter_mut() {
            terminate(child);
        }
        for (_, mut child) in children.drain() {
            let _ = child.wait();
        }
    }
}

impl Studio {
    /// Whether run `name` is training now: a child of this studio that has not exited, or any
    /// process holding the run's lock (a run started from a terminal).
    pub fn is_training(&self, name: &str) -> bool {
        if let Some(child) = lock(&self.children).get_mut(name)
            && matches!(child.try_wait(), Ok(None))
        {
            return true;
        }
        let lock_file = self.runs.join(name).join(".lock");
        match std::fs::File::open(&lock_file) {
            Ok(file) => match file.try_lock() {
                Ok(()) => {
                    let _ = file.unlock();
                    false
                }
                Err(_) => true,
            },
            Err(_) => false,
        }
    }
}

/// Sends SIGTERM (a checkpoint, then exit) to a child `gan train`; kills it where there are no
/// signals.
pub fn terminate(child: &mut Child) {
    #[cfg(unix)]
    {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
    }
    #[cfg(not(unix))]
    {
        let _ = child.kill();
    }
}

/// Locks a mutex, recovering the data if a thread panicked while holding it.
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
