//! Where a training run's images come from, as one value a command line can name.

use crate::art::ArtDatasetConfig;
use crate::error::DataError;
use crate::item::PaintingItem;
use crate::procedural::ProceduralPaintingsConfig;
use crate::report::LoadReport;
use crate::resize::CropMode;
use crate::split::SplitConfig;
use burn::data::dataset::Dataset;
use std::sync::Arc;

/// A data set source: the embedded procedural paintings, or real images from a folder or a
/// `.zip` archive (with optional CSV labels). Serialisable, so that a checkpoint records where
/// its run's images came from (`{"source": "embedded", ...}`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum DataSource {
    /// The embedded procedural painting set (no download).
    Embedded(ProceduralPaintingsConfig),
    /// Images from a folder or archive; the configured image size is replaced by the one given
    /// to [`open`](DataSource::open).
    Files(ArtDatasetConfig),
}

/// An opened data set with its class names and a one-line description.
pub struct OpenedDataset {
    /// The images.
    pub dataset: Arc<dyn Dataset<PaintingItem>>,
    /// Style names; labels index into them. Empty for an unlabelled data set.
    pub class_names: Vec<String>,
    /// A short description for logs and checkpoint metadata.
    pub description: String,
    /// What loading found (files skipped and why, images per class); `None` for the
    /// embedded set.
    pub report: Option<LoadReport>,
    /// The source it was opened from.
    pub source: DataSource,
}

impl DataSource {
    /// `None` or `"embedded"` is the embedded set; anything else is a folder or `.zip` path,
    /// labelled by its first folder level.
    pub fn from_arg(arg: Option<&str>) -> Self {
        match arg {
            None | Some("embedded") => Self::Embedded(ProceduralPaintingsConfig::new()),
            Some(path) => Self::Files(ArtDatasetConfig::new(path.into())),
        }
    }

    /// Opens the source at `image_size` x `image_size` pixels.
    pub fn open(&self, image_size: usize) -> Result<OpenedDataset, DataError> {
        match self {
            Self::Embedded(config) => {
                let paintings = config.init(image_size)?;
                Ok(OpenedDataset {
                    class_names: paintings.class_names(),
                    description: format!(
                        "embedded procedural paintings ({} images, seed {})",
                        config.len, config.seed
                    ),
                    dataset: Arc::new(paintings),
                    report: None,
                    source: self.clone(),
                })
            }
            Self::Files(config) => {
                let data = config.clone().with_image_size(image_size).init()?;
                let report = data.report();
                let kind = if data.config().source.is_dir() {
                    "image folder"
                } else {
                    "image archive"
                };
                let mut description = format!(
                    "{kind} {} ({} images",
                    config.source.display(),
                    report.loaded
                );
                if let (Some(csv), Some(column)) = (&config.csv, &config.label_column) {
                    description += &format!(", labels: {} column {column}", csv.display());
                }
                // Everything that selects images, so that two selections of one folder never
                // share a description (FID statistics are cached by it).
                match &config.split {
                    SplitConfig::All => {}
                    SplitConfig::Fraction {
                        val_fraction,
                        seed,
                        part,
                    } => {
                        description +=
                            &format!(", {part:?} part of a {val_fraction} split, seed {seed}")
                    }
                    SplitConfig::Column { column, values } => {
                        description += &format!(", {column} = {}", values.join("|"))
                    }
                }
                if !config.classes.is_empty() {
                    description += &format!(", styles {}", config.classes.join("|"));
                }
                if let Some(cap) = config.max_per_class {
                    description += &format!(", at most {cap} per style (seed {})", config.seed);
                }
                if config.crop == CropMode::Random {
                    description += ", random crops";
                }
                description += ")";
                Ok(OpenedDataset {
                    class_names: data.class_names().to_vec(),
                    description,
                    dataset: Arc::new(data),
                    report: Some(report),
                    source: self.clone(),
                })
            }
        }
    }
}
