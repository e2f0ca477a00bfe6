//! `gan export`: a trained model's generator alone, for sharing (no discriminator, no optimizer
//! states: a fraction of a checkpoint's size). `gan generate` and `gan interpolate` open it.

use super::error::Error;
use gan::train::Checkpoint;
use std::path::PathBuf;

/// The options of `gan export`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct ExportArgs {
    /// The trained model: a run folder (its latest checkpoint), its checkpoints/ folder, or one
    /// checkpoint folder.
    #[arg(value_name = "MODEL")]
    pub checkpoint: PathBuf,
    /// The new folder to write generator.bpk and metadata.json into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

impl ExportArgs {
    /// Writes the export; returns its folder and size in bytes.
    pub fn run(&self) -> Result<(PathBuf, u64), Error> {
        let bytes = Checkpoint::open(&self.checkpoint)?.export_generator(&self.out)?;
        Ok((self.out.clone(), bytes))
    }
}
