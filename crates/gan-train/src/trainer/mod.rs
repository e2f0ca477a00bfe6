//! The training loop: [`train`] runs steps over a training state with periodic
//! hooks (metrics, FID, sample grid and curve, checkpoint; the GIF at the end). Every GAN
//! variant goes through it; they differ by their [`Objective`](crate::objective::Objective).

mod hooks;
mod state;
pub mod stop;
pub mod summary;
pub mod training_loop;
pub mod update;

pub use stop::StopSignal;
pub use summary::{TrainedModels, TrainingSummary};
pub use training_loop::{RunOptions, train};
pub use update::{discriminator_update, generator_update};
