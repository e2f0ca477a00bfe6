//! FID during training, the hook of the loop that measures sample quality with
//! [`gan_metrics`]: its settings ([`FidEvaluationConfig`], `TrainingConfig::fid`) and the
//! evaluator that caches the training data's statistics in the run folder.

pub mod config;
pub mod evaluator;

pub use config::FidEvaluationConfig;
pub use evaluator::FidEvaluator;
