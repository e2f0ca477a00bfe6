//! Writes images from a trained checkpoint: `--count` images and their grid, the same images
//! for the same `--seed`.
//!
//! ```sh
//! cargo run --release --example generate -- --checkpoint runs/dcgan64 --count 16 --seed 7
//! ```

use clap::Parser;
use gan::generate::{self, GenerateArgs};

/// Generate images from a checkpoint.
#[derive(Parser)]
#[command(about)]
struct Cli {
    #[command(flatten)]
    generate: GenerateArgs,
}

fn main() {
    let cli = Cli::parse();
    match generate::run(&cli.generate) {
        Ok(files) => {
            for file in &files {
                println!("{}", file.display());
            }
        }
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    }
}
