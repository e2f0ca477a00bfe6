//! The discriminator's verdict on images: what `gan score` runs. Each image is prepared exactly
//! as a training image is (shorter side scaled to the model's size, centre cropped, mapped to
//! `[-1, 1]`), then judged: a probability of being real for DCGAN and CAN, the raw critic
//! score for WGAN-GP (a Wasserstein critic gives no probability), and for CAN also the most
//! likely styles.

use crate::Error;
use burn::data::dataloader::batcher::Batcher;
use burn::prelude::*;
use burn::tensor::activation::{sigmoid, softmax};
use gan_core::Discriminator;
use gan_core::can::{CanDiscriminator, CanDiscriminatorConfig};
use gan_core::dcgan::{DcganDiscriminator, DcganDiscriminatorConfig};
use gan_core::mlp::{MlpDiscriminator, MlpDiscriminatorConfig};
use gan_core::wgan::{DcganCritic, DcganCriticConfig};
use gan_data::{PaintingBatcher, PaintingItem, center_crop_resize};
use gan_train::DelayedProgress;
use gan_train::checkpoint::{self, Checkpoint};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Images judged per forward pass.
pub const BATCH: usize = 16;

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

/// A discriminator of any architecture that checkpoints record.
#[derive(Debug)]
pub enum LoadedDiscriminator {
    /// DCGAN's discriminator.
    Dcgan(DcganDiscriminator),
    /// CAN's discriminator, with its style head.
    Can(CanDiscriminator),
    /// WGAN-GP's critic.
    Critic(DcganCritic),
    /// The fully connected discriminator.
    Mlp(MlpDiscriminator),
}

/// What the discriminator says about a batch of images.
#[derive(Debug)]
pub struct Judgement {
    /// Real/fake logits (critic scores for WGAN-GP), `[B, 1]`.
    pub logits: Tensor<2>,
    /// Style logits, `[B, K]`, for CAN.
    pub styles: Option<Tensor<2>>,
}

impl LoadedDiscriminator {
    /// The image shape `[channels, height, width]` it accepts.
    pub fn image_shape(&self) -> [usize; 3] {
        match self {
            Self::Dcgan(d) => d.image_shape(),
            Self::Can(d) => d.image_shape(),
            Self::Critic(d) => d.image_shape(),
            Self::Mlp(d) => d.image_shape(),
        }
    }

    /// Whether its output is a logit of "real" (false for a Wasserstein critic).
    pub fn gives_probability(&self) -> bool {
        !matches!(self, Self::Critic(_))
    }

    /// Judges images in inference mode.
    ///
    /// - `images`: `[B, C, H, W]` in `[-1, 1]`
    pub fn judge(&self, images: Tensor<4>) -> Judgement {
        match self {
            Self::Dcgan(d) => Judgement {
                logits: d.valid().logits(images),
                styles: None,
            },
            Self::Can(d) => {
                let out = d.valid().forward(images);
                Judgement {
                    logits: out.real_fake,
                    styles: Some(out.styles),
                }
            }
            Self::Critic(d) => Judgement {
                logits: d.valid().logits(images),
                styles: None,
            },
            Self::Mlp(d) => Judgement {
                logits: d.valid().logits(images),
                styles: None,
            },
        }
    }
}

fn config_of<C: serde::de::DeserializeOwned>(checkpoint: &Checkpoint) -> Result<C, Error> {
    serde_json::from_value(checkpoint.metadata.model.discriminator.clone()).map_err(|e| {
        Error::Unsupported(format!(
            "checkpoint {}: discriminator configuration unreadable: {e}",
            checkpoint.dir.display()
        ))
    })
}

/// Finds the checkpoint at `path` and loads its discriminator on `device`.
pub fn load_discriminator(
    path: &Path,
    device: &Device,
) -> Result<(LoadedDiscriminator, Checkpoint), Error> {
    let checkpoint = checkpoint::find(path)?;
    let discriminator = match checkpoint.metadata.model.architecture.as_str() {
        "dcgan" => {
            let config: DcganDiscriminatorConfig = config_of(&checkpoint)?;
            LoadedDiscriminator::Dcgan(checkpoint.load_discriminator(config.init(device)?)?)
        }
        "can" => {
            let config: CanDiscriminatorConfig = config_of(&checkpoint)?;
            LoadedDiscriminator::Can(checkpoint.load_discriminator(config.init(device)?)?)
        }
        "wgan-gp" => {
            let config: DcganCriticConfig = config_of(&checkpoint)?;
            LoadedDiscriminator::Critic(checkpoint.load_discriminator(config.init(device)?)?)
        }
        "mlp" => {
            let config: MlpDiscriminatorConfig = config_of(&checkpoint)?;
            LoadedDiscriminator::Mlp(checkpoint.load_discriminator(config.init(device)?)?)
        }
        other => {
            return Err(Error::Unsupported(format!(
                "checkpoint {}: architecture `{other}` is not known to this build",
                checkpoint.dir.display()
            )));
        }
    };
    Ok((discriminator, checkpoint))
}

/// One style and its probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StyleScore {
    /// The style's name (its data-set sub-folder).
    pub style: String,
    /// The style head's softmax probability.
    pub probability: f32,
}

/// The verdict on one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageScore {
    /// The image file.
    pub image: PathBuf,
    /// The discriminator's raw output: a logit for DCGAN and CAN, the critic score for WGAN-GP.
    pub raw_score: f32,
    /// The probability that the image is real, `sigmoid(raw_score)`; `None` for a WGAN-GP
    /// critic, whose score is not a probability (higher means more real).
    pub real_probability: Option<f32>,
    /// The most likely styles, most likely first (CAN only).
    pub styles: Vec<StyleScore>,
}

