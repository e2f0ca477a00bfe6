//! Trains CAN, the Creative Adversarial Network, at 64x64: the discriminator learns the styles
//! of the data (the embedded paintings' five, or the sub-folders of `--data DIR`), the
//! generator is pushed towards style ambiguity. Each step logs the style accuracy on real
//! images and the entropy of the styles D sees in the fakes.
//!
//! ```sh
//! cargo run --release --example can64
//! cargo run --release --example can64 -- --size 128 --data path/to/wikiart --style-weight 0.5
//! ```

use clap::Parser;
use gan::core::loss::StyleAmbiguity;
use gan::data::DataSource;
use gan::train::{CreativeAdversarial, Experiment};

/// Train CAN: learn the styles of the data, then deviate from them.
#[derive(Parser)]
struct Args {
    /// Images in one sub-folder per style [default: the embedded paintings].
    #[arg(long)]
    data: Option<String>,
    /// Image size: 32, 64, 128 or 256.
    #[arg(long, default_value_t = 64)]
    size: usize,
    /// λ, the weight of the style-ambiguity loss.
    #[arg(long, default_value_t = 1.0)]
    style_weight: f64,
    /// Generator steps.
    #[arg(long, default_value_t = 200)]
    steps: usize,
    /// cpu, wgpu, cuda or cuda:N.
    #[arg(long, default_value = "cpu")]
    device: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let device = gan::core::device::parse_device(&args.device)?;
    let objective = CreativeAdversarial {
        style_weight: args.style_weight,
        ambiguity: StyleAmbiguity::Binary,
        ..CreativeAdversarial::default()
    };
    let summary = Experiment::can(args.size)
        .with_objective(objective)
        .with_data(DataSource::from_arg(args.data.as_deref()))
        .with_steps(Some(args.steps))
        .train(&device)?;
    println!("{summary}");
    Ok(())
}
