//! Real-file behaviour of `ArtDataset`: every fixture is made here, in a temporary folder —
//! formats, colour types, EXIF orientation, tiny and bomb-sized images, corrupt, empty and
//! truncated files, duplicates, zip archives with `__MACOSX` copies and Chinese names, CSV
//! labels and splits, filters, random crops, the cache and the prefetching loader.

use burn::data::dataloader::batcher::Batcher;
use burn::prelude::*;
use gan_data::*;
use image::{DynamicImage, ImageBuffer, ImageEncoder, Luma, Rgb, RgbImage, Rgba};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A 40x20 image: left half red, right half blue.
fn red_blue() -> RgbImage {
    ImageBuffer::from_fn(40, 20, |x, _| {
        if x < 20 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    })
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn encode(image: &DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .write_image(
            image,
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn open(root: &Path, size: usize) -> ArtDataset {
    ArtDatasetConfig::new(root.to_path_buf())
        .with_image_size(size)
        .init()
        .unwrap()
}

fn mean_rgb(item: &PaintingItem) -> [f32; 3] {
    let n = (item.pixels.len() / 3) as f32;
    let mut sum = [0.0f32; 3];
    for px in item.pixels.chunks_exact(3) {
        for c in 0..3 {
            sum[c] += px[c] as f32;
        }
    }
    sum.map(|s| s / n)
}

fn index_of(set: &ArtDataset, name: &str) -> usize {
    set.paths()
        .iter()
        .position(|p| p.to_string_lossy().ends_with(name))
        .unwrap_or_else(|| panic!("{name} is not in {:?}", set.paths()))
}

#[test]
fn every_format_and_colour_type_becomes_upright_8_bit_rgb() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let orange = Rgb([250u8, 120, 10]);
    let rgb = RgbImage::from_pixel(24, 24, orange);
    let dynamic = DynamicImage::ImageRgb8(rgb.clone());
    use image::ImageFormat as F;
    write(&root.join("fmt/a.png"), &encode(&dynamic, F::Png));
    write(&root.join("fmt/b.jpg"), &jpeg(&rgb));
    write(&root.join("fmt/c.webp"), &encode(&dynamic, F::WebP));
    write(&root.join("fmt/d.bmp"), &encode(&dynamic, F::Bmp));
    write(&root.join("fmt/e.tiff"), &encode(&dynamic, F::Tiff));
    // GIF: an animation whose first frame is orange and second green: the first is used.
    {
        let mut out = Vec::new();
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut out);
        for colour in [[250u8, 120, 10, 255], [0, 255, 0, 255]] {
            let frame = image::RgbaImage::from_pixel(24, 24, Rgba(colour));
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
        drop(encoder);
        write(&root.join("fmt/f.gif"), &out);
    }
    // Colour types.
    let gray = DynamicImage::ImageLuma8(ImageBuffer::from_pixel(24, 24, Luma([90u8])));
    write(&root.join("colour/gray.png"), &encode(&gray, F::Png));
    write(&root.join("colour/gray.jpg"), &encode(&gray, F::Jpeg));
    let alpha =
        DynamicImage::ImageRgba8(ImageBuffer::from_pixel(24, 24, Rgba([250, 120, 10, 100])));
    write(&root.join("colour/alpha.png"), &encode(&alpha, F::Png));
    let deep = DynamicImage::ImageRgb16(ImageBuffer::from_pixel(
        24,
        24,
        Rgb([64250u16, 30840, 2570]),
    ));
    write(&root.join("colour/deep16.png"), &encode(&deep, F::Png));
    let gray16 = DynamicImage::ImageLuma16(ImageBuffer::from_pixel(24, 24, Luma([23130u16])));
    write(&root.join("colour/gray16.png"), &encode(&gray16, F::Png));
    // Palette PNG: two palette entries, orange and black, all orange.
    {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 24, 24);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(vec![250, 120, 10, 0, 0, 0]);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[0u8; 24 * 24]).unwrap();
        writer.finish().unwrap();
        write(&root.join("colour/palette.png"), &out);
    }
    // CMYK JPEG (as print workflows save them): C=0, M=135, Y=245, K=5 is orange.
    {
        let mut out = Vec::new();
        let cmyk: Vec<u8> = (0..24 * 24).flat_map(|_| [0u8, 135, 245, 5]).collect();
        jpeg_encoder::Encoder::new(&mut out, 95)
            .encode(&cmyk, 24, 24, jpeg_encoder::ColorType::Cmyk)
            .unwrap();
        write(&root.join("colour/cmyk.jpg"), &out);
    }
    // A tiny image is upscaled, not rejected.
    write(
        &root.join("colour/tiny.png"),
        &encode(
            &DynamicImage::ImageRgb8(RgbImage::from_pixel(3, 2, orange)),
            F::Png,
        ),
    );

    let set = open(root, 16);
    assert_eq!(set.len(), 14, "{}", set.report());
    assert_eq!(set.report().skipped_total(), 0, "{}", set.report());
    for (i, path) in set.paths().iter().enumerate() {
        let item = set.load(i).unwrap();
        assert_eq!(
            (item.width, item.height, item.pixels.len()),
            (16, 16, 16 * 16 * 3)
        );
        let [r, g, b] = mean_rgb(&item);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("gray") {
            assert!(
                (r - g).abs() < 2.0 && (g - b).abs() < 2.0,
                "{name}: {r} {g} {b}"
            );
            assert!((80.0..100.0).contains(&r), "{name}: {r}");
        } else if name == "alpha.png" {
            // Alpha is dropped, colour kept (not blended with black).
            assert!(
                r > 240.0 && (110.0..130.0).contains(&g) && b < 20.0,
                "{name}: {r} {g} {b}"
            );
        } else {
            assert!(
                r > 225.0 && (95.0..145.0).contains(&g) && b < 45.0,
                "{name} should be orange, got {r:.0} {g:.0} {b:.0}"
            );
        }
    }
}

