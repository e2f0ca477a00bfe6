//! Fetching a public art data set by URL, for users with internet: the archive is
//! downloaded over HTTP(S) to `NAME.part`, resumed with a `Range` request after an interruption,
//! checked against its SHA-256, and extracted (`.zip`, `.tar`, `.tar.gz`/`.tgz`) into a folder
//! that appears only once extraction has finished.

pub use crate::digest::file_sha256;
use crate::error::DataError;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// One archive to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteArchive {
    /// Where to download it from (`http://` or `https://`).
    pub url: String,
    /// Its SHA-256, as 64 hexadecimal digits.
    pub sha256: String,
    /// The file name to store it under (default: the last segment of the URL).
    pub file_name: Option<String>,
}

impl RemoteArchive {
    /// An archive at `url` with digest `sha256`.
    pub fn new(url: impl Into<String>, sha256: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            sha256: sha256.into(),
            file_name: None,
        }
    }

    fn name(&self) -> Result<String, DataError> {
        let name = match &self.file_name {
            Some(name) => name.clone(),
            None => self
                .url
                .split(['?', '#'])
                .next()
                .and_then(|u| u.rsplit('/').next())
                .unwrap_or_default()
                .to_string(),
        };
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(DataError::Download {
                url: self.url.clone(),
                message: format!("cannot take a file name from the URL (got {name:?}); set one"),
            });
        }
        Ok(name)
    }
}

/// Downloads `archive` into `dir` (resuming a partial download there), checks its SHA-256 and
/// extracts it into `dir/<name without extension>/`, which is returned. A finished folder is
/// returned at once; a wrong digest deletes the download and is an error.
pub fn fetch_and_extract(archive: &RemoteArchive, dir: &Path) -> Result<PathBuf, DataError> {
    let expected = archive.sha256.trim().to_ascii_lowercase();
    if expected.len() != 64 || !expected.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DataError::Setting {
            field: "sha256",
            message: format!(
                "{:?} is not a SHA-256 (64 hexadecimal digits) for {}",
                archive.sha256, archive.url
            ),
        });
    }
    let name = archive.name()?;
    let target = dir.join(extracted_name(&name));
    if target.join(COMPLETE_MARKER).exists() {
        return Ok(target);
    }
    std::fs::create_dir_all(dir).map_err(DataError::io(dir))?;
    let file = download(&archive.url, &dir.join(&name), &expected)?;
    extract(&file, &target)?;
    Ok(target)
}

const COMPLETE_MARKER: &str = ".gan-data-complete";

fn extracted_name(file_name: &str) -> String {
    let lower = file_name.to_ascii_lowercase();
    for suffix in [".tar.gz", ".tgz", ".tar", ".zip"] {
        if lower.ends_with(suffix) {
            return file_name[..file_name.len() - suffix.len()].to_string();
        }
    }
    format!("{file_name}.d")
}

/// Downloads `url` to `path`, resuming from `path.part`; verifies the SHA-256 before the
/// final rename. Returns `path`.
pub fn download(url: &str, path: &Path, sha256: &str) -> Result<PathBuf, DataError> {
    if path.exists() && file_sha256(path)? == sha256 {
        return Ok(path.to_path_buf());
    }
    let part = path.with_file_name(format!(
        "{}.part",
        path.file_name().unwrap_or_default().to_string_lossy()
    ));
    let fail = |message: String| DataError::Download {
        url: url.to_string(),
        message,
    };
    let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let mut request = ureq::get(url);
    if have > 0 {
        request = request.header("Range", &format!("bytes={have}-"));
    }
    let response = match request.call() {
        Ok(response) => response,
        // Nothing after what the part file holds: it is complete (a run that stopped between
        // writing it and renaming it), or longer than the resource. Keep it if its hash is
        // right, else start over.
        Err(ureq::Error::StatusCode(416)) if have > 0 => {
            if file_sha256(&part)? == sha256 {
                std::fs::rename(&part, path).map_err(DataError::io(path))?;
                return Ok(path.to_path_buf());
            }
            std::fs::remove_file(&part).map_err(DataError::io(&part))?;
            return download(url, path, sha256);
        }
        Err(e) => return Err(fail(e.to_string())),
    };
    let append = match response.status().as_u16() {
        206 => true,
        200 => false,
        other => return Err(fail(format!("HTTP status {other}"))),
    };
    let mut out = OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(&part)
        .map_err(DataError::io(&part))?;
    let mut body = response.into_body().into_reader();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = body
            .read(&mut buffer)
            .map_err(|e| fail(format!("connection lost ({e}); run again to resume")))?;
        if n == 0 {
            break;
        }
        out.write_all(&buffer[..n]).map_err(DataError::io(&part))?;
    }
    out.sync_all().map_err(DataError::io(&part))?;
    drop(out);
    let actual = file_sha256(&part)?;
    if actual != sha256 {
        let _ = std::fs::remove_file(&part);
        return Err(DataError::Checksum {
            path: part,
            expected: sha256.to_string(),
            actual,
        });
    }
    std::fs::rename(&part, path).map_err(DataError::io(path))?;
    Ok(path.to_path_buf())
}

/// Extracts a `.zip`, `.tar` or `.tar.gz` archive into `target`, through a temporary sibling
/// folder renamed at the end (so a half-extracted folder is never taken for a finished one).
/// Entries that would land outside the folder are refused.
pub fn extract(archive: &Path, target: &Path) -> Result<(), DataError> {
    let parent = target.parent().unwrap_or(Path::new("."));
    let staging = parent.join(format!(
        ".{}.extracting",
        target.file_name().unwrap_or_default().to_string_lossy()
    ));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(DataError::io(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(DataError::io(&staging))?;
    let bad = |message: String| DataError::Zip {
        path: archive.to_path_buf(),
        message,
    };
    let lower = archive.to_string_lossy().to_ascii_lowercase();
    let file = File::open(archive).map_err(DataError::io(archive))?;
    if lower.ends_with(".zip") {
        let mut zip = zip::ZipArchive::new(file).map_err(|e| bad(e.to_string()))?;
        zip.extract(&staging).map_err(|e| bad(e.to_string()))?;
    } else if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(BufReader::new(file)));
        tar.unpack(&staging).map_err(|e| bad(e.to_string()))?;
    } else if lower.ends_with(".tar") {
        let mut tar = tar::Archive::new(BufReader::new(file));
        tar.unpack(&staging).map_err(|e| bad(e.to_string()))?;
    } else {
        return Err(bad(
            "unknown archive type (expected .zip, .tar, .tar.gz or .tgz)".into(),
        ));
    }
    File::create(staging.join(COMPLETE_MARKER)).map_err(DataError::io(&staging))?;
    if target.exists() {
        std::fs::remove_dir_all(target).map_err(DataError::io(target))?;
    }
    std::fs::rename(&staging, target).map_err(DataError::io(target))?;
    Ok(())
}
