//! Real art data sets: images from a folder tree or a `.zip` archive, labelled by their first
//! folder level or by a CSV column, filtered, split, deduplicated, checked, and served at the
//! training size, optionally from an in-memory cache.

use crate::csv_labels::{CsvLabels, normalise_key};
use crate::decode::{DEFAULT_MAX_PIXELS, DecodeFailure, decode_rgb};
use crate::error::DataError;
use crate::item::PaintingItem;
use crate::random::{derive_seed, permutation, tags};
use crate::report::{LoadReport, SkipReason, SkippedFile};
use crate::resize::{CropMode, center_crop_resize, resize_shorter_side};
use crate::split::{SplitConfig, SplitPart};
use crate::store::{ImageStore, StoredFile};
use burn::config::Config;
use burn::data::dataset::{Dataset, DatasetError};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// File extensions read as images (lower case; matching ignores case).
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff"];

/// How to open an art data set. `source` is a folder or a `.zip` archive (read in place).
///
/// ```no_run
/// use gan_data::{ArtDatasetConfig, SplitConfig};
///
/// let data = ArtDatasetConfig::new("wikiart.zip".into())
///     .with_image_size(128)
///     .with_csv(Some("wikiart/style_train.csv".into()))
///     .with_label_column(Some("style".into()))
///     .with_max_per_class(Some(1000))
///     .with_cache(true)
///     .init()
///     .unwrap();
/// println!("{}", data.report());
/// ```
#[derive(Config, Debug, PartialEq)]
pub struct ArtDatasetConfig {
    /// A folder of images, or a `.zip` archive of them.
    pub source: PathBuf,
    /// Served images are `image_size` x `image_size`.
    #[config(default = 64)]
    pub image_size: usize,
    /// A CSV label file: one row per image, paths relative to the folder or archive root.
    /// Images it does not list are left out.
    pub csv: Option<PathBuf>,
    /// The CSV column holding the image paths.
    #[config(default = "String::from(\"path\")")]
    pub csv_path_column: String,
    /// The CSV column to take labels from (needs `csv`). Without it, an image's label is its
    /// first folder level (`root/Impressionism/x.jpg` is `Impressionism`).
    pub label_column: Option<String>,
    /// Which part of the data set to use.
    #[config(default = "SplitConfig::All")]
    pub split: SplitConfig,
    /// Keep only these classes (empty: all).
    #[config(default = "Vec::new()")]
    pub classes: Vec<String>,
    /// Keep at most this many images per class, drawn with `seed`.
    pub max_per_class: Option<usize>,
    /// Skip images with more pixels than this, unread (decompression bombs).
    #[config(default = "DEFAULT_MAX_PIXELS")]
    pub max_pixels: u64,
    /// How a non-square image is cut to a square.
    #[config(default = "CropMode::Center")]
    pub crop: CropMode,
    /// Decode every image once, when opening, and keep the resized pixels in memory
    /// (`len x size x size x 3` bytes: 5,000 images at 64x64 are 61 MB).
    #[config(default = false)]
    pub cache: bool,
    /// Load byte-identical files once.
    #[config(default = true)]
    pub deduplicate: bool,
    /// Seed of the per-class cap's draw.
    #[config(default = 0)]
    pub seed: u64,
}

/// One image of the data set.
#[derive(Debug, Clone)]
struct Entry {
    file: StoredFile,
    label: Option<usize>,
}

/// An opened art data set: see [`ArtDatasetConfig`].
///
/// Opening lists the files, drops what is not image data (hidden files, `__MACOSX/`, `._*`,
/// other extensions, byte-identical duplicates), applies the labels, split, class filter and
/// cap, then reads every remaining image's header in parallel (or decodes it, with `cache`),
/// so that empty, truncated, undecodable and oversized files are skipped, each named in
/// [`report`](Self::report). A file that only fails later, while training, is reported once
/// and the next image takes its place: a bad file never stops a run.
#[derive(Debug)]
pub struct ArtDataset {
    store: ImageStore,
    entries: Vec<Entry>,
    class_names: Vec<String>,
    config: ArtDatasetConfig,
    cache: Option<Vec<PaintingItem>>,
    report: LoadReport,
    late_failures: Mutex<Vec<SkippedFile>>,
    /// Entries that failed while being served: skipped from then on, never read again.
    failed: Vec<AtomicBool>,
}

