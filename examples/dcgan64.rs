//! Trains DCGAN at 64x64 through the library's front door, [`Experiment`], with the small-data
//! recipe (spectral norm, hinge loss, DiffAugment, a moving average of the generator; 5,000
//! steps of 16 images, about 9 minutes on two CPU cores): on the embedded procedural paintings
//! by default (no download), or on `--data DIR`. The same as `gan train dcgan`, with its most
//! used options; `gan train dcgan --help` lists them all.
//!
//! ```sh
//! cargo run --release --example dcgan64
//! cargo run --release --example dcgan64 -- --data path/to/paintings --epochs 20
//! cargo run --release --example dcgan64 --features cuda -- --device cuda
//! ```

use clap::Parser;
use gan::data::DataSource;
use gan::train::Experiment;
use std::path::PathBuf;

/// Train DCGAN on the embedded procedural paintings or on --data DIR.
#[derive(Parser)]
struct Args {
    /// Training images: a folder or .zip archive, one sub-folder per style [default: embedded].
    #[arg(long)]
    data: Option<String>,
    /// Generator steps [default: 5000 unless --epochs is given].
    #[arg(long, conflicts_with = "epochs")]
    steps: Option<usize>,
    /// Passes over the data set.
    #[arg(long)]
    epochs: Option<usize>,
    /// Run folder.
    #[arg(long, default_value = "runs/dcgan64")]
    out: PathBuf,
    /// Continue from a run folder or checkpoint folder.
    #[arg(long)]
    resume: Option<PathBuf>,
    /// cpu, wgpu, cuda or cuda:N (its backend must be compiled in).
    #[arg(long, default_value = "cpu")]
    device: String,
}

fn main() -> std::process::ExitCode {
    match train(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn train(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let device = gan::core::device::parse_device(&args.device)?;
    let mut experiment = Experiment::dcgan_small_data(64) // 5,000 steps at batch 16
        .with_data(DataSource::from_arg(args.data.as_deref()))
        .with_run_dir(args.out)
        .with_resume(args.resume);
    if let Some(epochs) = args.epochs {
        (experiment.training.steps, experiment.training.epochs) = (None, epochs);
    }
    experiment.training.steps = args.steps.or(experiment.training.steps);
    let summary = experiment.train(&device)?;
    println!("{summary}");
    Ok(())
}
