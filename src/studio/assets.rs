//! The page: static HTML, CSS and JavaScript compiled into the binary (no build step, nothing
//! read from disk).

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

/// `index.html`.
pub const INDEX: &str = include_str!("page/index.html");
/// `studio.js`.
pub const SCRIPT: &str = include_str!("page/studio.js");
/// `studio.css`.
pub const STYLE: &str = include_str!("page/studio.css");

/// The page.
pub async fn index() -> Html<&'static str> {
    Html(INDEX)
}

/// Its script.
pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

/// Its style sheet.
pub async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}
