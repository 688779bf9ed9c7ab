//! Request guards in front of the API: CSRF protection for browser sessions, and the
//! members-only visibility mode.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{Caller, sessions};
use crate::http::error::ApiError;
use crate::{AppState, Visibility};

/// The header the dashboard sends on every change; a cross-site form cannot send it.
pub const CSRF_HEADER: &str = "x-asyncvoter-csrf";

/// API paths open to everyone in `--visibility members`.
const ALWAYS_OPEN: [&str; 2] = ["/api/health", "/api/session"];

/// Refuses state changes riding on a session cookie unless they carry [`CSRF_HEADER`] and
/// come from this origin (`Sec-Fetch-Site`, `Origin`). Bearer-token calls carry no
/// ambient credential and pass; so do requests without a session cookie, which the
/// handlers treat as anonymous.
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let headers = request.headers();
    let needs_check = unsafe_method
        && path.starts_with("/api/")
        && !headers.contains_key(header::AUTHORIZATION)
        && (path == "/api/session" || has_cookie(headers, sessions::cookie_name(&state.settings)));
    if needs_check && let Err(refusal) = same_origin(headers, &state) {
        return ApiError::Forbidden(format!("cross-site request refused: {refusal}"))
            .into_response();
    }
    next.run(request).await
}

fn has_cookie(headers: &HeaderMap, name: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| pair.trim().split('=').next() == Some(name))
}

fn same_origin(headers: &HeaderMap, state: &AppState) -> Result<(), &'static str> {
    if !headers.contains_key(CSRF_HEADER) {
        return Err("the request lacks the dashboard's CSRF header");
    }
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site")
        && site != "same-origin"
        && site != "none"
    {
        return Err("it came from another site");
    }
    if let Some(origin) = text("origin") {
        let host = text("host").unwrap_or_default();
        let ours = state.settings.public_origin();
        let matches_host = origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host));
        if !matches_host && ours.as_deref() != Some(origin) {
            return Err("its origin is not this server");
        }
    }
    Ok(())
}

/// In `--visibility members`, answers 401 to API calls without a member session or an
/// integration token, except health and the login endpoint.
pub async fn visibility(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let gated = state.settings.visibility == Visibility::Members
        && (path == "/api" || path.starts_with("/api/"))
        && !ALWAYS_OPEN.contains(&path);
    if !gated {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    match Caller::from_request_parts(&mut parts, &state).await {
        Ok(Caller::Anonymous) => {
            ApiError::Unauthorized("this server shows its votes to members only: log in".into())
                .into_response()
        }
        Ok(_) => next.run(Request::from_parts(parts, body)).await,
        Err(error) => error.into_response(),
    }
}
