//! The CI check over the real painting sets in `../shared/data` (beside the repository; never
//! copied into it): PeopleArt and the Chinese paintings, each against its `labels.csv`, and the
//! raw originals (non-square, Chinese file names) against their folders. Every image must
//! decode, and the counts per label and split must be the CSV's.
//!
//! Where the folder is missing the check says so and passes, except under CI (`CI` set),
//! where a missing folder is a failure.

use gan_data::{ArtDatasetConfig, Dataset, SplitConfig};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn shared_data() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if root.is_dir() {
        return Some(root);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must have ../shared/data beside the repository ({} is missing)",
        root.display()
    );
    eprintln!(
        "{} not found: the shared-data check is skipped",
        root.display()
    );
    None
}

/// `column` value -> rows, read straight from the CSV.
fn csv_counts(csv: &Path, column: &str) -> BTreeMap<String, usize> {
    let mut reader = csv::Reader::from_path(csv).unwrap();
    let index = reader
        .headers()
        .unwrap()
        .iter()
        .position(|c| c == column)
        .unwrap();
    let mut counts = BTreeMap::new();
    for record in reader.records() {
        *counts
            .entry(record.unwrap()[index].to_string())
            .or_default() += 1;
    }
    counts
}

fn check_labelled_set(folder: &Path, label_column: &str) {
    let csv = folder.join("labels.csv");
    let expected = csv_counts(&csv, label_column);
    let rows: usize = expected.values().sum();
    let set = ArtDatasetConfig::new(folder.to_path_buf())
        .with_csv(Some(csv.clone()))
        .with_label_column(Some(label_column.into()))
        .with_image_size(32)
        .with_cache(true) // decodes every image at open
        .init()
        .unwrap();
    let report = set.report();
    println!("{}: {report}", folder.display());
    assert!(report.bad_files.is_empty(), "{:?}", report.bad_files);
    assert_eq!(report.loaded, rows, "every CSV row loads");
    assert_eq!(report.csv_rows_without_file, 0);
    let counts: BTreeMap<String, usize> = report.class_counts.into_iter().collect();
    assert_eq!(counts, expected);
    // The CSV's split column selects the same number of images.
    let splits = csv_counts(&csv, "split");
    for (split, n) in splits.iter().filter(|(s, _)| !s.is_empty()) {
        let part = ArtDatasetConfig::new(folder.to_path_buf())
            .with_csv(Some(csv.clone()))
            .with_label_column(Some(label_column.into()))
            .with_split(SplitConfig::Column {
                column: "split".into(),
                values: vec![split.clone()],
            })
            .init()
            .unwrap();
        assert_eq!(part.len(), *n, "split {split}");
    }
}

#[test]
fn peopleart_matches_its_labels_csv() {
    if let Some(root) = shared_data() {
        check_labelled_set(&root.join("peopleart"), "style");
    }
}

#[test]
fn chinese_paintings_match_their_labels_csv() {
    if let Some(root) = shared_data() {
        check_labelled_set(&root.join("chinese_painting"), "genre");
    }
}

#[test]
fn raw_originals_with_chinese_names_all_load() {
    let Some(root) = shared_data() else { return };
    for set_name in ["peopleart", "chinese"] {
        let folder = root.join("raw_sample").join(set_name);
        let mut expected = BTreeMap::new();
        let mut non_ascii = 0;
        for class in std::fs::read_dir(&folder).unwrap() {
            let class = class.unwrap();
            let name = class.file_name().to_string_lossy().into_owned();
            for file in std::fs::read_dir(class.path()).unwrap() {
                let file = file.unwrap().file_name().to_string_lossy().into_owned();
                non_ascii += usize::from(!file.is_ascii());
                *expected.entry(name.clone()).or_insert(0usize) += 1;
            }
        }
        let set = ArtDatasetConfig::new(folder.clone())
            .with_image_size(64)
            .with_cache(true)
            .init()
            .unwrap();
        let report = set.report();
        println!(
            "{}: {report} ({non_ascii} non-ASCII names)",
            folder.display()
        );
        assert!(report.bad_files.is_empty(), "{:?}", report.bad_files);
        let duplicates = report.skipped.values().sum::<usize>();
        let counts: BTreeMap<String, usize> = report.class_counts.into_iter().collect();
        assert_eq!(
            counts.values().sum::<usize>() + duplicates,
            expected.values().sum::<usize>(),
            "every file is loaded or a counted duplicate"
        );
        if duplicates == 0 {
            assert_eq!(counts, expected);
        }
    }
}

/// Every image file under `dir`, recursively.
fn image_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            image_files(&path, out);
        } else if path.extension().is_some_and(|e| {
            gan_data::IMAGE_EXTENSIONS
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        }) {
            out.push(path);
        }
    }
}

#[test]
fn header_probe_gives_the_decoders_size_for_every_real_image() {
    let Some(root) = shared_data() else { return };
    let mut files = Vec::new();
    image_files(&root, &mut files);
    assert!(files.len() > 7_000, "{} images found", files.len());
    for path in &files {
        let from_header = gan_data::probe_file(path, u64::MAX);
        let bytes = std::fs::read(path).unwrap();
        let from_decoder = gan_data::probe(&bytes, u64::MAX);
        assert_eq!(from_header, from_decoder, "{}", path.display());
        assert!(from_header.is_ok(), "{}", path.display());
    }
}
