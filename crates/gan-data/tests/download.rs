//! The download helper over real HTTP: a local server (std sockets, HTTP/1.1 with `Range`)
//! serves archives this test makes; downloads resume after a dropped connection, a wrong
//! SHA-256 is refused, and `.zip` and `.tar.gz` archives are extracted and load.
#![cfg(feature = "download")]

use gan_data::download::{RemoteArchive, download, fetch_and_extract, file_sha256};
use gan_data::{ArtDatasetConfig, Dataset};
use image::{Rgb, RgbImage};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// What the server saw: each request's path and `Range` header.
type Log = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// Serves `body` at any path. The first `cut_first` responses stop after half the body (the
/// connection drops), as a flaky network does.
fn serve(body: Vec<u8>, cut_first: usize) -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let seen = log.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            let mut range = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("range")
                {
                    range = Some(value.trim().to_string());
                }
            }
            seen.lock().unwrap().push((path, range.clone()));
            let start = range
                .as_deref()
                .and_then(|r| r.strip_prefix("bytes="))
                .and_then(|r| r.strip_suffix('-'))
                .and_then(|r| r.parse::<usize>().ok())
                .unwrap_or(0);
            let (status, part) = if start == 0 {
                ("200 OK", &body[..])
            } else if start < body.len() {
                ("206 Partial Content", &body[start..])
            } else {
                let _ = write!(
                    stream,
                    "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                continue;
            };
            let mut head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n",
                part.len()
            );
            if start > 0 {
                head += &format!(
                    "Content-Range: bytes {start}-{}/{}\r\n",
                    body.len() - 1,
                    body.len()
                );
            }
            head += "\r\n";
            let _ = stream.write_all(head.as_bytes());
            let send = if n < cut_first {
                &part[..part.len() / 2]
            } else {
                part
            };
            let _ = stream.write_all(send);
            let _ = stream.flush();
        }
    });
    (address, log)
}

fn png(colour: [u8; 3]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    RgbImage::from_fn(24, 24, |x, y| {
        Rgb([colour[0], colour[1] ^ (x as u8), colour[2] ^ (y as u8)])
    })
    .write_to(&mut out, image::ImageFormat::Png)
    .unwrap();
    out.into_inner()
}

/// A `.tar.gz` of `styles/<style>/<i>.png`, big enough to be cut in half meaningfully.
fn tar_gz() -> Vec<u8> {
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (s, style) in ["Impressionism", "Realism"].iter().enumerate() {
        for i in 0..5u8 {
            let bytes = png([s as u8 * 100, i * 40, 7]);
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, format!("styles/{style}/{i}.png"), &bytes[..])
                .unwrap();
        }
    }
    tar.into_inner().unwrap().finish().unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_dropped_download_resumes_with_a_range_request_then_extracts() {
    let body = tar_gz();
    let (address, log) = serve(body.clone(), 1);
    let dir = tempfile::tempdir().unwrap();
    let archive = RemoteArchive::new(format!("{address}/files/art.tar.gz"), sha256(&body));

    let err = fetch_and_extract(&archive, dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("art.tar.gz") && err.contains("resume"),
        "{err}"
    );
    let part = dir.path().join("art.tar.gz.part");
    let have = std::fs::metadata(&part).unwrap().len() as usize;
    assert_eq!(have, body.len() / 2, "the first half is kept");
    assert!(
        !dir.path().join("art").exists(),
        "nothing extracted from half an archive"
    );

    let extracted = fetch_and_extract(&archive, dir.path()).unwrap();
    assert_eq!(extracted, dir.path().join("art"));
    let requests = log.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0], ("/files/art.tar.gz".into(), None));
    assert_eq!(
        requests[1].1.as_deref(),
        Some(format!("bytes={have}-").as_str())
    );
    assert_eq!(
        file_sha256(dir.path().join("art.tar.gz")).unwrap(),
        sha256(&body)
    );
    assert!(!part.exists());

    let set = ArtDatasetConfig::new(extracted.join("styles"))
        .with_image_size(16)
        .init()
        .unwrap();
    assert_eq!(set.len(), 10);
    assert_eq!(set.class_names(), ["Impressionism", "Realism"]);
    assert!(set.get(9).is_ok());

    // A finished folder is not fetched again.
    fetch_and_extract(&archive, dir.path()).unwrap();
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[test]
fn a_wrong_checksum_is_refused_and_nothing_is_kept() {
    let mut zip_bytes = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut zip_bytes);
        zip.start_file(
            "set/Baroque/a.png",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&png([1, 2, 3])).unwrap();
        zip.finish().unwrap();
    }
    let body = zip_bytes.into_inner();
    let (address, _) = serve(body.clone(), 0);
    let dir = tempfile::tempdir().unwrap();
    let wrong = RemoteArchive::new(format!("{address}/set.zip"), "0".repeat(64));
    let err = fetch_and_extract(&wrong, dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&sha256(&body)) && err.contains("removed"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file left behind"
    );

    let err = fetch_and_extract(
        &RemoteArchive::new(format!("{address}/set.zip"), "abc"),
        dir.path(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("\"abc\"") && err.contains("SHA-256"), "{err}");

    let right = RemoteArchive::new(format!("{address}/set.zip"), sha256(&body));
    let extracted = fetch_and_extract(&right, dir.path()).unwrap();
    let set = ArtDatasetConfig::new(extracted.join("set")).init().unwrap();
    assert_eq!(set.class_names(), ["Baroque"]);

    let err = fetch_and_extract(
        &RemoteArchive::new("http://127.0.0.1:9/none.zip", sha256(b"")),
        dir.path(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("http://127.0.0.1:9/none.zip"), "{err}");
}

#[test]
fn a_complete_part_file_is_kept_and_a_bad_one_downloaded_again() {
    let body = png([9, 8, 7]);
    let (address, log) = serve(body.clone(), 0);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{address}/a.png");
    let path = dir.path().join("a.png");
    let part = dir.path().join("a.png.part");
    // A run that stopped after writing the whole part file but before renaming it.
    std::fs::write(&part, &body).unwrap();
    download(&url, &path, &sha256(&body)).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), body);
    assert!(!part.exists());
    assert_eq!(log.lock().unwrap().len(), 1, "one request, answered 416");

    // A part file as long as the resource but wrong: removed and fetched whole.
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&part, vec![0u8; body.len()]).unwrap();
    download(&url, &path, &sha256(&body)).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), body);
    let requests = log.lock().unwrap().clone();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_eq!(
        requests[2].1, None,
        "the second try asks for the whole file"
    );
}
