//! Where a training run's images come from, as one value a command line can name.

use crate::error::DataError;
use crate::folder::ImageFolderDataset;
use crate::item::PaintingItem;
use crate::procedural::ProceduralPaintingsConfig;
use burn::data::dataset::Dataset;
use std::path::PathBuf;
use std::sync::Arc;

/// A data set source: the embedded procedural paintings, or a folder of images.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSource {
    /// The embedded procedural painting set (no download).
    Embedded(ProceduralPaintingsConfig),
    /// A folder of images, labelled by their first sub-folder.
    Folder(PathBuf),
}

/// An opened data set with its class names and a one-line description.
pub struct OpenedDataset {
    /// The images.
    pub dataset: Arc<dyn Dataset<PaintingItem>>,
    /// Style names; labels index into them. Empty for an unlabelled data set.
    pub class_names: Vec<String>,
    /// A short description for logs and checkpoint metadata.
    pub description: String,
}

impl DataSource {
    /// `None` or `"embedded"` is the embedded set; anything else is a folder path.
    pub fn from_arg(arg: Option<&str>) -> Self {
        match arg {
            None | Some("embedded") => Self::Embedded(ProceduralPaintingsConfig::new()),
            Some(path) => Self::Folder(PathBuf::from(path)),
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
                })
            }
            Self::Folder(path) => {
                let folder = ImageFolderDataset::new(path, image_size)?;
                Ok(OpenedDataset {
                    class_names: folder.class_names().to_vec(),
                    description: format!(
                        "image folder {} ({} images)",
                        path.display(),
                        folder.files().len()
                    ),
                    dataset: Arc::new(folder),
                })
            }
        }
    }
}
