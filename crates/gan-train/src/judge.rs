//! The discriminator's verdict on images. Each image is prepared exactly as a training image is
//! (decoded by gan-data, shorter side scaled to the model's size, centre cropped, mapped to
//! `[-1, 1]`), then judged: a probability of being real for DCGAN and CAN, the raw critic
//! score for WGAN-GP (a Wasserstein critic gives no probability), and for CAN also the most
//! likely styles.

use crate::delayed_progress::DelayedProgress;
use crate::error::TrainError;
use burn::data::dataloader::batcher::Batcher;
use burn::prelude::*;
use burn::tensor::activation::{sigmoid, softmax};
use gan_core::Discriminator;
use gan_core::registry::DiscriminatorModel;
use gan_data::{PaintingBatcher, PaintingItem, center_crop_resize};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Images judged per forward pass.
pub const BATCH: usize = 16;

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
pub fn load_image(path: &Path, size: usize) -> Result<PaintingItem, TrainError> {
    let bytes = std::fs::read(path).map_err(|err| TrainError::Image {
        path: path.to_path_buf(),
        message: err.to_string(),
    })?;
    prepare_image(&bytes, size, path)
}

/// [`load_image`] for an image already in memory (an upload); `name` names it in errors. The
/// data loader's pixel limit guards against decompression bombs.
pub fn prepare_image(bytes: &[u8], size: usize, name: &Path) -> Result<PaintingItem, TrainError> {
    let rgb = gan_data::decode_rgb(bytes, gan_data::DEFAULT_MAX_PIXELS).map_err(|failure| {
        TrainError::Image {
            path: name.to_path_buf(),
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
/// most likely are listed; `probability` says whether the sigmoid of its output is P(real)
/// (a discriminator trained with cross-entropy: [`Checkpoint::gives_probability`]) or the raw
/// output is only a score (a critic, a hinge discriminator). Every image is read before any is
/// judged, so a missing file fails fast. [`Checkpoint::judge`] calls this for a checkpoint.
///
/// [`Checkpoint::gives_probability`]: crate::checkpoint::Checkpoint::gives_probability
/// [`Checkpoint::judge`]: crate::checkpoint::Checkpoint::judge
pub fn judge_images(
    discriminator: &DiscriminatorModel,
    class_names: &[String],
    images: &[PathBuf],
    top: usize,
    probability: bool,
    device: &Device,
) -> Result<Vec<ImageScore>, TrainError> {
    let [channels, size, _] = discriminator.image_shape();
    if channels != 3 {
        return Err(TrainError::Invalid(format!(
            "this discriminator takes {channels}-channel images; judging reads RGB"
        )));
    }
    let items = images
        .iter()
        .map(|path| load_image(path, size))
        .collect::<Result<Vec<_>, _>>()?;
    let progress = DelayedProgress::new(items.len(), "images", false);
    let scores = judge_items(
        discriminator,
        class_names,
        images,
        &items,
        top,
        probability,
        device,
        Some(&progress),
    );
    progress.finish();
    Ok(scores)
}

/// Judges images already prepared at the discriminator's size ([`prepare_image`]), named by
/// `names` in the scores, in batches of [`BATCH`]; what [`judge_images`] does after reading its
/// files, for images that come from memory (the studio's uploads).
#[allow(clippy::too_many_arguments)]
pub fn judge_items(
    discriminator: &DiscriminatorModel,
    class_names: &[String],
    names: &[PathBuf],
    items: &[PaintingItem],
    top: usize,
    probability: bool,
    device: &Device,
    progress: Option<&DelayedProgress>,
) -> Vec<ImageScore> {
    let discriminator = discriminator.valid();
    let mut scores = Vec::with_capacity(items.len());
    for (paths, chunk) in names.chunks(BATCH).zip(items.chunks(BATCH)) {
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
                real_probability: probability.then_some(probabilities[i]),
                styles,
            });
        }
        if let Some(progress) = progress {
            progress.inc(paths.len());
        }
    }
    scores
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
}
