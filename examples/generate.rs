//! Writes images from a trained model: opens its checkpoint, rebuilds the generator from the
//! configuration the checkpoint records, and generates from a seed (the same seed gives the
//! same images as `gan generate --seed`). Then lets the discriminator judge the first one.
//!
//! ```sh
//! cargo run --release --example dcgan64            # trains runs/dcgan64 first
//! cargo run --release --example generate -- runs/dcgan64 7
//! ```

use gan::train::{Checkpoint, GenerationConfig};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let model = args.next().unwrap_or_else(|| "runs/dcgan64".into());
    let seed: u64 = args.next().map_or(Ok(0), |s| s.parse())?;
    let device = gan::core::device::parse_device("cpu")?;

    let checkpoint = Checkpoint::open(&model)?;
    let generator = checkpoint.generator(&device)?;
    let files = GenerationConfig::new()
        .with_count(16)
        .with_seed(seed)
        .with_overwrite(true)
        .write(
            &generator,
            Path::new("generated"),
            &device,
            &[("gan:model", model.clone())],
        )?;
    for file in &files {
        println!("{}", file.display());
    }

    for score in checkpoint.judge(&files[..1], 3, &device)? {
        let verdict = match score.real_probability {
            Some(p) => format!("P(real) {p:.3}"),
            None => format!("score {:.3}", score.raw_score),
        };
        println!("{}: {verdict}", score.image.display());
    }
    Ok(())
}
