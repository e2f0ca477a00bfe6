//! `gan studio`: a local web app over the library: trained runs as cards, generation with a
//! seed, count and size (Real-ESRGAN included), latent walks, the discriminator as a judge, a
//! data browser, and training runs started as child processes and watched live.
//!
//! axum on tokio; the page is static HTML, CSS and JavaScript embedded in the binary
//! ([`assets`]). Inference runs one job at a time on a blocking thread, with loaded models
//! cached ([`state`]). What it serves and accepts is guarded by [`security`].

mod api_data;
mod api_generate;
mod api_judge;
mod api_runs;
mod api_train;
mod api_walk;
mod assets;
mod error;
mod security;
mod state;
#[cfg(test)]
mod tests;

pub use error::StudioError;
pub use state::{Studio, StudioOptions};

use axum::Router;
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::sync::Arc;

/// The largest upload the judge accepts, in bytes.
pub const MAX_UPLOAD: usize = 16 << 20;

/// The largest JSON request body, in bytes.
pub const MAX_JSON: usize = 64 << 10;

/// The app's routes over `studio`.
pub fn router(studio: Arc<Studio>) -> Router {
    let api = Router::new()
        .route("/runs", get(api_runs::list))
        .route("/runs/{run}/samples", get(api_runs::samples))
        .route("/runs/{run}/samples/{file}", get(api_runs::sample_file))
        .route("/runs/{run}/files/{file}", get(api_runs::run_file))
        .route("/runs/{run}/metrics", get(api_runs::metrics))
        .route("/runs/{run}/live", get(api_runs::live))
        .route("/generate", post(api_generate::start))
        .route("/jobs/{job}/events", get(api_generate::events))
        .route("/jobs/{job}/cancel", post(api_generate::cancel))
        .route("/history", get(api_generate::history))
        .route("/outputs/{folder}/{file}", get(api_generate::output_file))
        .route(
            "/judge",
            post(api_judge::judge).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/walk/frame", get(api_walk::frame))
        .route("/walk/gif", get(api_walk::gif))
        .route("/data", get(api_data::list))
        .route("/data/{set}/images", get(api_data::images))
        .route("/data/{set}/preview/{index}", get(api_data::preview))
        .route("/train", post(api_train::start))
        .route("/train/{run}/stop", post(api_train::stop))
        .route("/train/{run}/resume", post(api_train::resume))
        .route("/train/{run}/log", get(api_train::log))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_JSON));
    Router::new()
        .route("/", get(assets::index))
        .route("/studio.js", get(assets::script))
        .route("/studio.css", get(assets::style))
        .nest("/api", api)
        .layer(axum::middleware::from_fn(security::guard))
        .with_state(studio)
}

/// Binds `host:port` (port 0: a free one), prints the URL, and serves until Ctrl-C.
pub fn serve(options: StudioOptions) -> Result<(), StudioError> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| StudioError::Setup(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let address: SocketAddr = format!("{}:{}", options.host, options.port)
            .parse()
            .or_else(|_| {
                std::net::ToSocketAddrs::to_socket_addrs(&(options.host.as_str(), options.port))
                    .ok()
                    .and_then(|mut addresses| addresses.next())
                    .ok_or(())
            })
            .map_err(|_| StudioError::Setup(format!("--host {}: not an address", options.host)))?;
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| StudioError::Setup(format!("cannot listen on {address}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| StudioError::Setup(e.to_string()))?;
        let studio = Arc::new(Studio::open(options)?);
        let shown = if bound.ip().is_unspecified() {
            format!("http://127.0.0.1:{}/", bound.port())
        } else {
            format!("http://{bound}/")
        };
        println!("gan studio: {shown}");
        if !bound.ip().is_loopback() {
            eprintln!(
                "warning: listening on {bound}, reachable from other machines; the studio has no \
                 login"
            );
        }
        let app = router(studio.clone());
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| StudioError::Setup(format!("the server stopped: {e}")))?;
        studio.stop_children();
        Ok(())
    })
}