impl ArtDatasetConfig {
    /// Opens the data set. Errors name the file or setting at fault; a data set that ends up
    /// with no image is an error that says what removed the images.
    pub fn init(&self) -> Result<ArtDataset, DataError> {
        if self.image_size == 0 {
            return Err(DataError::ZeroSize {
                field: "image size",
                value: 0,
            });
        }
        if self.max_per_class == Some(0) {
            return Err(DataError::ZeroSize {
                field: "max images per class",
                value: 0,
            });
        }
        let store = ImageStore::open(&self.source)?;
        let csv = match &self.csv {
            Some(file) => Some(CsvLabels::read(file, &self.csv_path_column)?),
            None => {
                if self.label_column.is_some() {
                    return Err(setting("label_column", "a label column needs a CSV file"));
                }
                if matches!(self.split, SplitConfig::Column { .. }) {
                    return Err(setting("split", "a split by column needs a CSV file"));
                }
                None
            }
        };
        let mut report = LoadReport::default();

        // 1. What is image data at all.
        let (files, in_skipped_folders) =
            store.list(|folder| folder == "__MACOSX" || folder.starts_with('.'))?;
        for key in &in_skipped_folders {
            report.skip(if key.split('/').any(|part| part == "__MACOSX") {
                SkipReason::MacOsMetadata
            } else {
                SkipReason::Hidden
            });
        }
        let found = files.len() + in_skipped_folders.len();
        let files: Vec<StoredFile> = files
            .into_iter()
            .filter(|file| match junk_reason(&file.key) {
                Some(reason) => {
                    report.skip(reason);
                    false
                }
                None => true,
            })
            .collect();
        let source_name = store.path().display().to_string();
        if files.is_empty() {
            return Err(DataError::Empty {
                source_name,
                reason: format!(
                    "{found} files found, none an image ({}; extensions read: {})",
                    summary_of(&report),
                    IMAGE_EXTENSIONS.join(", ")
                ),
            });
        }

        // 2. Labels (names for now) from the CSV or the folders.
        let label_column = match (&csv, &self.label_column) {
            (Some(csv), Some(column)) => Some(csv.column_index(column)?),
            _ => None,
        };
        let mut named: Vec<(StoredFile, Option<String>)> = Vec::with_capacity(files.len());
        let mut listed = HashSet::new();
        for file in files {
            let name = match &csv {
                Some(csv) => {
                    if !csv.contains(&file.key) {
                        report.skip(SkipReason::NotInCsv);
                        continue;
                    }
                    listed.insert(file.key.clone());
                    match label_column {
                        Some(column) => {
                            let value = csv.value(&file.key, column).unwrap_or_default();
                            if value.is_empty() {
                                report.skip(SkipReason::NoLabel);
                                continue;
                            }
                            Some(value.to_string())
                        }
                        None => folder_label(&file.key),
                    }
                }
                None => folder_label(&file.key),
            };
            named.push((file, name));
        }
        if let Some(csv) = &csv {
            report.csv_rows_without_file = csv.keys().filter(|k| !listed.contains(*k)).count();
            if named.is_empty() {
                let example: Vec<&str> = csv.keys().take(2).collect();
                return Err(DataError::Empty {
                    source_name,
                    reason: format!(
                        "no file is listed in {} ({} rows, e.g. {example:?}; paths must be \
                         relative to the data set root, column {:?})",
                        csv.file().display(),
                        csv.len(),
                        self.csv_path_column
                    ),
                });
            }
        }

        if self.deduplicate {
            // Among the files that are data (and listed, with a CSV), keep the first of each
            // set of byte-identical files in key order.
            let files: Vec<StoredFile> = named.iter().map(|(f, _)| f.clone()).collect();
            let duplicates = find_duplicates(&store, &files);
            if !duplicates.is_empty() {
                report
                    .skipped
                    .insert(SkipReason::Duplicate, duplicates.len());
                named.retain(|(f, _)| !duplicates.contains(&f.key));
            }
        }

        // 3. Split, classes, cap.
        let before_settings = named.len();
        let all_classes: Vec<String> = sorted_unique(named.iter().filter_map(|(_, n)| n.clone()));
        named = self.apply_split(named, csv.as_ref())?;
        if !self.classes.is_empty() {
            for wanted in &self.classes {
                if !all_classes.contains(wanted) {
                    return Err(DataError::UnknownClass {
                        name: wanted.clone(),
                        available: all_classes.join(", "),
                    });
                }
            }
            named.retain(|(_, n)| n.as_ref().is_some_and(|n| self.classes.contains(n)));
        }
        if let Some(cap) = self.max_per_class {
            named = cap_per_class(named, cap, self.seed);
        }
        report.excluded_by_settings = before_settings - named.len();
        if named.is_empty() {
            return Err(DataError::Empty {
                source_name,
                reason: format!(
                    "all {before_settings} images were left out by the split, class or cap \
                     settings"
                ),
            });
        }
        let class_names = sorted_unique(named.iter().filter_map(|(_, n)| n.clone()));
        let entries: Vec<Entry> = named
            .into_iter()
            .map(|(file, name)| Entry {
                label: name.and_then(|n| class_names.binary_search(&n).ok()),
                file,
            })
            .collect();

        // 4. Check (or decode) every image, in parallel.
        let checked: Vec<Result<Option<PaintingItem>, DecodeFailure>> = entries
            .par_iter()
            .map(|entry| {
                if !self.cache {
                    return store.probe(&entry.file, self.max_pixels).map(|_| None);
                }
                decode_entry(&store, entry, self).map(Some)
            })
            .collect();
        let mut kept = Vec::with_capacity(entries.len());
        let mut cache = self.cache.then(Vec::new);
        for (entry, outcome) in entries.into_iter().zip(checked) {
            match outcome {
                Ok(item) => {
                    if let (Some(cache), Some(item)) = (cache.as_mut(), item) {
                        cache.push(item);
                    }
                    kept.push(entry);
                }
                Err(failure) => {
                    report.skip(failure.reason);
                    report.bad_files.push(SkippedFile {
                        path: store.display_path(&entry.file).display().to_string(),
                        reason: failure.reason,
                        message: failure.message,
                    });
                }
            }
        }
        if kept.is_empty() {
            return Err(DataError::Empty {
                source_name,
                reason: format!("none of the images could be read ({})", summary_of(&report)),
            });
        }
        // Classes whose every image was bad disappear; keep the indices dense.
        let used: HashSet<usize> = kept.iter().filter_map(|e| e.label).collect();
        let (class_names, kept, cache) = if used.len() < class_names.len() {
            let remaining: Vec<String> = class_names
                .iter()
                .enumerate()
                .filter(|(i, _)| used.contains(i))
                .map(|(_, n)| n.clone())
                .collect();
            let remap = |label: Option<usize>| {
                label.and_then(|l| remaining.binary_search(&class_names[l]).ok())
            };
            let kept: Vec<Entry> = kept
                .into_iter()
                .map(|e| Entry {
                    label: remap(e.label),
                    file: e.file,
                })
                .collect();
            let cache = cache.map(|items| {
                items
                    .into_iter()
                    .map(|mut item| {
                        item.label = remap(item.label);
                        item
                    })
                    .collect()
            });
            (remaining, kept, cache)
        } else {
            (class_names, kept, cache)
        };
        report.loaded = kept.len();
        report.class_counts = class_names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (
                    name.clone(),
                    kept.iter().filter(|e| e.label == Some(i)).count(),
                )
            })
            .collect();
        let kept_len = kept.len();
        Ok(ArtDataset {
            store,
            entries: kept,
            class_names,
            config: self.clone(),
            cache,
            report,
            late_failures: Mutex::new(Vec::new()),
            failed: (0..kept_len).map(|_| AtomicBool::new(false)).collect(),
        })
    }

    fn apply_split(
        &self,
        named: Vec<(StoredFile, Option<String>)>,
        csv: Option<&CsvLabels>,
    ) -> Result<Vec<(StoredFile, Option<String>)>, DataError> {
        match &self.split {
            SplitConfig::All => Ok(named),
            SplitConfig::Fraction {
                val_fraction,
                seed,
                part,
            } => {
                if !(0.0..1.0).contains(val_fraction) {
                    return Err(setting(
                        "split",
                        &format!("the validation fraction must be in [0, 1), got {val_fraction}"),
                    ));
                }
                let n = named.len();
                let val_count = (n as f64 * val_fraction).round() as usize;
                let order = permutation(n, derive_seed(&[*seed, tags::SPLIT]));
                let mut in_val = vec![false; n];
                for &i in &order[..val_count] {
                    in_val[i] = true;
                }
                let keep_val = *part == SplitPart::Val;
                Ok(named
                    .into_iter()
                    .zip(in_val)
                    .filter(|(_, val)| *val == keep_val)
                    .map(|(item, _)| item)
                    .collect())
            }
            SplitConfig::Column { column, values } => {
                let csv = csv.ok_or_else(|| setting("split", "a split by column needs a CSV"))?;
                let index = csv.column_index(column)?;
                Ok(named
                    .into_iter()
                    .filter(|(file, _)| {
                        csv.value(&file.key, index)
                            .is_some_and(|v| values.iter().any(|want| want == v))
                    })
                    .collect())
            }
        }
    }
}

