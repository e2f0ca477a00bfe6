//! Where image bytes live: a folder tree or a `.zip` archive read in place (no extraction).
//! Both list their files under a key, the path relative to the root with `/` separators, and
//! read a file's bytes by its index from any thread.

use crate::error::DataError;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zip::ZipArchive;

/// One file found in a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// The path relative to the store's root, with `/` separators (any Unicode).
    pub key: String,
    /// The size in bytes (uncompressed, for archive entries).
    pub size: u64,
    /// The CRC-32 recorded in the archive, for archive entries.
    pub crc32: Option<u32>,
    /// The store's own index of the file (archive entry number, or position in the listing).
    pub(crate) slot: usize,
}

/// A folder or a `.zip` archive of images.
#[derive(Debug, Clone)]
pub enum ImageStore {
    /// A folder tree.
    Folder {
        /// The root folder.
        root: PathBuf,
    },
    /// A `.zip` archive, read without extracting it.
    Zip {
        /// The archive file.
        path: PathBuf,
        /// The parsed central directory, shared by every reader.
        archive: ZipArchive<SharedFile>,
    },
}

impl ImageStore {
    /// Opens a folder, or a file ending in `.zip` (any case).
    pub fn open(path: &Path) -> Result<Self, DataError> {
        if path.is_dir() {
            return Ok(Self::Folder {
                root: path.to_path_buf(),
            });
        }
        let is_zip = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if !path.exists() {
            return Err(DataError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        }
        if !is_zip {
            return Err(DataError::NotADataSet(path.to_path_buf()));
        }
        let file = File::open(path).map_err(DataError::io(path))?;
        let archive = ZipArchive::new(SharedFile::new(file)).map_err(|e| DataError::Zip {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Ok(Self::Zip {
            path: path.to_path_buf(),
            archive,
        })
    }

    /// The folder or archive path.
    pub fn path(&self) -> &Path {
        match self {
            Self::Folder { root } => root,
            Self::Zip { path, .. } => path,
        }
    }

    /// Every regular file, sorted by key. Folders named by `skip_folder` are not entered
    /// (their files are still counted, in the second value).
    pub(crate) fn list(
        &self,
        skip_folder: impl Fn(&str) -> bool,
    ) -> Result<(Vec<StoredFile>, Vec<String>), DataError> {
        let mut files = Vec::new();
        let mut skipped = Vec::new();
        match self {
            Self::Folder { root } => {
                walk(root, "", &skip_folder, &mut files, &mut skipped)?;
                files.sort_by(|a, b| a.key.cmp(&b.key));
                for (slot, file) in files.iter_mut().enumerate() {
                    file.slot = slot;
                }
            }
            Self::Zip { path, archive } => {
                let mut archive = archive.clone();
                for slot in 0..archive.len() {
                    let entry = archive.by_index_raw(slot).map_err(|e| DataError::Zip {
                        path: path.clone(),
                        message: format!("entry {slot}: {e}"),
                    })?;
                    if !entry.is_file() {
                        continue;
                    }
                    let Ok(name) = entry.name() else { continue };
                    let key = name.replace('\\', "/").trim_start_matches('/').to_string();
                    let in_skipped_folder = key.split('/').rev().skip(1).any(&skip_folder);
                    if in_skipped_folder {
                        skipped.push(key);
                        continue;
                    }
                    files.push(StoredFile {
                        key,
                        size: entry.size(),
                        crc32: Some(entry.crc32()),
                        slot,
                    });
                }
                files.sort_by(|a, b| a.key.cmp(&b.key));
            }
        }
        Ok((files, skipped))
    }

    /// The full path of a file, for messages: `root/key` or `archive.zip!/key`.
    pub fn display_path(&self, file: &StoredFile) -> PathBuf {
        match self {
            Self::Folder { root } => root.join(&file.key),
            Self::Zip { path, .. } => PathBuf::from(format!("{}!/{}", path.display(), file.key)),
        }
    }

    /// Reads a file's width and height from its header, checked against `max_pixels`: from a
    /// folder only the header is read ([`probe_file`](crate::probe_file)); an archive entry is
    /// decompressed first.
    pub fn probe(
        &self,
        file: &StoredFile,
        max_pixels: u64,
    ) -> Result<(u32, u32), crate::DecodeFailure> {
        match self {
            Self::Folder { root } => crate::probe_file(&root.join(&file.key), max_pixels),
            Self::Zip { .. } => {
                let bytes = self.read(file).map_err(|e| {
                    crate::DecodeFailure::new(crate::SkipReason::Unreadable, e.to_string())
                })?;
                crate::probe(&bytes, max_pixels)
            }
        }
    }

    /// Reads the first `len` bytes of a file (all of it when shorter; archive entries are
    /// decompressed up to there).
    pub fn read_prefix(&self, file: &StoredFile, len: usize) -> Result<Vec<u8>, DataError> {
        let mut bytes = Vec::with_capacity(len.min(file.size.min(1 << 30) as usize));
        match self {
            Self::Folder { root } => {
                let path = root.join(&file.key);
                let opened = File::open(&path).map_err(DataError::io(&path))?;
                opened
                    .take(len as u64)
                    .read_to_end(&mut bytes)
                    .map_err(DataError::io(&path))?;
            }
            Self::Zip { archive, .. } => {
                let zip_error = |e: &dyn std::fmt::Display| DataError::Decode {
                    path: self.display_path(file),
                    message: format!("cannot read the archive entry: {e}"),
                };
                let mut archive = archive.clone();
                let entry = archive.by_index(file.slot).map_err(|e| zip_error(&e))?;
                entry
                    .take(len as u64)
                    .read_to_end(&mut bytes)
                    .map_err(|e| zip_error(&e))?;
            }
        }
        Ok(bytes)
    }

    /// Reads a file's bytes (decompressed).
    pub fn read(&self, file: &StoredFile) -> Result<Vec<u8>, DataError> {
        self.read_prefix(file, usize::MAX)
    }
}

fn walk(
    dir: &Path,
    prefix: &str,
    skip_folder: &dyn Fn(&str) -> bool,
    files: &mut Vec<StoredFile>,
    skipped: &mut Vec<String>,
) -> Result<(), DataError> {
    for entry in std::fs::read_dir(dir).map_err(DataError::io(dir))? {
        let entry = entry.map_err(DataError::io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let key = format!("{prefix}{name}");
        let path = entry.path();
        let file_type = entry.file_type().map_err(DataError::io(&path))?;
        let is_dir = file_type.is_dir() || (file_type.is_symlink() && path.is_dir());
        if is_dir {
            if skip_folder(&name) {
                let mut inner = Vec::new();
                walk(&path, &format!("{key}/"), &|_| false, &mut inner, skipped)?;
                skipped.extend(inner.into_iter().map(|f| f.key));
            } else {
                walk(&path, &format!("{key}/"), skip_folder, files, skipped)?;
            }
        } else {
            let size = std::fs::metadata(&path)
                .map_err(DataError::io(&path))?
                .len();
            files.push(StoredFile {
                key,
                size,
                crc32: None,
                slot: 0,
            });
        }
    }
    Ok(())
}

/// A file handle that many readers share, each with its own position: reads go through
/// positioned reads, so clones never disturb each other and an archive can be read from many
/// threads at once.
#[derive(Debug, Clone)]
pub struct SharedFile {
    file: Arc<File>,
    position: u64,
}

impl SharedFile {
    fn new(file: File) -> Self {
        Self {
            file: Arc::new(file),
            position: 0,
        }
    }
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.position)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, buf, self.position)?;
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let len = self.file.metadata()?.len();
        let target = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => len.checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = target.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.position)
    }
}
