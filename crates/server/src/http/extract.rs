//! Extractors: the JSON body, query and path with the API's error shape, and who is
//! calling (`Caller`, `ClientAddress`).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use serde::de::DeserializeOwned;

use crate::auth::{Caller, hash_token, sessions};
use crate::domain::rules;
use crate::http::error::ApiError;
use crate::state::AppState;

/// `axum::Json` whose rejections are [`ApiError`]s, so malformed bodies get the same shape.
/// Every request body is a JSON object: an array is refused even where serde would read
/// a struct from one (`[null, null]` for a struct of two optional fields).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) =
            axum::Json::<serde_json::Value>::from_request(request, state).await?;
        if !value.is_object() {
            return Err(ApiError::Invalid("the body must be a JSON object".into()));
        }
        serde_json::from_value(value)
            .map(Json)
            .map_err(|e| ApiError::Invalid(format!("the body does not fit: {e}")))
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` whose rejections are [`ApiError`]s (400).
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// `axum::extract::Path` whose rejections are [`ApiError`]s (400).
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        // Found already by `guards::visibility`.
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let token = header
                .to_str()
                .ok()
                .and_then(|h| h.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    ApiError::Unauthorized("use `Authorization: Bearer <token>`".into())
                })?;
            return match state
                .store
                .integration_by_token(&hash_token(token), rules::now())
                .await?
            {
                Some(integration) => Ok(Caller::Integration(integration)),
                None => Err(ApiError::Unauthorized("unknown or revoked token".into())),
            };
        }
        match parts.extensions.get::<tower_sessions::Session>() {
            Some(session) => Ok(sessions::member_of(session, state.store.as_ref()).await?),
            None => Ok(Caller::Anonymous),
        }
    }
}

/// The client's address, when the server knows it: the peer, or behind a trusted proxy
/// the address that proxy saw (see [`client_address`]).
pub struct ClientAddress(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(ClientAddress(peer.map(|peer| {
            client_address(peer, &parts.headers, &state.settings.trusted_proxies)
        })))
    }
}

/// Who sent a request that arrived from `peer`: the peer itself unless it is a trusted
/// proxy; then the rightmost `X-Forwarded-For` address that is not a trusted proxy (the
/// ones left of it could be written by anyone). A malformed entry stops the walk at the
/// last trusted hop.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(address) if is_trusted(&address) => client = address,
            Ok(address) => return address,
            Err(_) => return client,
        }
    }
    client
}

/// The id of the session cookie a request carries, as the session layer parsed it.
pub struct SessionId(pub Option<tower_sessions::session::Id>);

impl<S: Send + Sync> FromRequestParts<S> for SessionId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SessionId(
            parts
                .extensions
                .get::<tower_sessions::Session>()
                .and_then(|session| session.id()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_rightmost_address_no_trusted_proxy_wrote() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-forwarded-for", value.parse().unwrap());
            headers
        };
        let none = HeaderMap::new();
        // An untrusted peer is the client, whatever it claims.
        assert_eq!(
            client_address(ip("203.0.113.9"), &with("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        // Behind a trusted proxy: the address it appended.
        assert_eq!(
            client_address(ip("10.0.0.2"), &with("198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        // A forged left part does not count; trusted hops are skipped from the right.
        assert_eq!(
            client_address(
                ip("10.0.0.2"),
                &with("6.6.6.6, 198.51.100.7, 10.0.0.3"),
                &trusted
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("::1"), &with("2001:db8::5"), &trusted),
            ip("2001:db8::5")
        );
        // No header, or nothing but proxies: the nearest proxy.
        assert_eq!(
            client_address(ip("10.0.0.2"), &none, &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &with("10.0.0.9"), &trusted),
            ip("10.0.0.9")
        );
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(
            client_address(ip("10.0.0.2"), &with("1.2.3.4, junk"), &trusted),
            ip("10.0.0.2")
        );
    }
}
