//! Every route, merged in one place.

mod ballots;
mod events;
mod export;
mod health;
mod legacy;
mod me;
mod members;
pub(crate) mod metrics;
mod projects;
mod session;
pub(crate) mod slack;
mod stats;
mod tokens;
pub(crate) mod votes;
mod webhooks;

use std::sync::Arc;

use axum::http::{HeaderValue, header};
use axum::routing::any;
use axum::{Extension, Router};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::{Config, SwaggerUi};

use asyncvoter_wire::ErrorBody;

use crate::AppState;
use crate::http::error::ApiError;
use crate::http::extract::Json;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "AsyncVoter API",
        description = "Sealed, asynchronous estimation votes. Errors are `{\"error\": {\"code\", \"message\"}}`.",
        contact(name = "The operator of this AsyncVoter server")
    ),
    servers((url = "/", description = "This server")),
    components(schemas(ErrorBody, asyncvoter_wire::ListState, asyncvoter_wire::StreamData)),
    modifiers(&BearerToken),
    tags(
        (name = "votes", description = "Votes and their rounds"),
        (name = "ballots", description = "Sealed ballots"),
        (name = "session", description = "Logging in and out"),
        (name = "members", description = "Members, managed by admins"),
        (name = "notifications", description = "Webhooks and what was sent"),
        (name = "tokens", description = "Integration tokens, managed by admins"),
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
        .merge(export::router())
        .merge(votes::router())
        .merge(ballots::router())
        .merge(session::router())
        .merge(members::router())
        .merge(me::router())
        .merge(projects::router())
        .merge(webhooks::router())
        .merge(tokens::router())
        .merge(stats::router())
        .merge(events::router())
        .routes(routes!(openapi_document))
        .split_for_parts();
    // Swagger UI reads the document above; its files are served from this binary.
    let docs = SwaggerUi::new("/api/docs").config(Config::from("/api/openapi.json"));
    let docs_policy = HeaderValue::from_str(&crate::http::headers::docs_policy())
        .expect("the policy is a valid header value");
    let docs = Router::from(docs).layer(SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        docs_policy,
    ));
    let router = router
        .merge(docs)
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(Extension(Arc::new(document(&openapi))));
    (router, openapi)
}

/// The 2016 API's routes, per the operator's choice.
pub fn legacy(mode: crate::LegacyApi) -> Router<AppState> {
    legacy::router(mode)
}

/// This document: every `/api/` route, generated from the code.
///
/// OpenAPI 3.1, generated from the handlers; `/api/docs` shows it in Swagger UI.
/// Schemathesis fuzzes the server against it in the test command.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
async fn openapi_document(
    Extension(doc): Extension<Arc<serde_json::Value>>,
) -> Json<Arc<serde_json::Value>> {
    Json(doc)
}

/// The document as served: what utoipa generates, and what it cannot say, that an event's
/// `data:` is JSON text of a `StreamData` (JSON Schema's `contentMediaType` and
/// `contentSchema`, which OpenAPI 3.1 has).
fn document(openapi: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut document = serde_json::to_value(openapi).expect("the document serializes");
    let data = &mut document["components"]["schemas"]["StreamEvent"]["properties"]["data"];
    data["contentMediaType"] = "application/json".into();
    data["contentSchema"] = serde_json::json!({"$ref": "#/components/schemas/StreamData"});
    document
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
