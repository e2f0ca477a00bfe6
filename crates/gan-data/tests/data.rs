//! gan-data: the embedded set, image folders, epoch views and batching.

use burn::data::dataloader::batcher::Batcher;
use burn::data::dataset::Dataset;
use burn::prelude::*;
use gan_data::*;
use image::{ImageBuffer, Rgb, RgbImage};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// gan-data does not depend on gan-core: the build's default backend.
fn device() -> Device {
    Device::default()
}

#[test]
fn procedural_set_is_deterministic_labelled_and_varied() {
    let a = ProceduralPaintingsConfig::new().init(32).unwrap();
    let b = ProceduralPaintingsConfig::new().init(32).unwrap();
    let other = ProceduralPaintingsConfig::new()
        .with_seed(8)
        .init(32)
        .unwrap();
    assert_eq!(a.len(), 2560);
    assert_eq!(a.class_names().len(), 5);
    for i in 0..10 {
        let item = a.paint(i);
        assert_eq!(item, b.paint(i), "same seed, same image {i}");
        assert_ne!(
            item.pixels,
            other.paint(i).pixels,
            "another seed paints another image"
        );
        assert_eq!(item.pixels.len(), 32 * 32 * 3);
        assert_eq!(item.label, Some(i % 5));
    }
    let distinct: HashSet<Vec<u8>> = (0..50).map(|i| a.paint(i).pixels).collect();
    assert_eq!(distinct.len(), 50, "every image is different");
    // Images are not flat: each has real contrast.
    for i in 0..20 {
        let pixels = a.paint(i).pixels;
        let (min, max) = (pixels.iter().min().unwrap(), pixels.iter().max().unwrap());
        assert!(max - min > 60, "image {i} has contrast {min}..{max}");
    }
    assert!(
        ProceduralPaintingsConfig::new()
            .with_len(0)
            .init(32)
            .is_err()
    );
    assert!(ProceduralPaintingsConfig::new().init(0).is_err());
}

#[test]
fn procedural_styles_differ_in_their_statistics() {
    // A nearest-centroid classifier on tiny colour statistics separates the styles far above
    // chance: the labels carry information a model can learn (CAN needs that).
    let set = ProceduralPaintingsConfig::new().init(32).unwrap();
    let features = |i: usize| -> Vec<f32> {
        let p = set.paint(i).pixels;
        let n = (p.len() / 3) as f32;
        let mean: Vec<f32> = (0..3)
            .map(|c| p.iter().skip(c).step_by(3).map(|&v| v as f32).sum::<f32>() / n)
            .collect();
        // mean absolute horizontal and vertical gradients
        let s = 32;
        let (mut gx, mut gy) = (0.0, 0.0);
        for y in 0..s - 1 {
            for x in 0..s - 1 {
                let v = |x: usize, y: usize| p[(y * s + x) * 3] as f32;
                gx += (v(x + 1, y) - v(x, y)).abs();
                gy += (v(x, y + 1) - v(x, y)).abs();
            }
        }
        vec![mean[0], mean[1], mean[2], gx / n, gy / n]
    };
    let mut centroids = vec![vec![0.0f32; 5]; 5];
    let train = 500;
    for i in 0..train {
        for (c, f) in centroids[i % 5].iter_mut().zip(features(i)) {
            *c += f / (train / 5) as f32;
        }
    }
    let test: Vec<usize> = (train..train + 250).collect();
    let correct = test
        .iter()
        .filter(|&&i| {
            let f = features(i);
            let best = (0..5)
                .min_by(|&a, &b| {
                    let d = |k: usize| -> f32 {
                        centroids[k]
                            .iter()
                            .zip(&f)
                            .map(|(c, v)| (c - v).powi(2))
                            .sum()
                    };
                    d(a).total_cmp(&d(b))
                })
                .unwrap();
            best == i % 5
        })
        .count();
    let accuracy = correct as f64 / test.len() as f64;
    assert!(accuracy > 0.5, "style accuracy {accuracy} (chance is 0.2)");
}

fn save_rgb(path: &Path, w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let img: RgbImage = ImageBuffer::from_fn(w, h, |x, y| Rgb(f(x, y)));
    img.save(path).unwrap();
}

