//! Adversarial losses as plain functions of tensors.
//!
//! All losses take *logits* (the discriminator's output before the sigmoid) and never take the
//! log of a sigmoid, so they stay finite for logits of any size.

mod bce;
mod hinge;
mod labels;
mod penalty;
mod style;

pub use bce::{
    bce_with_logits, discriminator_loss, minimax_generator_loss, non_saturating_generator_loss,
};
pub use hinge::{hinge_discriminator_loss, hinge_generator_loss};
pub use labels::LabelConfig;
pub use penalty::{
    Penalty, finite_difference_gradient_penalty, gradient_norms, gradient_penalty, interpolate,
    r1_of_gradient, r1_penalty,
};
pub use style::{
    StyleAmbiguity, log_one_minus_softmax, style_accuracy, style_ambiguity_loss,
    style_cross_entropy, style_entropy,
};
