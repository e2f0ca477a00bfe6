//! Loading throughput: decode, resize and batch every image of a folder once, through the
//! parallel prefetching loader, in images per second. Compared with torchvision by
//! `scripts/bench/compare_loading.sh`.
//!
//! ```sh
//! cargo bench -p gan-data --bench loading -- --data ../shared/data/peopleart --size 64 --json
//! ```

use burn::prelude::Device;
use gan_data::{ArtDatasetConfig, Dataset, PaintingItem, PrefetchLoader};
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let mut data = None;
    let mut sizes = vec![64usize, 128];
    let mut batch_size = 64;
    let mut threads = 2;
    let mut json = false;
    let mut epochs = 2;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data" => data = args.next(),
            "--size" => sizes = vec![args.next().and_then(|s| s.parse().ok()).unwrap_or(64)],
            "--batch-size" => batch_size = args.next().and_then(|s| s.parse().ok()).unwrap_or(64),
            "--threads" => threads = args.next().and_then(|s| s.parse().ok()).unwrap_or(2),
            "--epochs" => epochs = args.next().and_then(|s| s.parse().ok()).unwrap_or(2),
            "--json" => json = true,
            _ => {} // cargo bench passes --bench
        }
    }
    let Some(data) = data.or_else(|| {
        let shared =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/peopleart");
        shared.is_dir().then(|| shared.display().to_string())
    }) else {
        eprintln!(
            "no --data folder given and ../shared/data/peopleart not found; nothing to measure"
        );
        return;
    };
    let device = Device::default();
    if std::env::var_os("GAN_BENCH_STAGES").is_some() {
        stages(&data, &sizes);
        return;
    }
    for size in sizes {
        let read_before = bytes_read();
        let started = Instant::now();
        let set = ArtDatasetConfig::new(data.clone().into())
            .with_image_size(size)
            .init()
            .expect("the data set opens");
        let open_s = started.elapsed().as_secs_f64();
        let open_mb = match (read_before, bytes_read()) {
            (Some(before), Some(after)) => (after - before) as f64 / 1e6,
            _ => f64::NAN,
        };
        let len = set.len();
        let set: Arc<dyn Dataset<PaintingItem>> = Arc::new(set);
        let loader = PrefetchLoader::new(batch_size, threads, 2);
        let batches = len.div_ceil(batch_size);
        let mut best = f64::MAX;
        for _ in 0..epochs {
            let started = Instant::now();
            let mut images = 0;
            for batch in loader.iter(set.clone(), 0..batches, &device) {
                images += batch.expect("a batch").images.dims()[0];
            }
            assert_eq!(images, len);
            best = best.min(started.elapsed().as_secs_f64());
        }
        // With the in-memory cache: decoding happens once, at open.
        let started = Instant::now();
        let cached: Arc<dyn Dataset<PaintingItem>> = Arc::new(
            ArtDatasetConfig::new(data.clone().into())
                .with_image_size(size)
                .with_cache(true)
                .init()
                .expect("the data set opens"),
        );
        let cache_fill_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        for batch in loader.iter(cached, 0..batches, &device) {
            batch.expect("a batch");
        }
        let cached_s = started.elapsed().as_secs_f64();
        let rate = len as f64 / best;
        if json {
            println!(
                "{{\"impl\": \"gan-data\", \"size\": {size}, \"images\": {len}, \"threads\": {threads}, \
                 \"batch_size\": {batch_size}, \"open_s\": {open_s:.3}, \"open_mb_read\": {open_mb:.1}, \"images_per_s\": {rate:.1}, \
                 \"cache_fill_s\": {cache_fill_s:.3}, \"cached_images_per_s\": {:.1}}}",
                len as f64 / cached_s
            );
        } else {
            println!(
                "{size}x{size}: {len} images, open (scan + header check) {open_s:.2} s reading {open_mb:.1} MB, \
                 decode+resize+batch {rate:.0} img/s on {threads} threads; cached: fill \
                 {cache_fill_s:.2} s, then {:.0} img/s",
                len as f64 / cached_s
            );
        }
    }
}

/// Bytes this process has read through system calls so far (`rchar` of `/proc/self/io`,
/// Linux only), page cache included: what opening a data set costs in I/O.
fn bytes_read() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    io.lines()
        .find_map(|line| line.strip_prefix("rchar: "))
        .and_then(|v| v.trim().parse().ok())
}

/// One thread, the first 400 images: seconds per image spent reading, decoding and resizing.
fn stages(data: &str, sizes: &[usize]) {
    let set = ArtDatasetConfig::new(data.into())
        .init()
        .expect("the data set opens");
    let paths: Vec<_> = set.paths().into_iter().take(400).collect();
    let t = Instant::now();
    let bytes: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let read = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let images: Vec<_> = bytes
        .iter()
        .map(|b| gan_data::decode_rgb(b, u64::MAX).unwrap())
        .collect();
    let decode = t.elapsed().as_secs_f64();
    for &size in sizes {
        let t = Instant::now();
        for image in &images {
            std::hint::black_box(gan_data::center_crop_resize(image, size as u32));
        }
        let resize = t.elapsed().as_secs_f64();
        println!(
            "{size}: per image read {:.0} us, decode {:.0} us, resize {:.0} us",
            read / 400.0 * 1e6,
            decode / 400.0 * 1e6,
            resize / 400.0 * 1e6
        );
    }
}
