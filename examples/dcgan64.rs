//! Trains DCGAN at 64x64: on the embedded procedural paintings by default, or on
//! `--data DIR`. Run with `--help` for the options.
//!
//! ```sh
//! cargo run --release --example dcgan64
//! cargo run --release --example dcgan64 -- --data path/to/paintings --epochs 20
//! cargo run --release --example dcgan64 --features cuda -- --device cuda
//! ```

use clap::Parser;
use gan::dcgan::{self, TrainArgs};

/// Train DCGAN at 64x64.
#[derive(Parser)]
#[command(about)]
struct Cli {
    #[command(flatten)]
    train: TrainArgs,
}

fn main() {
    let cli = Cli::parse();
    match dcgan::run(&cli.train, 64) {
        Ok(summary) => dcgan::print_summary(&summary),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    }
}