/// Reads `path` and prepares it as training prepares its images: decoded by gan-data (any
/// format and colour type, EXIF orientation applied, pixel limit), then `size` x `size` RGB
/// from the centre.
pub fn load_image(path: &Path, size: usize) -> Result<PaintingItem, Error> {
    let bytes = std::fs::read(path).map_err(|err| Error::Image {
        path: path.to_path_buf(),
        message: err.to_string(),
    })?;
    let rgb = gan_data::decode_rgb(&bytes, gan_data::DEFAULT_MAX_PIXELS).map_err(|failure| {
        Error::Image {
            path: path.to_path_buf(),
            message: format!("{}: {}", failure.reason.describe(), failure.message),
        }
    })?;
    Ok(PaintingItem::square(
        center_crop_resize(&rgb, size as u32).into_raw(),
        size,
        None,
    ))
}

/// The `top` most likely styles of each row of `logits` (`[B, K]`), named by `names`.
fn top_styles(logits: Tensor<2>, names: &[String], top: usize) -> Vec<Vec<StyleScore>> {
    let [batch, k] = logits.dims();
    let probabilities: Vec<f32> = softmax(logits, 1).into_data().iter::<f32>().collect();
    (0..batch)
        .map(|b| {
            let row = &probabilities[b * k..(b + 1) * k];
            let mut order: Vec<usize> = (0..k).collect();
            order.sort_by(|&x, &y| row[y].total_cmp(&row[x]));
            order
                .into_iter()
                .take(top)
                .map(|i| StyleScore {
                    style: names
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| format!("style {i}")),
                    probability: row[i],
                })
                .collect()
        })
        .collect()
}

/// Judges `images` with `discriminator`; `class_names` name CAN's styles, of which the `top`
/// most likely are listed. Every image is read before any is judged, so a missing file fails
/// fast.
pub fn score_images(
    discriminator: &LoadedDiscriminator,
    class_names: &[String],
    images: &[PathBuf],
    top: usize,
    device: &Device,
) -> Result<Vec<ImageScore>, Error> {
    let [channels, size, _] = discriminator.image_shape();
    if channels != 3 {
        return Err(Error::Unsupported(format!(
            "this discriminator takes {channels}-channel images; `gan score` reads RGB"
        )));
    }
    let items = images
        .iter()
        .map(|path| load_image(path, size))
        .collect::<Result<Vec<_>, _>>()?;
    let progress = DelayedProgress::new(items.len(), "images", false);
    let mut scores = Vec::with_capacity(items.len());
    for (paths, chunk) in images.chunks(BATCH).zip(items.chunks(BATCH)) {
        let batch = PaintingBatcher::new().batch(chunk.to_vec(), device);
        let judgement = discriminator.judge(batch.images);
        let raw: Vec<f32> = judgement.logits.clone().into_data().iter::<f32>().collect();
        let probabilities: Vec<f32> = sigmoid(judgement.logits)
            .into_data()
            .iter::<f32>()
            .collect();
        let styles = match judgement.styles {
            Some(logits) => top_styles(logits, class_names, top),
            None => vec![Vec::new(); paths.len()],
        };
        for (i, (path, styles)) in paths.iter().zip(styles).enumerate() {
            scores.push(ImageScore {
                image: path.clone(),
                raw_score: raw[i],
                real_probability: discriminator
                    .gives_probability()
                    .then_some(probabilities[i]),
                styles,
            });
        }
        progress.inc(paths.len());
    }
    progress.finish();
    Ok(scores)
}

/// Loads the model of `args` and judges its images.
pub fn run(args: &ScoreArgs) -> Result<Vec<ImageScore>, Error> {
    let device = gan_core::device::parse_device(&args.device)?;
    let (discriminator, checkpoint) = load_discriminator(&args.checkpoint, &device)?;
    score_images(
        &discriminator,
        &checkpoint.metadata.class_names,
        &args.images,
        args.top,
        &device,
    )
}

/// One line per image: `IMAGE  P(real) = 0.8123` (or `critic score = 1.52`), then
/// `  styles: name 0.41, …` for CAN.
pub fn format_scores(scores: &[ImageScore]) -> String {
    let mut out = String::new();
    for score in scores {
        match score.real_probability {
            Some(p) => out.push_str(&format!("{}  P(real) = {p:.4}\n", score.image.display())),
            None => out.push_str(&format!(
                "{}  critic score = {:.4}\n",
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

    #[test]
    fn top_styles_are_sorted_and_named() {
        let device = gan_core::device::parse_device("cpu").unwrap();
        let logits = Tensor::<2>::from_data(
            TensorData::new(vec![0.0f32, 2.0, 1.0, 3.0, 0.0, 0.0], [2, 3]),
            &device,
        );
        let names = vec!["cubism".to_string(), "baroque".to_string()];
        let top = top_styles(logits, &names, 2);
        assert_eq!(top[0][0].style, "baroque");
        assert_eq!(
            top[0][1].style, "style 2",
            "a style without a name gets its index"
        );
        assert!(top[0][0].probability > top[0][1].probability);
        assert_eq!(top[1][0].style, "cubism");
        let sum: f32 = [3.0f32, 0.0, 0.0].iter().map(|x| x.exp()).sum();
        assert!((top[1][0].probability - 3.0f32.exp() / sum).abs() < 1e-6);
    }

    #[test]
    fn a_missing_image_is_an_error_naming_it() {
        let err = load_image(Path::new("no/such/painting.png"), 32).unwrap_err();
        assert!(err.to_string().contains("no/such/painting.png"), "{err}");
    }

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
            "a.png  P(real) = 0.5000\n  styles: cubism 0.250\nb.png  critic score = -1.5000\n"
        );
    }
}
