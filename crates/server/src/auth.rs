//! Who is calling: the [`Caller`] extractor and integration tokens.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::ApiError;
use crate::store::{Integration, VoteRecord};

/// The caller of a request, from its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No credentials: may read what is public.
    Anonymous,
    /// A bot or chat integration with a bearer token; acts for external voters.
    Integration(Integration),
}

impl Caller {
    /// Fails with 401 unless the caller may change things.
    pub fn require_writer(&self) -> Result<(), ApiError> {
        match self {
            Caller::Anonymous => Err(ApiError::Unauthorized(
                "this needs an integration token (`Authorization: Bearer …`)".into(),
            )),
            Caller::Integration(_) => Ok(()),
        }
    }

    /// Fails unless the caller may reveal, re-open or close `vote`.
    pub fn require_manager(&self, _vote: &VoteRecord) -> Result<(), ApiError> {
        self.require_writer()
    }

    /// The voter id a ballot path names, checked against who may cast it: integrations
    /// vote only for external ids such as `slack:U123`.
    pub fn voter_for(&self, voter: &str) -> Result<String, ApiError> {
        self.require_writer()?;
        let voter = crate::rules::voter_id(voter)?;
        if crate::rules::is_external(&voter) {
            Ok(voter)
        } else {
            Err(ApiError::Forbidden(
                "integrations vote only for external voters, such as `slack:U123`".into(),
            ))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Caller::Anonymous);
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::Unauthorized("use `Authorization: Bearer <token>`".into()))?;
        match state.store.integration_by_token(&hash_token(token)).await? {
            Some(integration) => Ok(Caller::Integration(integration)),
            None => Err(ApiError::Unauthorized("unknown or revoked token".into())),
        }
    }
}

/// A new integration token: `av_` and 32 random bytes, URL-safe.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "av_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// What the database keeps of a token: its SHA-256. Tokens are long and random, so a
/// slow password hash would add nothing.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
