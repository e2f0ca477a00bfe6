//! Router-level tests of the studio (no browser, no socket): what it refuses (path traversal in
//! every encoding, symlink escapes, oversize uploads, foreign hosts, cross-site writes), the
//! JSON it answers, and that it gives `gan generate`'s bytes and `gan score`'s numbers.

use super::state::{Studio, StudioOptions};
use super::{MAX_UPLOAD, router};
use crate::cli::{Cli, Command};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

/// One tiny trained run shared by the tests: `runs/tiny` (DCGAN 32x32, 8 feature maps, 2 steps)
/// and a data folder with two styles of two images.
struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let device = gan::core::device::parse_device("cpu").unwrap();
        let mut experiment = gan::train::Experiment::dcgan(32)
            .with_feature_maps(8)
            .with_steps(Some(2))
            .with_run_dir(root.join("runs/tiny"));
        experiment.training.batch_size = 8;
        experiment.training.checkpoint_every = 1;
        experiment.training.sample_every = 1;
        experiment.training.quiet = true;
        experiment.train(&device).unwrap();
        for (style, shade) in [("blue", [20u8, 40, 200]), ("red", [200, 30, 20])] {
            let folder = root.join("data").join(style);
            std::fs::create_dir_all(&folder).unwrap();
            for i in 0..2u32 {
                image::RgbImage::from_fn(48, 40, |x, y| {
                    image::Rgb([
                        shade[0],
                        shade[1].wrapping_add((x * 3 + y + i) as u8),
                        shade[2],
                    ])
                })
                .save(folder.join(format!("{style}-{i}.png")))
                .unwrap();
            }
        }
        // Something outside every root the studio serves.
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::fs::write(root.join("outside/secret.png"), b"secret").unwrap();
        std::fs::write(root.join("outside/learning_curve.png"), b"secret").unwrap();
        Fixture { _dir: dir, root }
    })
}

fn studio() -> (Router, Arc<Studio>) {
    let fixture = fixture();
    let out = tempfile::tempdir().unwrap().keep();
    let studio = Arc::new(
        Studio::open(StudioOptions {
            runs: fixture.root.join("runs"),
            data: vec![fixture.root.join("data")],
            out,
            host: "127.0.0.1".into(),
            port: 0,
            device: "cpu".into(),
            program: PathBuf::from("gan"),
        })
        .unwrap(),
    );
    (router(studio.clone()), studio)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header("host", "127.0.0.1:7860")
        .body(Body::empty())
        .unwrap()
}

fn post_json(uri: &str, body: Value) -> Request<Body> {
    Request::post(uri)
        .header("host", "127.0.0.1:7860")
        .header("x-gan-studio", "1")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, bytes.to_vec())
}

