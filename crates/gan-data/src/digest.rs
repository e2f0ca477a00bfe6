//! SHA-256 as lower-case hex, of a file (streamed: checks downloads) or of bytes in memory
//! (checkpoint files as they are written and read).

use crate::error::DataError;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// The SHA-256 of the file at `path`, as lower-case hex (an error names the file).
pub fn file_sha256(path: impl AsRef<Path>) -> Result<String, DataError> {
    let path = path.as_ref();
    let mut reader = BufReader::new(File::open(path).map_err(DataError::io(path))?);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut buffer).map_err(DataError::io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// The SHA-256 of `bytes`, as lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