#[test]
fn exif_orientation_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    // Stored as 40x20, left red and right blue, with EXIF orientation 6 (rotate 90 degrees
    // clockwise to display): upright it is 20x40, red on top and blue below.
    let image = red_blue();
    let exif: Vec<u8> = [
        b"II*\0".as_slice(),
        &8u32.to_le_bytes(),
        &1u16.to_le_bytes(),
        &0x0112u16.to_le_bytes(), // Orientation
        &3u16.to_le_bytes(),      // SHORT
        &1u32.to_le_bytes(),
        &6u16.to_le_bytes(),
        &[0, 0],
        &0u32.to_le_bytes(),
    ]
    .concat();
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95);
    encoder.set_exif_metadata(exif).unwrap();
    encoder
        .write_image(&image, 40, 20, image::ExtendedColorType::Rgb8)
        .unwrap();
    write(&dir.path().join("rotated.jpg"), &out);
    write(&dir.path().join("plain.jpg"), &jpeg(&image));
    let set = ArtDatasetConfig::new(dir.path().into())
        .with_image_size(16)
        .with_crop(CropMode::Random)
        .init()
        .unwrap();
    let rotated = set.load(index_of(&set, "rotated.jpg")).unwrap();
    assert_eq!(
        (rotated.width, rotated.height),
        (16, 32),
        "upright is portrait"
    );
    let px = |item: &PaintingItem, x: usize, y: usize| {
        let i = (y * item.width + x) * 3;
        [item.pixels[i], item.pixels[i + 1], item.pixels[i + 2]]
    };
    assert!(
        px(&rotated, 8, 2)[0] > 200 && px(&rotated, 8, 2)[2] < 60,
        "top is red"
    );
    assert!(
        px(&rotated, 8, 29)[2] > 200 && px(&rotated, 8, 29)[0] < 60,
        "bottom is blue"
    );
    let plain = set.load(index_of(&set, "plain.jpg")).unwrap();
    assert_eq!(
        (plain.width, plain.height),
        (32, 16),
        "no EXIF: stays landscape"
    );
}

