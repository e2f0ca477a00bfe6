//! What a run leaves in its folder: the layout ([`RunFolder`]), the per-step metrics CSV, the
//! FID log, the learning curve, the progress GIF, and animated GIFs in general.

pub mod fid_log;
pub mod gif;
pub mod learning_curve;
pub mod metrics;
pub mod progress_gif;
pub mod run_folder;
pub mod run_lock;

pub use fid_log::{FidLog, FidPoint};
pub use learning_curve::LearningCurveConfig;
pub use metrics::{MetricsLog, StepMetrics};
pub use progress_gif::{ProgressGifConfig, sample_grids};
pub use run_folder::RunFolder;
pub use run_lock::RunLock;