impl ArtDataset {
    /// The configuration it was opened with.
    pub fn config(&self) -> &ArtDatasetConfig {
        &self.config
    }

    /// The class names, sorted; a label is an index into this list.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// The path of every image, in index order: `root/key`, or `archive.zip!/key`.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.entries
            .iter()
            .map(|e| self.store.display_path(&e.file))
            .collect()
    }

    /// The label of image `index`.
    pub fn label(&self, index: usize) -> Option<usize> {
        self.entries.get(index).and_then(|e| e.label)
    }

    /// What opening found, plus any file that failed later while being served.
    pub fn report(&self) -> LoadReport {
        let mut report = self.report.clone();
        let late = self.late_failures.lock().unwrap_or_else(|e| e.into_inner());
        for failure in late.iter() {
            report.skip(failure.reason);
            report.bad_files.push(failure.clone());
            report.loaded = report.loaded.saturating_sub(1);
        }
        report
    }

    /// Decodes and resizes image `index` (from the cache when there is one).
    pub fn load(&self, index: usize) -> Result<PaintingItem, DataError> {
        let entry = self.entries.get(index).ok_or(DataError::IndexOutOfRange {
            index,
            len: self.entries.len(),
        })?;
        if let Some(cache) = &self.cache {
            return Ok(cache[index].clone());
        }
        decode_entry(&self.store, entry, &self.config).map_err(|f| DataError::Decode {
            path: self.store.display_path(&entry.file),
            message: format!("{}: {}", f.reason.describe(), f.message),
        })
    }

    /// Image `index` as it is in its file, decoded to RGB (under the pixel limit), before any
    /// resizing or cropping: what a data browser shows next to [`load`](Self::load)'s result.
    pub fn original(&self, index: usize) -> Result<image::RgbImage, DataError> {
        let entry = self.entries.get(index).ok_or(DataError::IndexOutOfRange {
            index,
            len: self.entries.len(),
        })?;
        let decode_error = |message: String| DataError::Decode {
            path: self.store.display_path(&entry.file),
            message,
        };
        let bytes = self
            .store
            .read(&entry.file)
            .map_err(|e| decode_error(e.to_string()))?;
        decode_rgb(&bytes, self.config.max_pixels)
            .map_err(|f| decode_error(format!("{}: {}", f.reason.describe(), f.message)))
    }

    /// Records entry `index` as failed (warned about once, skipped from then on).
    fn report_late(&self, index: usize, failure: DecodeFailure) {
        if self.failed[index].swap(true, Ordering::Relaxed) {
            return;
        }
        let path = self.store.display_path(&self.entries[index].file);
        eprintln!(
            "warning: skipping {} ({}: {})",
            path.display(),
            failure.reason.describe(),
            failure.message
        );
        let mut late = self.late_failures.lock().unwrap_or_else(|e| e.into_inner());
        late.push(SkippedFile {
            path: path.display().to_string(),
            reason: failure.reason,
            message: failure.message,
        });
    }
}

