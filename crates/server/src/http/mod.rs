//! The HTTP layer: the router with its middleware, the extractors, the mapping of errors to
//! responses, and serving until shutdown.

pub mod error;
pub mod extract;
pub mod guards;
pub mod headers;
pub mod routes;
pub mod setup;
pub mod sso;
pub mod ui;

use std::future::Future;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::auth;
use crate::state::AppState;
use crate::{deadlines, notify};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    crate::telemetry::handle();
    let (api, _) = routes::api();
    let router = Router::new()
        .merge(api)
        .merge(routes::metrics::router())
        .merge(setup::router())
        .merge(sso::router())
        .merge(routes::legacy(state.settings.legacy_api));
    let router = match &state.settings.slack {
        Some(_) => router.merge(routes::slack::router()),
        None => router,
    };
    let router = match &state.settings.ui_dir {
        Some(dir) => router.fallback_service(ui::router(dir.clone(), state.clone())),
        None => router.fallback(routes::no_dashboard),
    };
    // Layers run outermost-last: sessions load before the guards that read them.
    router
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guards::visibility,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), guards::csrf))
        .layer(auth::sessions::layer(state.store.clone(), &state.settings))
        .layer(middleware::from_fn_with_state(state.clone(), guards::host))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        // Answers made per request are gzipped: brotli's encoder sets up megabytes of
        // state per response, which cost more than the bytes it saves on a small answer
        // (measured: one vote's read fell from 0.49 to 0.21 of `/api/health`). Kept lists
        // come brotli'd already (`read_cache`), the dashboard's files precompressed.
        .layer(CompressionLayer::new().no_br())
        .layer(middleware::from_fn(crate::telemetry::track))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    // The route pattern, not the URI: paths carry voter ids, and logs stay small.
                    let route = request
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("unmatched", MatchedPath::as_str);
                    tracing::info_span!("request", method = %request.method(), route)
                })
                // Errors log themselves once (`ApiError`); a refused flood must not log a line
                // per request.
                .on_failure(()),
        )
        .with_state(state)
}

/// Serves `app(state)` on `listener` and runs the deadline task and the notification
/// worker until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let deadlines = tokio::spawn(deadlines::run(
        state.store.clone(),
        state.settings.deadline_check,
        state.settings.clock.clone(),
        stop_rx.clone(),
    ));
    let worker = notify::Worker {
        store: state.store.clone(),
        settings: state.settings.notify.clone(),
        clock: state.settings.clock.clone(),
        http: notify::destinations::client(state.settings.notify.allow_private_webhooks)
            .map_err(std::io::Error::other)?,
        slack: state.settings.slack.clone(),
    };
    let metrics = match state.settings.metrics_bind {
        Some(address) => {
            let listener = TcpListener::bind(address).await?;
            let app = routes::metrics::open_router(state.clone());
            let mut stop = stop_rx.clone();
            Some(tokio::spawn(async move {
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stop.changed().await;
                    })
                    .await
            }))
        }
        None => None,
    };
    let notifications = tokio::spawn(notify::run(worker, stop_rx));
    let hub = state.events.clone();
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // Event streams never finish by themselves: end them so the graceful shutdown can.
    let shutdown = async move {
        shutdown.await;
        hub.close();
    };
    let result = axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = stop_tx.send(true);
    let _ = deadlines.await;
    let _ = notifications.await;
    if let Some(metrics) = metrics {
        let _ = metrics.await;
    }
    result
}
