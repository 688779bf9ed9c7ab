//! `/metrics`: Prometheus' scrape, for integration tokens with the `metrics` scope; with
//! `--metrics-bind` also on an address of its own, without a token (for a network only
//! Prometheus reaches).

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use asyncvoter_wire::Scope;

use crate::AppState;
use crate::auth::Caller;
use crate::http::error::{ApiError, ApiResult};
use crate::telemetry;

/// `GET /metrics` on the main address, for a token with the `metrics` scope.
pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

/// `GET /metrics` for the `--metrics-bind` address, without a token.
pub fn open_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(exposition))
        .with_state(state)
}

async fn scrape(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    match caller {
        Caller::Integration(integration) if integration.may(Scope::Metrics) => {}
        Caller::Anonymous => {
            return Err(ApiError::Unauthorized(
                "send an integration token with the `metrics` scope (`asyncvoter token create prometheus --scope metrics`)"
                    .into(),
            ));
        }
        _ => {
            return Err(ApiError::Forbidden(
                "metrics are for an integration token with the `metrics` scope".into(),
            ));
        }
    }
    exposition(State(state)).await
}

async fn exposition(State(state): State<AppState>) -> ApiResult<Response> {
    let outbox = state.store.outbox_counts().await?;
    let text = telemetry::render(state.events.listeners(), &outbox);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