#[test]
fn bad_files_are_skipped_each_named_once_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let good = jpeg(&red_blue());
    write(&root.join("ok/good.jpg"), &good);
    write(&root.join("ok/empty.jpg"), b"");
    write(&root.join("ok/garbage.png"), b"this is not a PNG at all");
    // A header that claims 60000 x 60000 pixels (3.6 gigapixels) and no pixel data.
    let mut bomb = Vec::new();
    bomb.extend_from_slice(b"BM");
    bomb.extend_from_slice(&(54u32).to_le_bytes());
    bomb.extend_from_slice(&[0; 4]);
    bomb.extend_from_slice(&54u32.to_le_bytes());
    bomb.extend_from_slice(&40u32.to_le_bytes());
    bomb.extend_from_slice(&60000i32.to_le_bytes());
    bomb.extend_from_slice(&60000i32.to_le_bytes());
    bomb.extend_from_slice(&1u16.to_le_bytes());
    bomb.extend_from_slice(&24u16.to_le_bytes());
    bomb.extend_from_slice(&[0; 24]);
    write(&root.join("ok/bomb.bmp"), &bomb);
    // A PNG cut in the middle of its pixel data: its header reads, its pixels do not.
    let noisy = RgbImage::from_fn(64, 64, |x, y| {
        Rgb([(x * 7 + y) as u8, (y * 13) as u8, (x * y) as u8])
    });
    let png = encode(&DynamicImage::ImageRgb8(noisy), image::ImageFormat::Png);
    write(&root.join("ok/truncated.png"), &png[..png.len() / 2]);

    // Without the cache, headers are checked at open: the truncated file passes and fails
    // later, while training, where the next image takes its place and the report grows.
    let set = open(root, 16);
    let report = set.report();
    assert_eq!(set.len(), 2, "{report}");
    assert_eq!(report.skipped[&SkipReason::Empty], 1);
    assert_eq!(report.skipped[&SkipReason::Undecodable], 1);
    assert_eq!(report.skipped[&SkipReason::TooLarge], 1);
    let named: Vec<&str> = report.bad_files.iter().map(|f| f.path.as_str()).collect();
    for name in ["empty.jpg", "garbage.png", "bomb.bmp"] {
        assert!(
            named.iter().any(|p| p.ends_with(name)),
            "{name} in {named:?}"
        );
    }
    let bomb_report = report
        .bad_files
        .iter()
        .find(|f| f.path.ends_with("bomb.bmp"))
        .unwrap();
    assert!(
        bomb_report.message.contains("60000x60000"),
        "{}",
        bomb_report.message
    );
    let summary = report.to_string();
    assert!(
        summary.starts_with("2 images loaded, 3 skipped"),
        "{summary}"
    );
    let truncated = index_of(&set, "truncated.png");
    let err = set.load(truncated).unwrap_err();
    assert!(err.to_string().contains("truncated.png"), "{err}");
    let served = set.get(truncated).unwrap();
    assert_eq!(served, set.load(index_of(&set, "good.jpg")).unwrap());
    let _ = set.get(truncated).unwrap();
    let report = set.report();
    assert_eq!(
        report.bad_files.len(),
        4,
        "reported once: {:?}",
        report.bad_files
    );
    assert_eq!(report.loaded, 1);

    // With the cache every image is decoded at open, so all four are found there.
    let cached = ArtDatasetConfig::new(root.into())
        .with_image_size(16)
        .with_cache(true)
        .init()
        .unwrap();
    assert_eq!(cached.len(), 1);
    assert_eq!(cached.report().bad_files.len(), 4);
    // Found at open or while training, a file gets the same reason.
    let reason_of = |report: &LoadReport| {
        report
            .bad_files
            .iter()
            .find(|f| f.path.ends_with("truncated.png"))
            .map(|f| f.reason)
            .unwrap()
    };
    assert_eq!(reason_of(&set.report()), reason_of(&cached.report()));
    assert_eq!(
        cached.load(0).unwrap(),
        set.load(index_of(&set, "good.jpg")).unwrap()
    );

    // A lower pixel limit skips ordinary images too.
    let strict = ArtDatasetConfig::new(root.into())
        .with_max_pixels(100)
        .init();
    let err = strict.unwrap_err().to_string();
    assert!(err.contains("none of the images could be read"), "{err}");
    assert!(err.contains("over the pixel limit"), "{err}");
}

