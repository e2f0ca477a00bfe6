//! The front door for training: one [`Experiment`] value built from configurations
//! (generator, discriminator, objective, data source, training settings, run folder) and one
//! [`Experiment::train`] call. [`presets`] holds DCGAN, CAN and WGAN-GP as the papers train
//! them, optimizer settings included.

pub mod presets;
pub mod resume;
pub mod run;

pub use resume::ResumeRequest;
pub use run::Experiment;
