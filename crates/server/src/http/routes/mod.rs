//! Every route, merged in one place.

mod ballots;
mod events;
mod health;
mod legacy;
mod me;
mod members;
mod projects;
mod session;
pub(crate) mod slack;
mod stats;
pub(crate) mod votes;
mod webhooks;

use std::sync::Arc;

use axum::routing::any;
use axum::{Extension, Router};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::ErrorBody;

use crate::AppState;
use crate::http::error::ApiError;
use crate::http::extract::Json;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "AsyncVoter API",
        description = "Sealed, asynchronous estimation votes. Errors are `{\"error\": {\"code\", \"message\"}}`."
    ),
    components(schemas(ErrorBody, asyncvoter_wire::ListState, asyncvoter_wire::StreamData)),
    modifiers(&BearerToken),
    tags(
        (name = "votes", description = "Votes and their rounds"),
        (name = "ballots", description = "Sealed ballots"),
        (name = "session", description = "Logging in and out"),
        (name = "members", description = "Members, managed by admins"),
        (name = "notifications", description = "Webhooks and what was sent"),
        (name = "stats", description = "Figures across votes"),
        (name = "events", description = "Live changes as Server-Sent Events"),
        (name = "health", description = "Liveness"),
        (name = "meta", description = "This document"),
    )
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "integration_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        // Browser sessions also need the `x-asyncvoter-csrf` header on every change.
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("asyncvoter"))),
        );
    }
}

/// The `/api/` routes and their OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .merge(votes::router())
        .merge(ballots::router())
        .merge(session::router())
        .merge(members::router())
        .merge(me::router())
        .merge(projects::router())
        .merge(webhooks::router())
        .merge(stats::router())
        .merge(events::router())
        .routes(routes!(openapi_document))
        .split_for_parts();
    let router = router
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(Extension(Arc::new(openapi.clone())));
    (router, openapi)
}

/// The 2016 API's routes, per the operator's choice.
pub fn legacy(mode: crate::LegacyApi) -> Router<AppState> {
    legacy::router(mode)
}

/// This document: every `/api/` route, generated from the code.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
async fn openapi_document(
    Extension(doc): Extension<Arc<utoipa::openapi::OpenApi>>,
) -> Json<Arc<utoipa::openapi::OpenApi>> {
    Json(doc)
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("no such API route".into())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Every non-API path when the server runs without `--ui-dir`.
pub async fn no_dashboard() -> ApiError {
    ApiError::NotFound("no such page: this server runs without the dashboard (`--ui-dir`)".into())
}