/// A zip as the Chinese painting set ships it: every image duplicated under `__MACOSX` as an
/// AppleDouble file, Chinese file names, a duplicate image, a stray text file.
fn chinese_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut images = Vec::new();
    let colours = [
        ("山水", [40u8, 120, 60]),
        ("花鸟", [200, 60, 90]),
        ("人物", [90, 90, 200]),
    ];
    for (genre, colour) in colours {
        for i in 0..3 {
            let image = RgbImage::from_fn(30 + i * 4, 20, |x, _| {
                Rgb([colour[0], colour[1].wrapping_add((x * 3) as u8), colour[2]])
            });
            images.push((format!("data/{genre}/{genre}画{i}.jpg"), jpeg(&image)));
        }
    }
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in &images {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
        let (folder, file) = name.rsplit_once('/').unwrap();
        zip.start_file(format!("__MACOSX/{folder}/._{file}"), options)
            .unwrap();
        zip.write_all(b"\x00\x05\x16\x07AppleDouble metadata")
            .unwrap();
    }
    zip.start_file("data/山水/副本.jpg", options).unwrap();
    zip.write_all(&images[0].1).unwrap();
    zip.start_file("data/readme.txt", options).unwrap();
    zip.write_all(b"Chinese paintings").unwrap();
    zip.add_directory("data/empty/", options).unwrap();
    zip.finish().unwrap();
    images
}

#[test]
fn zip_archives_read_in_place_with_macosx_copies_and_unicode_names() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("data.zip");
    let images = chinese_zip(&archive);
    let set = ArtDatasetConfig::new(archive.clone())
        .with_image_size(16)
        .init()
        .unwrap();
    let report = set.report();
    assert_eq!(set.len(), 9, "{report}");
    assert_eq!(report.skipped[&SkipReason::MacOsMetadata], 9);
    assert_eq!(report.skipped[&SkipReason::Duplicate], 1);
    assert_eq!(report.skipped[&SkipReason::NotAnImage], 1);
    // Every image sits under data/<genre>/: the label is the first folder level, "data".
    // With a CSV (below) or a folder of genres the labels are the genres.
    assert_eq!(set.class_names(), ["data"]);
    // The bytes served are the archive's: decode the originals and compare.
    for (i, path) in set.paths().iter().enumerate() {
        let key = path
            .to_string_lossy()
            .split("!/")
            .nth(1)
            .unwrap()
            .to_string();
        // The copy sorts before its original (副 < 山), so it is the one kept.
        let key = key.replace("副本.jpg", "山水画0.jpg");
        let original = images.iter().find(|(name, _)| *name == key).unwrap();
        let expected =
            center_crop_resize(&image::load_from_memory(&original.1).unwrap().to_rgb8(), 16);
        assert_eq!(set.load(i).unwrap().pixels, expected.into_raw(), "{key}");
    }
    // A CSV over the zip: labels from a column, paths relative to the archive root.
    let csv = dir.path().join("labels.csv");
    let mut rows = String::from("path,genre,split\n");
    for (i, (name, _)) in images.iter().enumerate() {
        let genre = name.split('/').nth(1).unwrap();
        let split = if i % 3 == 0 { "val" } else { "train" };
        rows += &format!("{name},{genre},{split}\n");
    }
    rows += "data/missing/丢失.jpg,山水,train\n";
    std::fs::write(&csv, rows).unwrap();
    let labelled = ArtDatasetConfig::new(archive.clone())
        .with_image_size(16)
        .with_csv(Some(csv.clone()))
        .with_label_column(Some("genre".into()))
        .init()
        .unwrap();
    assert_eq!(labelled.class_names(), ["人物", "山水", "花鸟"]);
    let report = labelled.report();
    assert_eq!(
        report.class_counts.iter().map(|c| c.1).collect::<Vec<_>>(),
        [3, 3, 3]
    );
    assert_eq!(report.csv_rows_without_file, 1);
    for i in 0..labelled.len() {
        let path = labelled.paths()[i].to_string_lossy().into_owned();
        let name = &labelled.class_names()[labelled.label(i).unwrap()];
        assert!(
            path.contains(&format!("/{name}/")),
            "{path} labelled {name}"
        );
    }
    let train = ArtDatasetConfig::new(archive)
        .with_csv(Some(csv))
        .with_label_column(Some("genre".into()))
        .with_split(SplitConfig::Column {
            column: "split".into(),
            values: vec!["train".into()],
        })
        .init()
        .unwrap();
    assert_eq!(train.len(), 6);
    assert_eq!(train.report().excluded_by_settings, 3);
}

