//! Trains DCGAN at 128x128: on the embedded procedural paintings by default, or on
//! `--data DIR`. Run with `--help` for the options.
//!
//! ```sh
//! cargo run --release --example dcgan128
//! cargo run --release --example dcgan128 -- --data path/to/paintings --epochs 20
//! cargo run --release --example dcgan128 --features cuda -- --device cuda
//! ```

use clap::Parser;
use gan::dcgan::{self, TrainArgs};

/// Train DCGAN at 128x128.
#[derive(Parser)]
#[command(about)]
struct Cli {
    #[command(flatten)]
    train: TrainArgs,
}

fn main() {
    let cli = Cli::parse();
    match dcgan::run(&cli.train, 128) {
        Ok(summary) => dcgan::print_summary(&summary),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    }
}
