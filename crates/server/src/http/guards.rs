//! Request guards: the `Host` a request names (against DNS rebinding), CSRF protection
//! for browser sessions, and the members-only visibility mode.

use std::net::IpAddr;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::auth::Caller;
use crate::http::error::ApiError;
use crate::{AppState, Settings, Visibility};

/// The header the dashboard sends on every change; a cross-site form cannot send it.
pub const CSRF_HEADER: &str = "x-asyncvoter-csrf";

/// API paths open to everyone in `--visibility members`.
const ALWAYS_OPEN: [&str; 3] = ["/api/health", "/api/session", "/api/unsubscribe"];

/// Refuses a request whose `Host` is not this server's: with `--public-url`, its host and
/// port; otherwise a loopback name (`localhost`). Literal IP addresses always pass, so
/// health checks by address work: a DNS-rebinding page can only name a host it controls,
/// never a literal address, and this check stops it reaching a private server.
pub async fn host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let named = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if let Some(named) = named
        && !host_allowed(named, &state.settings)
    {
        let ours = state
            .settings
            .public_url
            .as_deref()
            .map_or_else(|| "localhost or its IP address".to_owned(), str::to_owned);
        return ApiError::Misdirected(format!(
            "this server answers to {ours}, not `{named}`; an operator who serves it under \
             that name sets `--public-url`"
        ))
        .into_response();
    }
    next.run(request).await
}

/// Whether `named` (a `Host` value: `name[:port]`) is this server.
fn host_allowed(named: &str, settings: &Settings) -> bool {
    let Ok(authority) = named.parse::<Authority>() else {
        return false;
    };
    let name = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    if name.parse::<IpAddr>().is_ok() {
        return true;
    }
    let name = name.to_ascii_lowercase();
    match settings
        .public_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
    {
        Some(public) => {
            let port = authority
                .port_u16()
                .or_else(|| public.port_or_known_default());
            public.host_str() == Some(name.as_str()) && port == public.port_or_known_default()
        }
        None => name == "localhost" || name.ends_with(".localhost"),
    }
}

/// Refuses state changes riding on a session cookie unless they carry [`CSRF_HEADER`] and
/// come from this origin (`Sec-Fetch-Site`, `Origin`). Bearer-token calls carry no
/// ambient credential and pass; so do requests the session layer found no session
/// cookie in (the same parse decides both), which the handlers treat as anonymous.
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let headers = request.headers();
    let has_session = request
        .extensions()
        .get::<Session>()
        .is_some_and(|session| session.id().is_some());
    // An unsubscribe link's token is its own proof; a mail client posts it without one.
    let needs_check = unsafe_method
        && path.starts_with("/api/")
        && path != "/api/unsubscribe"
        && !headers.contains_key(header::AUTHORIZATION)
        && (path == "/api/session" || has_session);
    if needs_check && let Err(refusal) = same_origin(headers, &state.settings) {
        return ApiError::Forbidden(format!("cross-site request refused: {refusal}"))
            .into_response();
    }
    next.run(request).await
}

/// Whether a browser request came from this server's own pages: the CSRF header, no
/// other site, and an `Origin` (when sent) that is exactly ours, scheme included: the
/// public URL's, or `http://` and the `Host` without one.
fn same_origin(headers: &HeaderMap, settings: &Settings) -> Result<(), &'static str> {
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
        let ours = settings
            .public_origin()
            .unwrap_or_else(|| format!("http://{}", text("host").unwrap_or_default()));
        if !origin.eq_ignore_ascii_case(&ours) {
            return Err("its origin is not this server");
        }
    }
    Ok(())
}

/// Knows the caller of an API request before any handler runs, where it matters: a token
/// that is unknown or revoked gets 401 on every route (a public read included), and in
/// `--visibility members` a call without a member session or a token gets 401, except
/// health and the login endpoint. The caller found is kept for the handler.
pub async fn visibility(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path == "/api" || path.starts_with("/api/");
    let gated =
        api && state.settings.visibility == Visibility::Members && !ALWAYS_OPEN.contains(&path);
    let token = api && request.headers().contains_key(header::AUTHORIZATION);
    if !gated && !token {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    match Caller::from_request_parts(&mut parts, &state).await {
        Ok(Caller::Anonymous) if gated => {
            ApiError::Unauthorized("this server shows its votes to members only: log in".into())
                .into_response()
        }
        Ok(caller) => {
            parts.extensions.insert(caller);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_names_and_literal_addresses_are_served() {
        let private = Settings::default();
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "app.localhost",
            "[::1]:8080",
            "10.1.2.3",
        ] {
            assert!(host_allowed(ok, &private), "{ok}");
        }
        for rebound in [
            "evil.example:8080",
            "evil.example",
            "localhost.evil.example",
            "",
        ] {
            assert!(!host_allowed(rebound, &private), "{rebound}");
        }
        let public = Settings {
            public_url: Some("https://votes.example.com".into()),
            ..Settings::default()
        };
        for ok in [
            "votes.example.com",
            "VOTES.example.com:443",
            "10.1.2.3:8080",
        ] {
            assert!(host_allowed(ok, &public), "{ok}");
        }
        for other in ["votes.example.com:8443", "evil.example", "localhost"] {
            assert!(!host_allowed(other, &public), "{other}");
        }
    }

    #[test]
    fn the_origin_must_match_scheme_host_and_port() {
        let with = |pairs: &[(&'static str, &'static str)]| {
            let mut headers = HeaderMap::new();
            headers.insert(CSRF_HEADER, "1".parse().unwrap());
            for (name, value) in pairs {
                headers.insert(*name, value.parse().unwrap());
            }
            headers
        };
        let private = Settings::default();
        let host = ("host", "127.0.0.1:8080");
        assert!(
            same_origin(
                &with(&[host, ("origin", "http://127.0.0.1:8080")]),
                &private
            )
            .is_ok()
        );
        assert!(
            same_origin(
                &with(&[host, ("origin", "https://127.0.0.1:8080")]),
                &private
            )
            .is_err()
        );
        assert!(
            same_origin(
                &with(&[host, ("origin", "http://127.0.0.1:9090")]),
                &private
            )
            .is_err()
        );
        let public = Settings {
            public_url: Some("https://votes.example.com".into()),
            ..Settings::default()
        };
        let host = ("host", "votes.example.com");
        assert!(
            same_origin(
                &with(&[host, ("origin", "https://votes.example.com")]),
                &public
            )
            .is_ok()
        );
        assert!(
            same_origin(
                &with(&[host, ("origin", "http://votes.example.com")]),
                &public
            )
            .is_err()
        );
    }
}