fn labelled_folder(root: &Path) {
    for (s, (style, count)) in [("Baroque", 6), ("Cubism", 4), ("Ukiyo-e", 2)]
        .into_iter()
        .enumerate()
    {
        for i in 0..count {
            let image = RgbImage::from_fn(20, 20, |x, y| {
                Rgb([
                    (x * 10) as u8,
                    (y * 10 + s as u32 * 7) as u8,
                    (i * 40) as u8,
                ])
            });
            write(
                &root.join(format!("{style}/{i}.png")),
                &encode(&DynamicImage::ImageRgb8(image), image::ImageFormat::Png),
            );
        }
    }
}

#[test]
fn classes_caps_splits_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("art");
    labelled_folder(&root);
    // A byte-identical copy under another name and class is loaded once.
    std::fs::copy(root.join("Baroque/0.png"), root.join("Cubism/copy.png")).unwrap();
    let all = open(&root, 8);
    assert_eq!(all.len(), 12);
    assert_eq!(all.report().skipped[&SkipReason::Duplicate], 1);
    assert_eq!(
        all.report().class_counts,
        [
            ("Baroque".into(), 6),
            ("Cubism".into(), 4),
            ("Ukiyo-e".into(), 2)
        ]
    );
    let with_dups = ArtDatasetConfig::new(root.clone())
        .with_deduplicate(false)
        .init()
        .unwrap();
    assert_eq!(with_dups.len(), 13);

    let config = ArtDatasetConfig::new(root.clone()).with_image_size(8);
    let two = config
        .clone()
        .with_classes(vec!["Ukiyo-e".into(), "Cubism".into()])
        .init()
        .unwrap();
    assert_eq!(
        two.class_names(),
        ["Cubism", "Ukiyo-e"],
        "indices follow sorted names"
    );
    assert_eq!(two.len(), 6);
    let err = config
        .clone()
        .with_classes(vec!["Rococo".into()])
        .init()
        .unwrap_err();
    assert!(
        err.to_string().contains("Rococo") && err.to_string().contains("Baroque, Cubism, Ukiyo-e"),
        "{err}"
    );

    let capped = config.clone().with_max_per_class(Some(3)).init().unwrap();
    assert_eq!(
        capped
            .report()
            .class_counts
            .iter()
            .map(|c| c.1)
            .collect::<Vec<_>>(),
        [3, 3, 2]
    );
    let again = config.clone().with_max_per_class(Some(3)).init().unwrap();
    assert_eq!(capped.paths(), again.paths(), "the cap's draw is seeded");

    let part = |part, seed| {
        config
            .clone()
            .with_split(SplitConfig::Fraction {
                val_fraction: 0.25,
                seed,
                part,
            })
            .init()
            .unwrap()
            .paths()
    };
    let (train, val) = (part(SplitPart::Train, 1), part(SplitPart::Val, 1));
    assert_eq!((train.len(), val.len()), (9, 3));
    assert!(
        val.iter().all(|p| !train.contains(p)),
        "the parts are disjoint"
    );
    assert_eq!(
        part(SplitPart::Val, 1),
        val,
        "the same seed gives the same split"
    );
    assert_ne!(part(SplitPart::Val, 2), val, "another seed another split");
    let err = config
        .clone()
        .with_split(SplitConfig::Fraction {
            val_fraction: 1.5,
            seed: 0,
            part: SplitPart::Val,
        })
        .init()
        .unwrap_err();
    assert!(err.to_string().contains("1.5"), "{err}");

    // Nothing left: the error says why.
    let err = config
        .clone()
        .with_classes(vec!["Ukiyo-e".into()])
        .with_split(SplitConfig::Fraction {
            val_fraction: 0.0,
            seed: 0,
            part: SplitPart::Val,
        })
        .init()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("left out by the split, class or cap settings"),
        "{err}"
    );
}

