//! `gan score`: the discriminator's verdict on images (P(real), or a WGAN-GP critic's score,
//! and CAN's most likely styles).

use super::error::Error;
use gan::train::Checkpoint;
use gan::train::judge::ImageScore;
use std::path::PathBuf;

/// The options of `gan score`.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct ScoreArgs {
    /// The trained model: a run folder (its latest checkpoint), its checkpoints/ folder, or one
    /// checkpoint folder.
    #[arg(value_name = "MODEL")]
    pub checkpoint: PathBuf,
    /// Images to judge (PNG or JPEG, any size: scaled and centre-cropped like training images).
    #[arg(value_name = "IMAGE", required = true)]
    pub images: Vec<PathBuf>,
    /// How many of the most likely styles to list (CAN only).
    #[arg(long, default_value_t = 3)]
    pub top: usize,
    /// Print JSON (one array of objects) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Device: cpu, flex, ndarray, wgpu, cuda or cuda:N (backends must be compiled in).
    #[arg(long, default_value = "cpu")]
    pub device: String,
}

impl ScoreArgs {
    /// Loads the model and judges the images.
    pub fn run(&self) -> Result<Vec<ImageScore>, Error> {
        let device = gan::core::device::parse_device(&self.device)?;
        let checkpoint = Checkpoint::open(&self.checkpoint)?;
        Ok(checkpoint.judge(&self.images, self.top, &device)?)
    }
}

/// One line per image: `IMAGE  P(real) = 0.8123` (or `score = 1.52 (…)`), then
/// `  styles: name 0.41, …` for CAN.
pub fn format_scores(scores: &[ImageScore]) -> String {
    let mut out = String::new();
    for score in scores {
        match score.real_probability {
            Some(p) => out.push_str(&format!("{}  P(real) = {p:.4}\n", score.image.display())),
            None => out.push_str(&format!(
                "{}  score = {:.4} (a critic's or hinge discriminator's, not a probability)\n",
                score.image.display(),
                score.raw_score
            )),
        }
        if !score.styles.is_empty() {
            let styles: Vec<String> = score
                .styles
                .iter()
                .map(|s| format!("{} {:.3}", s.style, s.probability))
                .collect();
            out.push_str(&format!("  styles: {}\n", styles.join(", ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use gan::train::judge::StyleScore;

    #[test]
    fn text_output_says_what_the_number_is() {
        let scores = [
            ImageScore {
                image: "a.png".into(),
                raw_score: 0.0,
                real_probability: Some(0.5),
                styles: vec![StyleScore {
                    style: "cubism".into(),
                    probability: 0.25,
                }],
            },
            ImageScore {
                image: "b.png".into(),
                raw_score: -1.5,
                real_probability: None,
                styles: vec![],
            },
        ];
        assert_eq!(
            format_scores(&scores),
            "a.png  P(real) = 0.5000\n  styles: cubism 0.250\nb.png  score = -1.5000 (a critic's or hinge discriminator's, not a probability)\n"
        );
    }
}
