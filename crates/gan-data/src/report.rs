//! What opening a data set found: images loaded, files skipped by reason (each bad file
//! named), byte-identical duplicates, and the images per class.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Why a file is not in the data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SkipReason {
    /// A hidden file or folder (name starting with `.`).
    Hidden,
    /// macOS metadata: anything under `__MACOSX/`, or an AppleDouble `._name` file.
    MacOsMetadata,
    /// An extension that is not an image format read here.
    NotAnImage,
    /// The same bytes as another file already in the data set.
    Duplicate,
    /// A zero-byte file.
    Empty,
    /// The file ends before its image data does.
    Truncated,
    /// The bytes are not a decodable image.
    Undecodable,
    /// More pixels than the configured limit (decompression-bomb guard).
    TooLarge,
    /// The file could not be read.
    Unreadable,
    /// Not listed in the CSV label file.
    NotInCsv,
    /// In the CSV, but with an empty label.
    NoLabel,
}

impl SkipReason {
    /// Whether this reason is a broken file, worth a warning that names it (rather than a
    /// file that is simply not data, counted silently).
    pub fn is_bad_file(self) -> bool {
        matches!(
            self,
            Self::Empty | Self::Truncated | Self::Undecodable | Self::TooLarge | Self::Unreadable
        )
    }

    /// A short lower-case description.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Hidden => "hidden",
            Self::MacOsMetadata => "macOS metadata (__MACOSX, ._*)",
            Self::NotAnImage => "not an image extension",
            Self::Duplicate => "byte-identical duplicate",
            Self::Empty => "empty file",
            Self::Truncated => "truncated",
            Self::Undecodable => "undecodable",
            Self::TooLarge => "over the pixel limit",
            Self::Unreadable => "unreadable",
            Self::NotInCsv => "not in the CSV",
            Self::NoLabel => "empty label in the CSV",
        }
    }
}

/// One skipped bad file: its path (or `archive.zip!/entry`), the reason and the decoder's
/// message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFile {
    /// Where the file is.
    pub path: String,
    /// Why it was skipped.
    pub reason: SkipReason,
    /// What the decoder or file system said.
    pub message: String,
}

/// The outcome of opening a data set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadReport {
    /// Images in the data set.
    pub loaded: usize,
    /// Files left out, by reason.
    pub skipped: BTreeMap<SkipReason, usize>,
    /// The bad files, each named (empty, truncated, undecodable, too large, unreadable).
    pub bad_files: Vec<SkippedFile>,
    /// Images left out by the settings: other classes, over the per-class cap, other split.
    pub excluded_by_settings: usize,
    /// CSV rows that name a file not in the data set.
    pub csv_rows_without_file: usize,
    /// `(class name, images)` in class-index order.
    pub class_counts: Vec<(String, usize)>,
}

impl LoadReport {
    /// Files skipped for any reason.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    pub(crate) fn skip(&mut self, reason: SkipReason) {
        *self.skipped.entry(reason).or_default() += 1;
    }
}

impl fmt::Display for LoadReport {
    /// `N loaded, M skipped (k reason, ...)`, then the classes and any excluded counts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} images loaded, {} skipped",
            self.loaded,
            self.skipped_total()
        )?;
        if !self.skipped.is_empty() {
            let parts: Vec<String> = self
                .skipped
                .iter()
                .map(|(reason, n)| format!("{n} {}", reason.describe()))
                .collect();
            write!(f, " ({})", parts.join(", "))?;
        }
        if self.excluded_by_settings > 0 {
            write!(
                f,
                "; {} left out by the class, cap or split settings",
                self.excluded_by_settings
            )?;
        }
        if self.csv_rows_without_file > 0 {
            write!(
                f,
                "; {} CSV rows name no file in the data set",
                self.csv_rows_without_file
            )?;
        }
        if !self.class_counts.is_empty() {
            let classes: Vec<String> = self
                .class_counts
                .iter()
                .map(|(name, n)| format!("{name}: {n}"))
                .collect();
            write!(f, "\n{} classes: {}", classes.len(), classes.join(", "))?;
        }
        Ok(())
    }
}