#[test]
fn csv_errors_name_the_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("art");
    labelled_folder(&root);
    let csv = dir.path().join("labels.csv");
    std::fs::write(&csv, "file,style\nBaroque/0.png,Baroque\n").unwrap();
    let config = ArtDatasetConfig::new(root.clone()).with_csv(Some(csv.clone()));
    let err = config.clone().init().unwrap_err().to_string();
    assert!(
        err.contains("labels.csv") && err.contains("\"path\"") && err.contains("file, style"),
        "{err}"
    );
    let err = config
        .clone()
        .with_csv_path_column("file".into())
        .with_label_column(Some("artist".into()))
        .init()
        .unwrap_err()
        .to_string();
    assert!(err.contains("\"artist\""), "{err}");
    let ok = config
        .clone()
        .with_csv_path_column("file".into())
        .with_label_column(Some("style".into()))
        .init()
        .unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(ok.report().skipped[&SkipReason::NotInCsv], 11);
    std::fs::write(&csv, "path,style\nelsewhere/x.png,Baroque\n").unwrap();
    let err = ArtDatasetConfig::new(root.clone())
        .with_csv(Some(csv.clone()))
        .init()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no file is listed in") && err.contains("elsewhere/x.png"),
        "{err}"
    );
    let err = ArtDatasetConfig::new(root)
        .with_label_column(Some("style".into()))
        .init()
        .unwrap_err()
        .to_string();
    assert!(err.contains("needs a CSV"), "{err}");
    let err = ArtDatasetConfig::new(dir.path().join("art.tar"))
        .init()
        .unwrap_err()
        .to_string();
    assert!(err.contains("art.tar"), "{err}");
}

#[test]
fn random_crops_move_each_epoch_and_stay_inside_the_image() {
    let dir = tempfile::tempdir().unwrap();
    // A 60x20 horizontal ramp: a crop's first pixel tells where it was cut.
    let ramp = RgbImage::from_fn(60, 20, |x, _| Rgb([(x * 4) as u8, 0, 0]));
    write(
        &dir.path().join("ramp.png"),
        &encode(&DynamicImage::ImageRgb8(ramp), image::ImageFormat::Png),
    );
    let set = ArtDatasetConfig::new(dir.path().into())
        .with_image_size(20)
        .with_crop(CropMode::Random)
        .init()
        .unwrap();
    let strip = set.load(0).unwrap();
    assert_eq!((strip.width, strip.height), (60, 20));
    let set: Arc<dyn Dataset<PaintingItem>> = Arc::new(set);
    let mut offsets = std::collections::BTreeSet::new();
    for epoch in 0..12 {
        let item = EpochView::new(set.clone(), 5, epoch, false).get(0).unwrap();
        assert_eq!((item.width, item.height), (20, 20));
        let offset = (0..=40)
            .find(|&o| {
                let mut c = strip.clone();
                c.crop_square(o);
                c == item
            })
            .expect("the crop is a window of the strip");
        offsets.insert(offset);
        let again = EpochView::new(set.clone(), 5, epoch, false).get(0).unwrap();
        assert_eq!(item, again, "reproducible from (seed, epoch)");
    }
    assert!(offsets.len() >= 6, "crops move: {offsets:?}");
}

#[test]
fn prefetching_loader_gives_the_batches_of_sequential_batching() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("art");
    labelled_folder(&root);
    let device = Device::default();
    let set: Arc<dyn Dataset<PaintingItem>> = Arc::new(open(&root, 8));
    let loader = PrefetchLoader::new(5, 2, 2);
    let batches: Vec<PaintingBatch> = loader
        .iter(set.clone(), 0..10, &device)
        .map(|b| b.unwrap())
        .collect();
    assert_eq!(batches.len(), 3, "12 images in batches of 5: 5, 5, 2");
    for (b, batch) in batches.iter().enumerate() {
        let items: Vec<PaintingItem> = (b * 5..(b * 5 + 5).min(12))
            .map(|i| set.get(i).unwrap())
            .collect();
        let expected = PaintingBatcher::new().batch(items, &device);
        assert_eq!(batch.images.dims(), expected.images.dims());
        assert_eq!(batch.images.to_data(), expected.images.to_data());
        assert_eq!(
            batch.labels.as_ref().unwrap().to_data(),
            expected.labels.unwrap().to_data()
        );
    }
    let tail: Vec<_> = loader.iter(set.clone(), 1..2, &device).collect();
    assert_eq!(tail.len(), 1);
    // Dropping an iterator early stops its worker (no hang, no panic).
    let mut early = loader.iter(set, 0..3, &device);
    assert!(early.next().is_some());
    drop(early);
}

