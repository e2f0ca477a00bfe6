//! What the studio refuses: requests for another host name (DNS rebinding), cross-site writes,
//! and any file it did not make or that does not belong to a known run.
//!
//! - **Host**: only `localhost` and IP literals (`127.0.0.1`, `[::1]`, or the machine's address
//!   when bound to one). A rebinding attack reaches the server under the attacker's domain name,
//!   which is refused with 421.
//! - **Cross-site writes**: every request that is not GET or HEAD must carry
//!   `X-Gan-Studio: 1` (a custom header: a cross-site page cannot send it without a CORS
//!   preflight, which the studio never answers), and an `Origin` or `Sec-Fetch-Site` header, when
//!   present, must be this origin. Refused with 403.
//! - **Files**: names are matched by pattern ([`safe_name`], [`resolve_inside`]): one path segment
//!   of letters, digits, `.`, `_` and `-`, not starting with a dot; the resolved path (symlinks
//!   followed) must stay inside its root. Checkpoints are never served.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// The header every non-GET request must carry.
pub const WRITE_HEADER: &str = "x-gan-studio";

/// Refuses bad hosts and cross-site writes; passes the rest on.
pub async fn guard(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
    else {
        return (StatusCode::BAD_REQUEST, "a Host header is required").into_response();
    };
    if !allowed_host(&host) {
        return (
            StatusCode::MISDIRECTED_REQUEST,
            format!("host {host} is not served: open the studio by its IP address or localhost"),
        )
            .into_response();
    }
    let method = request.method();
    if method != Method::GET
        && method != Method::HEAD
        && let Err(why) = same_origin_write(headers, &host)
    {
        return (StatusCode::FORBIDDEN, why).into_response();
    }
    next.run(request).await
}

/// `localhost` or an IP literal, with an optional port.
pub fn allowed_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [v6]:port
        match rest.split_once(']') {
            Some((inside, after)) if after.is_empty() || valid_port(after) => {
                return inside.parse::<std::net::Ipv6Addr>().is_ok();
            }
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if valid_port(&format!(":{port}")) => name,
            Some(_) => return false,
            None => host,
        }
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok()
}

fn valid_port(text: &str) -> bool {
    text.strip_prefix(':')
        .is_some_and(|port| !port.is_empty() && port.parse::<u16>().is_ok())
}

/// A write must carry the studio's header and come from this origin.
fn same_origin_write(headers: &HeaderMap, host: &str) -> Result<(), String> {
    if headers.get(WRITE_HEADER).and_then(|v| v.to_str().ok()) != Some("1") {
        return Err(format!(
            "a write needs the {WRITE_HEADER}: 1 header (cross-site requests are refused)"
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let expected = format!("http://{host}");
        if !origin.eq_ignore_ascii_case(&expected) {
            return Err(format!("origin {origin} is not this studio ({expected})"));
        }
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("");
        if site != "same-origin" && site != "none" {
            return Err(format!("a {site} request cannot write"));
        }
    }
    Ok(())
}

/// One path segment the studio serves or writes: 1 to 128 of `A-Z a-z 0-9 . _ -`, not starting
/// with a dot (so never `.`, `..` or a hidden file).
pub fn safe_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
}

/// `root/parts...` if every part is a [`safe_name`] and the file, symlinks resolved, exists
/// inside `root` (itself canonical).
pub fn resolve_inside(root: &Path, parts: &[&str]) -> Option<PathBuf> {
    if !parts.iter().all(|part| safe_name(part)) {
        return None;
    }
    let mut path = root.to_path_buf();
    for part in parts {
        path.push(part);
    }
    let resolved = path.canonicalize().ok()?;
    resolved.starts_with(root).then_some(resolved)
}

/// A plain "not found" (the same for a missing file and a refused name).
pub fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// Sends a resolved file, or "not found".
pub async fn serve(path: Option<std::path::PathBuf>, mime: &'static str) -> Response {
    let Some(path) = path.filter(|p| p.is_file()) else {
        return not_found();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(),
    }
}
