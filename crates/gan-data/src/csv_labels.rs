//! Labels and splits from a CSV file: one row per image, a path column (relative to the data
//! set's folder or archive root) and any number of label columns (WikiArt's style, genre,
//! artist).

use crate::error::DataError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The rows of a CSV label file, by normalised path.
#[derive(Debug, Clone)]
pub struct CsvLabels {
    file: PathBuf,
    columns: Vec<String>,
    rows: HashMap<String, Vec<String>>,
}

impl CsvLabels {
    /// Reads `file`, keyed by `path_column`. Paths are normalised (`\` to `/`, no leading
    /// `./` or `/`); a path listed twice keeps its first row.
    pub fn read(file: &Path, path_column: &str) -> Result<Self, DataError> {
        let csv_error = |message: String| DataError::Csv {
            path: file.to_path_buf(),
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_path(file)
            .map_err(|e| csv_error(e.to_string()))?;
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(e.to_string()))?
            .iter()
            .map(|c| c.trim().to_string())
            .collect();
        let labels = Self {
            file: file.to_path_buf(),
            columns,
            rows: HashMap::new(),
        };
        let path_index = labels.column_index(path_column)?;
        let mut rows = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(e.to_string()))?;
            let values: Vec<String> = record.iter().map(|v| v.trim().to_string()).collect();
            let key = normalise_key(&values[path_index]);
            if !key.is_empty() {
                rows.entry(key).or_insert(values);
            }
        }
        Ok(Self { rows, ..labels })
    }

    /// The CSV file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The number of distinct paths listed.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row was read.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The position of `column` in the header, or an error naming the columns there are.
    pub fn column_index(&self, column: &str) -> Result<usize, DataError> {
        self.columns
            .iter()
            .position(|c| c == column)
            .ok_or_else(|| DataError::CsvColumn {
                path: self.file.clone(),
                column: column.to_string(),
                available: self.columns.join(", "),
            })
    }

    /// The value of column `column` (an index from [`column_index`](Self::column_index)) for
    /// the image at `key`, if the CSV lists it.
    pub fn value(&self, key: &str, column: usize) -> Option<&str> {
        self.rows.get(key).map(|row| row[column].as_str())
    }

    /// Whether the CSV lists `key`.
    pub fn contains(&self, key: &str) -> bool {
        self.rows.contains_key(key)
    }

    /// The listed paths.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.rows.keys().map(String::as_str)
    }
}

/// `\` to `/`, and no leading `./` or `/`.
pub(crate) fn normalise_key(path: &str) -> String {
    let mut key = path.trim().replace('\\', "/");
    while let Some(rest) = key.strip_prefix("./") {
        key = rest.to_string();
    }
    key.trim_start_matches('/').to_string()
}
