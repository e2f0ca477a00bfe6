//! Finding trained models: every run folder (or lone checkpoint folder) under a folder, with
//! what its latest checkpoint records. What `gan models` lists and the studio shows as cards.

use crate::checkpoint::{self, Checkpoint};
use crate::error::TrainError;
use crate::output::run_folder::RunFolder;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// How deep below the searched folder run folders are looked for.
pub const MAX_DEPTH: usize = 4;

/// One trained model: a run folder and its latest checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelEntry {
    /// The path to open it by (`gan generate`, [`Checkpoint::open`]): the run folder, or the
    /// checkpoint folder when it stands alone.
    pub model: PathBuf,
    /// The latest checkpoint's folder.
    pub checkpoint: PathBuf,
    /// `dcgan`, `can`, `wgan-gp` or `mlp`.
    pub architecture: String,
    /// Image size in pixels (height = width).
    pub image_size: usize,
    /// The data set's description.
    pub data: String,
    /// Generator steps trained.
    pub steps: usize,
    /// When the checkpoint was written, in seconds since the Unix epoch.
    pub created_unix: u64,
    /// Style names (CAN), empty when unlabelled.
    pub styles: Vec<String>,
    /// The Fréchet Inception Distance, when the checkpoint records one.
    pub fid: Option<f64>,
}

impl ModelEntry {
    fn new(model: PathBuf, checkpoint: Checkpoint) -> Self {
        let m = checkpoint.metadata;
        Self {
            model,
            checkpoint: checkpoint.dir,
            fid: m.metrics.get("fid").and_then(|v| v.as_f64()),
            architecture: m.model.architecture.name().to_string(),
            image_size: m.model.image_size,
            data: m.data,
            steps: m.step,
            created_unix: m.created_unix,
            styles: m.class_names,
        }
    }
}

/// A folder that holds a model but could not be read.
#[derive(Debug)]
pub struct Unreadable {
    /// The folder.
    pub path: PathBuf,
    /// Why.
    pub error: TrainError,
}

/// The models under `dir` (up to [`MAX_DEPTH`] levels down; hidden folders are skipped),
/// sorted by path, and the folders that look like models but could not be read or whose
/// checkpoint is incomplete or damaged ([`Checkpoint::verify`]). `dir` may
/// itself be a run folder or a checkpoint folder.
pub fn find_models(dir: &Path) -> Result<(Vec<ModelEntry>, Vec<Unreadable>), TrainError> {
    if !dir.is_dir() {
        return Err(TrainError::Invalid(format!(
            "{} is not a folder (train a model with `gan train dcgan` first; runs go to runs/)",
            dir.display()
        )));
    }
    let mut found = (Vec::new(), Vec::new());
    visit(dir, 0, &mut found);
    found.0.sort_by(|a, b| a.model.cmp(&b.model));
    Ok(found)
}

fn visit(dir: &Path, depth: usize, found: &mut (Vec<ModelEntry>, Vec<Unreadable>)) {
    if checkpoint::is_checkpoint(dir) || RunFolder::is_run(dir) {
        match checkpoint::find(dir).and_then(|c| c.verify().map(|()| c)) {
            Ok(checkpoint) => found.0.push(ModelEntry::new(dir.to_path_buf(), checkpoint)),
            Err(error) => found.1.push(Unreadable {
                path: dir.to_path_buf(),
                error,
            }),
        }
        return;
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    children.sort();
    for child in children {
        visit(&child, depth + 1, found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let err = find_models(Path::new("no/such/runs")).unwrap_err();
        assert!(err.to_string().contains("no/such/runs"), "{err}");
    }
}
