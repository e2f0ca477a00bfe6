//! Trains DCGAN at 128x128, built from its parts: the two network configurations, the
//! objective and the training settings, handed to [`Experiment::new`] (what the
//! `Experiment::dcgan` preset does for you). On a GPU, or with patience on a CPU.
//!
//! ```sh
//! cargo run --release --example dcgan128
//! cargo run --release --example dcgan128 -- path/to/paintings
//! cargo run --release --example dcgan128 --features cuda -- path/to/paintings cuda
//! ```

use gan::core::Architecture;
use gan::core::dcgan::{DcganDiscriminatorConfig, DcganGeneratorConfig};
use gan::core::loss::LabelConfig;
use gan::data::DataSource;
use gan::train::experiment::presets::dcgan_adam;
use gan::train::{Experiment, NonSaturating, TrainingConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Positional arguments: [DATA] [DEVICE].
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = DataSource::from_arg(args.first().map(String::as_str));
    let device = gan::core::device::parse_device(args.get(1).map_or("cpu", String::as_str))?;

    let generator = DcganGeneratorConfig::new().with_image_size(128);
    let discriminator = DcganDiscriminatorConfig::new().with_image_size(128);
    // One-sided label smoothing, as art-GAN projects train at this size.
    let objective = NonSaturating::new(LabelConfig::new().with_smoothing(0.1))?;
    let training = TrainingConfig::new()
        .with_generator_optimizer(dcgan_adam())
        .with_discriminator_optimizer(dcgan_adam())
        .with_batch_size(32)
        .with_steps(Some(200))
        .with_sample_every(25);

    let summary = Experiment::new(Architecture::Dcgan, generator, discriminator, objective)
        .with_data(data)
        .with_training(training)
        .with_run_dir("runs/dcgan128")
        .train(&device)?;
    println!("{summary}");
    Ok(())
}