async fn json_of(app: &Router, request: Request<Body>) -> Value {
    let (status, body) = send(app, request).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

/// Reads a server-sent-event stream until an event named `last`; returns its data.
async fn event_data(app: &Router, uri: &str, last: &str) -> Value {
    let response = app.clone().oneshot(get(uri)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let mut text = String::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::time::Instant::now() < deadline {
        let Some(frame) = body.frame().await else {
            break;
        };
        if let Ok(data) = frame.unwrap().into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
        let marker = format!("event: {last}\ndata: ");
        if let Some(at) = text.find(&marker) {
            let rest = &text[at + marker.len()..];
            if let Some(end) = rest.find('\n') {
                return serde_json::from_str(&rest[..end]).unwrap();
            }
        }
        if text.contains("event: failed") {
            panic!("the job failed: {text}");
        }
    }
    panic!("no `{last}` event in: {text}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traversal_in_every_encoding_serves_nothing() {
    let (app, _) = studio();
    // The real files are served...
    let (status, _) = send(&app, get("/api/runs/tiny/files/learning_curve.png")).await;
    assert_eq!(status, StatusCode::OK);
    // ...and nothing around them.
    for uri in [
        "/api/runs/..%2Foutside/files/learning_curve.png",
        "/api/runs/%2e%2e/files/learning_curve.png",
        "/api/runs/%2E%2E%2Foutside/files/learning_curve.png",
        "/api/runs/%252e%252e%252foutside/files/learning_curve.png",
        "/api/runs/..%5Coutside/files/learning_curve.png",
        "/api/runs/tiny/samples/..%2F..%2F..%2Foutside%2Fsecret.png",
        "/api/runs/tiny/samples/step-00000002.png%00.png",
        "/api/runs/tiny/files/config.json",
        "/api/runs/tiny/files/checkpoints",
        "/api/runs/tiny/files/..%2Fcheckpoints%2Fstep-00000002%2Fgenerator.bpk",
        "/api/runs/.hidden/files/learning_curve.png",
        "/api/runs/%2Ftmp/files/learning_curve.png",
        "/api/outputs/..%2F..%2Foutside/image-000.png",
        "/api/outputs/x/..%2F..%2Fsecret.png",
        "/api/outputs/x/settings.json%2F..",
        "/api/data/0/preview/999999",
        "/api/data/7/images",
        "/../outside/secret.png",
        "/%2e%2e/outside/secret.png",
    ] {
        let (status, body) = send(&app, get(uri)).await;
        assert_ne!(status, StatusCode::OK, "{uri} was served");
        assert!(
            !body.windows(6).any(|w| w == b"secret"),
            "{uri} leaked a file"
        );
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symlinks_out_of_a_root_are_not_followed() {
    let fixture = fixture();
    let runs = fixture.root.join("runs");
    // A "run" that is a link to a folder outside, and a sample grid that links outside.
    let escape = runs.join("escape");
    if !escape.exists() {
        std::os::unix::fs::symlink(fixture.root.join("outside"), &escape).unwrap();
    }
    let samples = runs.join("tiny/samples");
    let link = samples.join("step-99999999.png");
    if !link.exists() {
        std::os::unix::fs::symlink(fixture.root.join("outside/secret.png"), &link).unwrap();
    }
    let (app, _) = studio();
    for uri in [
        "/api/runs/escape/files/learning_curve.png",
        "/api/runs/tiny/samples/step-99999999.png",
    ] {
        let (status, body) = send(&app, get(uri)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            !body.windows(6).any(|w| w == b"secret"),
            "{uri} leaked a file"
        );
    }
    std::fs::remove_file(link).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_hosts_and_cross_site_writes_are_refused() {
    let (app, _) = studio();
    for host in [
        "evil.example.com",
        "evil.example.com:7860",
        "127.0.0.1.evil.example:7860",
        "localhost:x",
    ] {
        let request = Request::get("/api/runs")
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        let (status, _) = send(&app, request).await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "Host: {host}");
    }
    for host in [
        "localhost:7860",
        "127.0.0.1",
        "[::1]:7860",
        "192.168.1.20:7860",
    ] {
        let request = Request::get("/api/runs")
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, request).await.0, StatusCode::OK, "Host: {host}");
    }
    let body = json!({ "run": "tiny", "seed": 1, "count": 1 }).to_string();
    let without_header = Request::post("/api/generate")
        .header("host", "127.0.0.1:7860")
        .header("content-type", "application/json")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(send(&app, without_header).await.0, StatusCode::FORBIDDEN);
    let other_origin = Request::post("/api/generate")
        .header("host", "127.0.0.1:7860")
        .header("x-gan-studio", "1")
        .header("origin", "http://evil.example.com")
        .header("content-type", "application/json")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(send(&app, other_origin).await.0, StatusCode::FORBIDDEN);
    let cross_site = Request::post("/api/train/tiny/stop")
        .header("host", "127.0.0.1:7860")
        .header("x-gan-studio", "1")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, cross_site).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_uploads_are_refused_with_413() {
    let (app, _) = studio();
    let request = Request::post("/api/judge?run=tiny")
        .header("host", "127.0.0.1:7860")
        .header("x-gan-studio", "1")
        .header("content-type", "application/octet-stream")
        .body(Body::from(vec![0u8; MAX_UPLOAD + 1]))
        .unwrap();
    assert_eq!(send(&app, request).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    // A large upload under the limit (far above the JSON requests' limit) is judged.
    let noise = image::RgbImage::from_fn(700, 600, |x, y| {
        let v = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 7;
        image::Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
    });
    let mut png = Vec::new();
    noise
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert!(png.len() > 4 * super::MAX_JSON, "{} bytes", png.len());
    let request = Request::post("/api/judge?run=tiny&name=noise.png")
        .header("host", "127.0.0.1:7860")
        .header("x-gan-studio", "1")
        .body(Body::from(png))
        .unwrap();
    assert_eq!(send(&app, request).await.0, StatusCode::OK);
    let big_json = post_json(
        "/api/generate",
        json!({ "run": "x".repeat(100_000), "count": 1 }),
    );
    assert_eq!(send(&app, big_json).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    // A decompression bomb: a PNG header claiming 100000 x 100000 pixels.
    let mut chunk = b"IHDR".to_vec();
    chunk.extend(100_000u32.to_be_bytes());
    chunk.extend(100_000u32.to_be_bytes());
    chunk.extend([8, 2, 0, 0, 0]);
    let mut header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d".to_vec();
    header.extend(&chunk);
    header.extend(crc32(&chunk).to_be_bytes());
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01";
    header.extend(8u32.to_be_bytes());
    header.extend(idat);
    header.extend(crc32(idat).to_be_bytes());
    header.extend(b"\x00\x00\x00\x00IEND");
    header.extend(crc32(b"IEND").to_be_bytes());
    let request = Request::post("/api/judge?run=tiny&name=bomb.png")
        .header("host", "127.0.0.1:7860")
        .header("x-gan-studio", "1")
        .body(Body::from(header))
        .unwrap();
    let (status, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = String::from_utf8_lossy(&body);
    assert!(
        message.contains("bomb.png") && message.contains("pixels"),
        "{message}"
    );
}

/// PNG's CRC-32 (ISO 3309), for hand-made chunks.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_data_and_history_answer_in_their_shapes() {
    let (app, _) = studio();
    let runs = json_of(&app, get("/api/runs")).await;
    let run = &runs["runs"][0];
    assert_eq!(run["name"], "tiny");
    assert_eq!(
        (
            run["architecture"].as_str(),
            run["image_size"].as_u64(),
            run["steps"].as_u64()
        ),
        (Some("dcgan"), Some(32), Some(2))
    );
    assert_eq!(
        run["latest_grid"],
        "/api/runs/tiny/samples/step-00000002.png"
    );
    assert_eq!(run["training"], false);
    let samples = json_of(&app, get("/api/runs/tiny/samples")).await;
    assert_eq!(samples["steps"].as_array().unwrap().last().unwrap(), 2);
    let metrics = json_of(&app, get("/api/runs/tiny/metrics")).await;
    assert_eq!(metrics["columns"][0], "step");
    assert_eq!(metrics["rows"].as_array().unwrap().len(), 2);
    let data = json_of(&app, get("/api/data")).await;
    assert_eq!(data["sets"][0]["count"], 4);
    assert_eq!(
        data["sets"][0]["styles"][1],
        json!({ "name": "red", "count": 2 })
    );
    let page = json_of(&app, get("/api/data/0/images?style=red&limit=1")).await;
    assert_eq!(
        (
            page["total"].as_u64(),
            page["images"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );
    let index = page["images"][0]["index"].as_u64().unwrap();
    let preview = json_of(&app, get(&format!("/api/data/0/preview/{index}"))).await;
    assert_eq!(preview["original_size"], json!([48, 40]));
    for key in ["original", "crop", "flip", "model"] {
        assert!(
            preview[key]
                .as_str()
                .unwrap()
                .starts_with("data:image/png;base64,"),
            "{key}"
        );
    }
    assert_eq!(
        run["checkpoints"],
        json!(["step-00000002", "step-00000001"])
    );
    let old = send(
        &app,
        get("/api/walk/frame?run=tiny&checkpoint=step-00000001&from=1&to=2&t=0.5"),
    )
    .await;
    let new = send(
        &app,
        get("/api/walk/frame?run=tiny&checkpoint=step-00000002&from=1&to=2&t=0.5"),
    )
    .await;
    assert_eq!((old.0, new.0), (StatusCode::OK, StatusCode::OK));
    assert_ne!(old.1, new.1, "two checkpoints draw two images");
    for bad in ["..", "..%2F..%2Foutside", "step-00000003", "generator.bpk"] {
        let (status, _) = send(
            &app,
            get(&format!(
                "/api/walk/frame?run=tiny&checkpoint={bad}&from=1&to=2&t=0.5"
            )),
        )
        .await;
        assert_ne!(status, StatusCode::OK, "checkpoint {bad}");
    }
    let frame = send(&app, get("/api/walk/frame?run=tiny&from=1&to=2&t=0.5")).await;
    assert_eq!(frame.0, StatusCode::OK);
    assert_eq!(image::load_from_memory(&frame.1).unwrap().width(), 32);
    let gif = send(&app, get("/api/walk/gif?run=tiny&from=1&to=2&frames=4")).await;
    assert!(gif.1.starts_with(b"GIF89a"));
    let (status, _) = send(&app, get("/api/walk/frame?run=tiny&from=1&to=2&t=1.5")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send(
        &app,
        post_json("/api/generate", json!({ "run": "tiny", "count": 0 })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send(
        &app,
        post_json(
            "/api/train",
            json!({ "name": "../x", "architecture": "dcgan", "size": 32, "steps": 1 }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

fn cli(args: &[&str]) -> Command {
    <Cli as clap::Parser>::try_parse_from(args).unwrap().command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generation_gives_gan_generates_bytes_and_gan_scores_numbers() {
    let (app, studio) = studio();
    let started = json_of(
        &app,
        post_json(
            "/api/generate",
            json!({ "run": "tiny", "seed": null, "count": 3 }),
        ),
    )
    .await;
    let seed = started["seed"].as_u64().unwrap();
    assert!(
        seed < 1 << 32,
        "a drawn seed is shown and small enough to type"
    );
    let result = event_data(
        &app,
        &format!("/api/jobs/{}/events", started["job"]),
        "done",
    )
    .await;
    assert_eq!(result["seed"], seed);
    let images = result["images"].as_array().unwrap();
    assert_eq!(images.len(), 3);
    assert_eq!(images[2]["index"], 2);
    let folder = result["folder"].as_str().unwrap();
    let history = json_of(&app, get("/api/history")).await;
    assert_eq!(history["history"][0]["settings"]["seed"], seed);
    assert_eq!(history["history"][0]["folder"], folder);

    // `gan generate` with the same model (as the studio names it) and seed.
    let run = studio.runs.join("tiny");
    let out = tempfile::tempdir().unwrap();
    let generated = out.path().join("gen");
    let seed_text = seed.to_string();
    let Command::Generate(args) = cli(&[
        "gan",
        "generate",
        run.to_str().unwrap(),
        "--seed",
        &seed_text,
        "--count",
        "3",
        "--out",
        generated.to_str().unwrap(),
        "--quiet",
    ]) else {
        unreachable!()
    };
    args.run().unwrap();
    for (i, image) in images.iter().enumerate() {
        let (status, bytes) = send(&app, get(image["url"].as_str().unwrap())).await;
        assert_eq!(status, StatusCode::OK);
        let theirs = std::fs::read(generated.join(format!("image-{i:03}.png"))).unwrap();
        assert!(bytes == theirs, "image {i} differs from gan generate's");
    }
    let (status, grid) = send(&app, get(result["grid"].as_str().unwrap())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(image::load_from_memory(&grid).is_ok());

    // The judge on one of those files gives `gan score`'s number.
    let file = generated.join("image-001.png");
    let Command::Score(args) = cli(&[
        "gan",
        "score",
        run.to_str().unwrap(),
        file.to_str().unwrap(),
        "--json",
    ]) else {
        unreachable!()
    };
    let scores = args.run().unwrap();
    let request = Request::post("/api/judge?run=tiny&name=image-001.png")
        .header("host", "127.0.0.1:7860")
        .header("x-gan-studio", "1")
        .header("content-type", "application/octet-stream")
        .body(Body::from(std::fs::read(&file).unwrap()))
        .unwrap();
    let verdict = json_of(&app, request).await;
    assert_eq!(
        verdict["p_real"].as_f64().map(|p| p as f32),
        scores[0].real_probability
    );
    assert_eq!(
        verdict["score"].as_f64().unwrap() as f32,
        scores[0].raw_score
    );
    assert_eq!(
        images[1]["p_real"].as_f64().map(|p| p as f32),
        scores[0].real_probability,
        "the verdict shown under the image"
    );
    assert!(
        verdict["crop"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
    let garbage = Request::post("/api/judge?run=tiny&name=notes.txt")
        .header("host", "127.0.0.1:7860")
        .header("x-gan-studio", "1")
        .body(Body::from("not an image"))
        .unwrap();
    let (status, body) = send(&app, garbage).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(String::from_utf8_lossy(&body).contains("notes.txt"));
}

#[test]
fn only_plain_names_are_safe() {
    use super::security::{allowed_host, safe_name};
    for good in ["tiny", "dcgan64", "run-2.b_c"] {
        assert!(safe_name(good), "{good}");
    }
    for bad in [
        "",
        ".",
        "..",
        ".hidden",
        "a/b",
        "a\\b",
        "a\0b",
        "é",
        &"x".repeat(129),
    ] {
        assert!(!safe_name(bad), "{bad:?}");
    }
    assert!(allowed_host("LOCALHOST:1"));
    assert!(!allowed_host("[::1"));
    assert!(!allowed_host("example.com"));
}
