//! A data set read from a folder of images. Images in sub-folders take the sub-folder's name
//! as their style label (WikiArt layout: `root/Impressionism/monet-1.jpg`).

use crate::error::DataError;
use crate::item::PaintingItem;
use crate::resize::resize_and_center_crop;
use burn::data::dataset::{Dataset, DatasetError};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// File extensions read as images (lower case; matching ignores case).
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png"];

/// Images under a folder, decoded and resized on demand.
///
/// - Files are found recursively and sorted by path, so indices are stable.
/// - Hidden files and folders (`.name`) and `__MACOSX` folders are skipped.
/// - The first folder level below the root is the class label; class indices follow the sorted
///   class names. Images directly in the root have no label.
/// - A file that cannot be decoded is reported once on stderr, naming it, and the next
///   decodable image takes its place, so one bad file never stops a run.
#[derive(Debug)]
pub struct ImageFolderDataset {
    root: PathBuf,
    files: Vec<PathBuf>,
    labels: Vec<Option<usize>>,
    class_names: Vec<String>,
    image_size: usize,
    reported: Mutex<HashSet<usize>>,
}

impl ImageFolderDataset {
    /// Scans `root` for images that will be served at `image_size` x `image_size`.
    ///
    /// Errors when `root` is not a readable folder or holds no image.
    pub fn new(root: impl AsRef<Path>, image_size: usize) -> Result<Self, DataError> {
        let root = root.as_ref().to_path_buf();
        if image_size == 0 {
            return Err(DataError::ZeroSize {
                field: "image size",
                value: image_size,
            });
        }
        if !root.is_dir() {
            return Err(DataError::NotAFolder(root));
        }
        let mut files = Vec::new();
        collect_images(&root, &mut files)?;
        files.sort();
        if files.is_empty() {
            return Err(DataError::NoImages {
                path: root,
                extensions: IMAGE_EXTENSIONS.join(", "),
            });
        }
        let class_of = |file: &Path| -> Option<String> {
            let relative = file.strip_prefix(&root).ok()?;
            let mut parts = relative.components();
            let first = parts.next()?;
            parts.next()?; // a file directly in the root has no class folder
            Some(first.as_os_str().to_string_lossy().into_owned())
        };
        let class_names: Vec<String> = files
            .iter()
            .filter_map(|f| class_of(f))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let labels = files
            .iter()
            .map(|f| class_of(f).and_then(|c| class_names.binary_search(&c).ok()))
            .collect();
        Ok(Self {
            root,
            files,
            labels,
            class_names,
            image_size,
            reported: Mutex::new(HashSet::new()),
        })
    }

    /// The folder this data set was read from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The image files, sorted by path.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The class (style) names, sorted; a label is an index into this list.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// Decodes and resizes the image at `index` (an error past the end, or for an unreadable
    /// file).
    pub fn load(&self, index: usize) -> Result<PaintingItem, DataError> {
        let path = self.files.get(index).ok_or(DataError::IndexOutOfRange {
            index,
            len: self.files.len(),
        })?;
        let image = image::open(path).map_err(|err| DataError::Decode {
            path: path.clone(),
            message: err.to_string(),
        })?;
        let rgb = resize_and_center_crop(&image, self.image_size as u32);
        Ok(PaintingItem {
            pixels: rgb.into_raw(),
            size: self.image_size,
            label: self.labels[index],
        })
    }

    fn report_once(&self, index: usize, err: &DataError) {
        let mut reported = self.reported.lock().unwrap_or_else(|e| e.into_inner());
        if reported.insert(index) {
            eprintln!("warning: skipping unreadable image: {err}");
        }
    }
}

impl Dataset<PaintingItem> for ImageFolderDataset {
    fn get(&self, index: usize) -> Result<PaintingItem, DatasetError> {
        let len = self.files.len();
        for offset in 0..len {
            let candidate = (index + offset) % len;
            match self.load(candidate) {
                Ok(item) => return Ok(item),
                Err(err) => self.report_once(candidate, &err),
            }
        }
        Err(DatasetError::new(DataError::NothingDecodable {
            path: self.root.clone(),
            count: len,
        }))
    }

    fn len(&self) -> usize {
        self.files.len()
    }
}

fn is_hidden_or_junk(name: &str) -> bool {
    name.starts_with('.') || name == "__MACOSX"
}

fn collect_images(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), DataError> {
    let io = |source| DataError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        if is_hidden_or_junk(&name.to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type().map_err(io)?;
        if file_type.is_dir() || (file_type.is_symlink() && path.is_dir()) {
            collect_images(&path, files)?;
        } else if has_image_extension(&path) {
            files.push(path);
        }
    }
    Ok(())
}

fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str()))
}
