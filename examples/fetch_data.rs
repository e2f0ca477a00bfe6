//! Downloads an art data set archive by URL, resumably, checks its SHA-256 and extracts it,
//! then opens it and prints what it holds.
//!
//! ```sh
//! # ArtBench-10, 256x256 ImageFolder release (non-commercial licence: read it first)
//! cargo run --release --example fetch_data -- \
//!     --url https://artbench.eecs.berkeley.edu/files/artbench-10-imagefolder-split.tar \
//!     --sha256 <digest published with the data set> --out data/
//! ```

use clap::Parser;
use gan_data::download::{RemoteArchive, fetch_and_extract};
use std::path::PathBuf;

/// Download, verify and extract an image archive (.zip, .tar, .tar.gz).
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// The archive's address (http or https).
    #[arg(long)]
    url: String,
    /// Its SHA-256 (64 hex digits): a download with another digest is deleted.
    #[arg(long)]
    sha256: String,
    /// Folder to download and extract into; run again to resume an interrupted download.
    #[arg(long, default_value = "data")]
    out: PathBuf,
}

fn main() {
    let args = Args::parse();
    let archive = RemoteArchive::new(args.url, args.sha256);
    match fetch_and_extract(&archive, &args.out) {
        Ok(folder) => {
            println!("extracted into {}", folder.display());
            println!(
                "train on it with: cargo run --release --example dcgan64 -- --data {}",
                folder.display()
            );
        }
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    }
}