impl Dataset<PaintingItem> for ArtDataset {
    fn get(&self, index: usize) -> Result<PaintingItem, DatasetError> {
        let len = self.entries.len();
        if index >= len {
            return Err(DatasetError::new(DataError::IndexOutOfRange { index, len }));
        }
        for offset in 0..len {
            let candidate = (index + offset) % len;
            if self.failed[candidate].load(Ordering::Relaxed) {
                continue;
            }
            if let Some(cache) = &self.cache {
                return Ok(cache[candidate].clone());
            }
            match decode_entry(&self.store, &self.entries[candidate], &self.config) {
                Ok(item) => return Ok(item),
                Err(failure) => self.report_late(candidate, failure),
            }
        }
        Err(DatasetError::new(DataError::NothingDecodable {
            path: self.store.path().to_path_buf(),
            count: len,
        }))
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Reads, decodes and resizes one entry as `config` says.
fn decode_entry(
    store: &ImageStore,
    entry: &Entry,
    config: &ArtDatasetConfig,
) -> Result<PaintingItem, DecodeFailure> {
    let bytes = store
        .read(&entry.file)
        .map_err(|e| DecodeFailure::new(SkipReason::Unreadable, e.to_string()))?;
    let rgb = decode_rgb(&bytes, config.max_pixels)?;
    Ok(to_item(
        &rgb,
        config.image_size as u32,
        config.crop,
        entry.label,
    ))
}

fn to_item(rgb: &image::RgbImage, size: u32, crop: CropMode, label: Option<usize>) -> PaintingItem {
    if crop == CropMode::Center {
        let square = center_crop_resize(rgb, size);
        return PaintingItem::square(square.into_raw(), size as usize, label);
    }
    let resized = resize_shorter_side(rgb, size);
    let (width, height) = (resized.width() as usize, resized.height() as usize);
    PaintingItem {
        pixels: resized.into_raw(),
        width,
        height,
        label,
    }
}

fn setting(field: &'static str, message: &str) -> DataError {
    DataError::Setting {
        field,
        message: message.to_string(),
    }
}

fn summary_of(report: &LoadReport) -> String {
    let parts: Vec<String> = report
        .skipped
        .iter()
        .map(|(reason, n)| format!("{n} {}", reason.describe()))
        .collect();
    if parts.is_empty() {
        "nothing skipped".into()
    } else {
        parts.join(", ")
    }
}

/// Why a listed file is not image data, from its name alone.
fn junk_reason(key: &str) -> Option<SkipReason> {
    let name = key.rsplit('/').next().unwrap_or(key);
    if name.starts_with("._") {
        return Some(SkipReason::MacOsMetadata);
    }
    if name.starts_with('.') {
        return Some(SkipReason::Hidden);
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension {
        Some(e) if IMAGE_EXTENSIONS.contains(&e.as_str()) => None,
        _ => Some(SkipReason::NotAnImage),
    }
}

/// The first folder level of a key, if the file is inside a folder.
fn folder_label(key: &str) -> Option<String> {
    let key = normalise_key(key);
    let (first, rest) = key.split_once('/')?;
    (!rest.is_empty()).then(|| first.to_string())
}

fn sorted_unique(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut names: Vec<String> = names.collect::<HashSet<_>>().into_iter().collect();
    names.sort();
    names
}

/// Bytes of a file's start compared before whole files are hashed.
const PREFIX_BYTES: usize = 4096;

/// Keys of files whose bytes equal an earlier file's (in key order).
///
/// Only files that share a size (and, in archives, a CRC-32) can be equal. In a folder,
/// those are first told apart by a hash of their first [`PREFIX_BYTES`] bytes, so that only
/// files that still agree are read whole; archive entries are told apart by their CRC.
fn find_duplicates(store: &ImageStore, files: &[StoredFile]) -> HashSet<String> {
    let mut groups: HashMap<(u64, Option<u32>), Vec<&StoredFile>> = HashMap::new();
    for file in files.iter().filter(|f| f.size > 0) {
        groups
            .entry((file.size, file.crc32))
            .or_default()
            .push(file);
    }
    let candidates: Vec<&StoredFile> = groups
        .into_values()
        .filter(|g| g.len() > 1)
        .flatten()
        .collect();
    // Folder files larger than the prefix: keep those whose size and prefix hash are shared.
    let prefixes: Vec<(&StoredFile, Option<[u8; 32]>)> = candidates
        .par_iter()
        .map(|file| {
            let prefix = (file.crc32.is_none() && file.size > PREFIX_BYTES as u64)
                .then(|| store.read_prefix(file, PREFIX_BYTES).ok())
                .flatten()
                .map(|bytes| Sha256::digest(&bytes).into());
            (*file, prefix)
        })
        .collect();
    let mut by_prefix: HashMap<(u64, Option<[u8; 32]>), usize> = HashMap::new();
    for (file, prefix) in &prefixes {
        *by_prefix.entry((file.size, *prefix)).or_default() += 1;
    }
    let candidates: Vec<&StoredFile> = prefixes
        .iter()
        .filter(|(file, prefix)| by_prefix[&(file.size, *prefix)] > 1)
        .map(|(file, _)| *file)
        .collect();
    let digests: Vec<(&StoredFile, Option<[u8; 32]>)> = candidates
        .par_iter()
        .map(|file| {
            let digest = store
                .read(file)
                .ok()
                .map(|bytes| Sha256::digest(&bytes).into());
            (*file, digest)
        })
        .collect();
    let mut first_of: BTreeMap<[u8; 32], &str> = BTreeMap::new();
    let mut duplicates = HashSet::new();
    let mut sorted = digests;
    sorted.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    for (file, digest) in sorted {
        if let Some(digest) = digest {
            if let std::collections::btree_map::Entry::Vacant(slot) = first_of.entry(digest) {
                slot.insert(&file.key);
            } else {
                duplicates.insert(file.key.clone());
            }
        }
    }
    duplicates
}

fn cap_per_class(
    named: Vec<(StoredFile, Option<String>)>,
    cap: usize,
    seed: u64,
) -> Vec<(StoredFile, Option<String>)> {
    let order = permutation(named.len(), derive_seed(&[seed, tags::CAP]));
    let mut taken: HashMap<Option<String>, usize> = HashMap::new();
    let mut keep = vec![false; named.len()];
    for i in order {
        let count = taken.entry(named[i].1.clone()).or_default();
        if *count < cap {
            *count += 1;
            keep[i] = true;
        }
    }
    named
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(item, _)| item)
        .collect()
}