#[test]
fn cache_serves_what_decoding_serves() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("art");
    labelled_folder(&root);
    let plain = open(&root, 8);
    let cached = ArtDatasetConfig::new(root)
        .with_image_size(8)
        .with_cache(true)
        .init()
        .unwrap();
    assert_eq!(plain.len(), cached.len());
    for i in 0..plain.len() {
        assert_eq!(plain.load(i).unwrap(), cached.load(i).unwrap());
    }
    let _: PathBuf = cached.paths()[0].clone();
}

#[test]
fn same_size_files_are_duplicates_only_when_every_byte_agrees() {
    // Uncompressed BMPs of one size: every file has the same length, and a pixel byte can be
    // changed anywhere without breaking the file.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("art");
    let noise = RgbImage::from_fn(64, 64, |x, y| {
        Rgb([(x * 37 + y * 11) as u8, (x * y) as u8, (x ^ y) as u8])
    });
    let original = encode(&DynamicImage::ImageRgb8(noise), image::ImageFormat::Bmp);
    assert!(original.len() > 3 * 4096);
    let changed_at = |at: usize| {
        let mut bytes = original.clone();
        bytes[at] ^= 0xFF;
        bytes
    };
    write(&root.join("a.bmp"), &original);
    write(&root.join("b_copy.bmp"), &original);
    write(
        &root.join("c_late_change.bmp"),
        &changed_at(original.len() - 10),
    );
    write(&root.join("d_early_change.bmp"), &changed_at(100));
    write(
        &root.join("e_copy_of_c.bmp"),
        &changed_at(original.len() - 10),
    );
    let set = open(&root, 8);
    assert_eq!(set.len(), 3, "a, c and d are distinct; b and e are copies");
    assert_eq!(set.report().skipped[&SkipReason::Duplicate], 2);
    for name in ["a.bmp", "c_late_change.bmp", "d_early_change.bmp"] {
        index_of(&set, name);
    }
}

#[test]
fn descriptions_name_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("art");
    labelled_folder(&root);
    let describe =
        |config: ArtDatasetConfig| DataSource::Files(config).open(8).unwrap().description;
    let all = describe(ArtDatasetConfig::new(root.clone()));
    let two = describe(ArtDatasetConfig::new(root.clone()).with_classes(vec!["Cubism".into()]));
    let capped = describe(ArtDatasetConfig::new(root.clone()).with_max_per_class(Some(2)));
    let cropped = describe(ArtDatasetConfig::new(root.clone()).with_crop(CropMode::Random));
    assert!(two.contains("styles Cubism"), "{two}");
    assert!(capped.contains("at most 2 per style"), "{capped}");
    assert!(cropped.contains("random crops"), "{cropped}");
    let all_four = [&all, &two, &capped, &cropped];
    for (i, a) in all_four.iter().enumerate() {
        for b in &all_four[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn a_jpeg_cut_at_a_third_is_skipped_as_truncated_at_open_and_with_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A photo-like JPEG, so that a third of it ends inside the scan data.
    let noisy = RgbImage::from_fn(96, 96, |x, y| {
        Rgb([(x * 7 + y * 3) as u8, (y * 13 + x) as u8, (x * y) as u8])
    });
    let whole = jpeg(&noisy);
    write(&root.join("ok/whole.jpg"), &whole);
    write(&root.join("ok/cut.jpg"), &whole[..whole.len() / 3]);
    // The decoder alone would fill the missing two thirds and report nothing.
    assert!(image::load_from_memory(&whole[..whole.len() / 3]).is_ok());

    for cache in [false, true] {
        let config = ArtDatasetConfig::new(root.into()).with_image_size(16);
        let report = config.with_cache(cache).init().unwrap().report();
        assert_eq!(report.loaded, 1, "cache {cache}: {report}");
        assert_eq!(
            report.skipped[&SkipReason::Truncated],
            1,
            "cache {cache}: {report}"
        );
        let bad = &report.bad_files[0];
        assert!(
            bad.path.ends_with("cut.jpg") && bad.message.contains("end-of-image"),
            "{bad:?}"
        );
    }
}
