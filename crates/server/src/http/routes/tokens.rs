//! `/api/tokens`: admins make, list and revoke integration tokens (what bots, Slack
//! relays and Prometheus send), as `asyncvoter token` does on the command line.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{CreatedToken, ErrorBody, NewToken, Token};

use crate::AppState;
use crate::auth::{self, Caller};
use crate::domain::{DomainError, rules};
use crate::http::error::ApiResult;
use crate::http::extract::{Json, Path};
use crate::store::IntegrationRecord;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

fn token(record: IntegrationRecord) -> Token {
    Token {
        name: record.name,
        scopes: record.scopes,
        created_at: record.created_at,
        last_used_at: record.last_used_at,
    }
}

/// Every integration token, by name: what it may do and when it was last used.
///
/// Admins only. Secrets are never listed: the server keeps only their SHA-256.
#[utoipa::path(
    get, path = "/api/tokens", tag = "tokens",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "Tokens by name", body = Vec<Token>),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
async fn list_tokens(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<Token>>> {
    caller.require_admin()?;
    let tokens = state.store.integrations().await?;
    Ok(Json(tokens.into_iter().map(token).collect()))
}

/// Makes an integration token; its secret is in this answer only.
///
/// Admins only. A server keeps at most 100 tokens; names are unique.
#[utoipa::path(
    post, path = "/api/tokens", tag = "tokens",
    request_body(content = NewToken, example = json!({"name": "slack-bot", "scopes": ["votes:write"]})),
    security(("session_cookie" = [])),
    responses(
        (status = 201, description = "Made; the secret is shown this once", body = CreatedToken),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "The name is taken, or 100 tokens exist", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "A bad name, or no scope", body = ErrorBody),
    )
)]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<NewToken>,
) -> ApiResult<impl IntoResponse> {
    caller.require_admin()?;
    let name = rules::integration_name(&input.name)?;
    let mut scopes = input.scopes;
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(
            DomainError::Invalid("choose at least one scope, e.g. `votes:write`".into()).into(),
        );
    }
    let secret = auth::new_token();
    let at = rules::now();
    state
        .store
        .create_integration(
            &name,
            &auth::hash_token(&secret),
            &scopes,
            auth::MAX_TOKENS,
            at,
        )
        .await?;
    let location = format!("/api/tokens/{name}");
    let token = Token {
        name,
        scopes,
        created_at: at,
        last_used_at: None,
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(CreatedToken { token, secret }),
    ))
}

/// Revokes a token: every instance refuses it from its next request.
///
/// Admins only. Tokens are looked up in the database on each request, so there is
/// nothing to expire.
#[utoipa::path(
    delete, path = "/api/tokens/{name}", tag = "tokens",
    params(("name" = String, Path, description = "The token's name")),
    security(("session_cookie" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such token", body = ErrorBody),
    )
)]
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    state.store.revoke_integration(&name).await?;
    Ok(StatusCode::NO_CONTENT)
}
