//! AsyncVoter's server: the REST API under `/api/`, the 2016 API under `/stories`, and
//! (from `--ui-dir`) the dashboard's files, all on one origin.

pub mod auth;
pub mod config;
pub mod deadlines;
pub mod demo;
pub mod error;
pub mod events;
pub mod headers;
pub mod routes;
pub mod rules;
pub mod store;
pub mod testing;
pub mod ui;
pub mod views;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::store::Store;

pub use config::{LegacyApi, Visibility};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The operator's choices.
    pub settings: Arc<Settings>,
    /// Fans the event log out to `/api/events` streams.
    pub events: Arc<events::Hub>,
}

impl AppState {
    /// The state over `store`, with the event hub started.
    pub async fn new(
        store: Arc<dyn Store>,
        settings: Settings,
    ) -> Result<AppState, store::StoreError> {
        let events = events::Hub::start(store.clone(), settings.events).await?;
        Ok(AppState {
            store,
            settings: Arc::new(settings),
            events,
        })
    }
}

/// The operator's choices that shape request handling.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether and how the 2016 API is served.
    pub legacy_api: LegacyApi,
    /// How often the deadline task looks for votes to reveal.
    pub deadline_check: Duration,
    /// The trunk-built dashboard to serve, if any.
    pub ui_dir: Option<PathBuf>,
    /// Who may read votes.
    pub visibility: Visibility,
    /// The address people reach the server at, e.g. `https://votes.example.com`.
    pub public_url: Option<String>,
    /// A session ends after this long without requests.
    pub session_idle: Duration,
    /// Event stream buffering and replay limits.
    pub events: events::HubSettings,
}

impl Settings {
    /// True when people reach the server over https: cookies are then `Secure`.
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// `scheme://host[:port]` of the public URL.
    pub fn public_origin(&self) -> Option<String> {
        let url = url::Url::parse(self.public_url.as_deref()?).ok()?;
        Some(url.origin().ascii_serialization())
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            legacy_api: LegacyApi::Token,
            deadline_check: Duration::from_millis(500),
            ui_dir: None,
            visibility: Visibility::Public,
            public_url: None,
            session_idle: Duration::from_secs(8 * 3600),
            events: events::HubSettings::default(),
        }
    }
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let (api, _) = routes::api();
    let router = Router::new()
        .merge(api)
        .merge(routes::legacy(state.settings.legacy_api));
    let router = match &state.settings.ui_dir {
        Some(dir) => router.fallback_service(ui::router(dir.clone(), state.clone())),
        None => router.fallback(routes::no_dashboard),
    };
    // Layers run outermost-last: sessions load before the guards that read them.
    router
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::guards::visibility,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::guards::csrf,
        ))
        .layer(auth::sessions::layer(state.store.as_ref(), &state.settings))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                // The route pattern, not the URI: paths carry voter ids, and logs stay small.
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("unmatched", MatchedPath::as_str);
                tracing::info_span!("request", method = %request.method(), route)
            }),
        )
        .with_state(state)
}

/// Serves `app(state)` on `listener` and runs the deadline task until `shutdown` resolves;
/// in-flight requests finish first.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let deadlines = tokio::spawn(deadlines::run(
        state.store.clone(),
        state.settings.deadline_check,
        stop_rx,
    ));
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
    result
}