#[test]
fn image_folder_labels_skips_junk_and_survives_a_corrupt_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    save_rgb(&root.join("Realism/a.png"), 40, 20, |x, _| {
        if x < 20 { [255, 0, 0] } else { [0, 0, 255] }
    });
    save_rgb(&root.join("Realism/b.jpg"), 30, 30, |_, _| [10, 200, 10]);
    save_rgb(&root.join("Cubism/山水画.PNG"), 16, 24, |_, _| {
        [200, 200, 0]
    });
    // Not data: hidden files, macOS metadata, other extensions.
    save_rgb(&root.join("Cubism/.hidden.png"), 8, 8, |_, _| [0, 0, 0]);
    save_rgb(&root.join("__MACOSX/Cubism/x.png"), 8, 8, |_, _| [0, 0, 0]);
    std::fs::write(root.join("Cubism/notes.txt"), "not an image").unwrap();
    // A corrupt JPEG: a header and nothing else.
    std::fs::write(
        root.join("Realism/c_corrupt.jpg"),
        [0xFF, 0xD8, 0xFF, 0xE0, 0, 16],
    )
    .unwrap();

    let set = ArtDatasetConfig::new(root.to_path_buf())
        .with_image_size(16)
        .init()
        .unwrap();
    assert_eq!(set.class_names(), ["Cubism", "Realism"]);
    // The corrupt JPEG is found when the data set is opened (its header is cut short),
    // skipped, and named in the report.
    assert_eq!(set.len(), 3);
    let report = set.report();
    assert_eq!(report.loaded, 3);
    assert_eq!(report.bad_files.len(), 1);
    assert!(
        report.bad_files[0].path.ends_with("c_corrupt.jpg"),
        "{report:?}"
    );
    assert_eq!(report.skipped[&SkipReason::Hidden], 1);
    assert_eq!(report.skipped[&SkipReason::MacOsMetadata], 1);
    assert_eq!(report.skipped[&SkipReason::NotAnImage], 1);
    assert_eq!(
        report.class_counts,
        [("Cubism".to_string(), 1), ("Realism".to_string(), 2)]
    );
    let labels: Vec<Option<usize>> = (0..3).map(|i| set.load(i).unwrap().label).collect();
    assert_eq!(labels, [Some(0), Some(1), Some(1)]);

    // The 40x20 red|blue image becomes 16x16 from its centre: left red, right blue.
    let item = set.load(1).unwrap();
    assert_eq!((item.width, item.height), (16, 16));
    assert_eq!(item.pixels.len(), 16 * 16 * 3);
    let px = |x: usize, y: usize| &item.pixels[(y * 16 + x) * 3..(y * 16 + x) * 3 + 3];
    assert!(
        px(1, 8)[0] > 200 && px(1, 8)[2] < 50,
        "left is red: {:?}",
        px(1, 8)
    );
    assert!(
        px(14, 8)[2] > 200 && px(14, 8)[0] < 50,
        "right is blue: {:?}",
        px(14, 8)
    );

    assert!(matches!(
        set.load(99),
        Err(DataError::IndexOutOfRange { index: 99, len: 3 })
    ));
}

#[test]
fn image_folder_errors_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let open = |path: &Path| ArtDatasetConfig::new(path.to_path_buf()).init();
    let err = open(dir.path()).unwrap_err();
    assert!(matches!(err, DataError::Empty { .. }));
    assert!(err.to_string().contains(&dir.path().display().to_string()));
    let missing = dir.path().join("nope");
    let err = open(&missing).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    std::fs::write(dir.path().join("bad.png"), b"garbage").unwrap();
    let err = open(dir.path()).unwrap_err();
    assert!(
        err.to_string().contains("none of the images could be read"),
        "{err}"
    );
    assert!(err.to_string().contains("1 undecodable"), "{err}");
}

#[test]
fn epoch_views_shuffle_and_flip_reproducibly() {
    let set: Arc<dyn Dataset<PaintingItem>> = Arc::new(
        ProceduralPaintingsConfig::new()
            .with_len(200)
            .init(8)
            .unwrap(),
    );
    let a = EpochView::new(set.clone(), 1, 0, true);
    let b = EpochView::new(set.clone(), 1, 0, true);
    let next_epoch = EpochView::new(set.clone(), 1, 1, true);
    let order: Vec<usize> = (0..200).map(|i| a.source_index(i)).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(sorted, (0..200).collect::<Vec<_>>(), "a permutation");
    assert_ne!(order, (0..200).collect::<Vec<_>>(), "shuffled");
    assert_eq!(
        order,
        (0..200).map(|i| b.source_index(i)).collect::<Vec<_>>()
    );
    assert_ne!(
        order,
        (0..200)
            .map(|i| next_epoch.source_index(i))
            .collect::<Vec<_>>()
    );
    let mut flipped = 0;
    for i in 0..200 {
        let item = a.get(i).unwrap();
        assert_eq!(item, b.get(i).unwrap());
        let original = set.get(a.source_index(i)).unwrap();
        if item != original {
            let mut mirrored = original.clone();
            mirrored.flip_horizontal();
            assert_eq!(item, mirrored, "a change is exactly a mirror image");
            flipped += 1;
        }
    }
    assert!((70..130).contains(&flipped), "{flipped} of 200 flipped");
    let plain = EpochView::new(set.clone(), 1, 0, false);
    assert_eq!(
        plain.get(5).unwrap(),
        set.get(plain.source_index(5)).unwrap()
    );
}

#[test]
fn batcher_scales_to_minus_one_one_in_chw_order() {
    let device = device();
    let item = |r: u8, label| PaintingItem {
        pixels: (0..4).flat_map(|_| [r, 0, 255]).collect(),
        width: 2,
        height: 2,
        label,
    };
    let batch = PaintingBatcher::new().batch(vec![item(255, Some(3)), item(0, Some(1))], &device);
    assert_eq!(batch.images.dims(), [2, 3, 2, 2]);
    let v = batch.images.into_data().try_to_vec::<f32>().unwrap();
    assert_eq!(&v[0..4], &[1.0; 4], "red plane of image 0");
    assert_eq!(&v[4..8], &[-1.0; 4], "green plane");
    assert_eq!(&v[8..12], &[1.0; 4], "blue plane");
    assert_eq!(&v[12..16], &[-1.0; 4], "red plane of image 1");
    let labels: Vec<i64> = batch.labels.unwrap().into_data().iter::<i64>().collect();
    assert_eq!(labels, vec![3, 1]);
    let unlabelled = PaintingBatcher::new().batch(vec![item(1, None)], &device);
    assert!(unlabelled.labels.is_none());
}

#[test]
fn data_source_opens_both_kinds() {
    let embedded = DataSource::from_arg(None).open(16).unwrap();
    assert_eq!(embedded.class_names.len(), 5);
    assert_eq!(embedded.dataset.get(0).unwrap().size(), 16);
    assert!(matches!(
        DataSource::from_arg(Some("embedded")),
        DataSource::Embedded(_)
    ));
    let err = DataSource::from_arg(Some("/does/not/exist"))
        .open(16)
        .err()
        .unwrap();
    assert!(err.to_string().contains("/does/not/exist"));
}
