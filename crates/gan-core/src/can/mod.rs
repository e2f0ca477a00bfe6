//! CAN, the Creative Adversarial Network (Elgammal et al. 2017, "CAN: Creative Adversarial
//! Networks, Generating Art by Learning About Styles and Deviating from Style Norms").
//!
//! The generator is DCGAN's. The discriminator shares one convolutional trunk between two heads:
//! the real/fake logit, and K style logits learnt from the data set's labels. The generator is
//! rewarded for images the discriminator finds real but cannot place in any one style
//! ([`style_ambiguity_loss`](crate::loss::style_ambiguity_loss)).

mod discriminator;

pub use discriminator::{CanDiscriminator, CanDiscriminatorConfig, CanOutput};
