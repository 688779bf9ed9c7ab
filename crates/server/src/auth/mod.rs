//! Who is calling and what they may do: integrations by bearer token, members by session.

pub mod guards;
pub mod login_limit;
pub mod passwords;
pub mod sessions;
pub mod tokens;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use asyncvoter_wire::{Member, Role};

use crate::AppState;
use crate::error::ApiError;
use crate::rules;
use crate::store::{Integration, VoteRecord};

pub use tokens::{hash_token, new_token};

/// The caller of a request, from its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No credentials: may read what is public.
    Anonymous,
    /// A logged-in member: votes for themselves, manages the votes they own (all, if admin).
    Member(Member),
    /// A bot or chat integration with a bearer token; acts for external voters.
    Integration(Integration),
}

impl Caller {
    /// Fails with 401 unless the caller may change things.
    pub fn require_writer(&self) -> Result<(), ApiError> {
        match self {
            Caller::Anonymous => Err(ApiError::Unauthorized(
                "log in, or send an integration token (`Authorization: Bearer …`)".into(),
            )),
            Caller::Member(_) | Caller::Integration(_) => Ok(()),
        }
    }

    /// Fails unless the caller may reveal, re-open or close `vote`: its owner, an admin,
    /// or an integration.
    pub fn require_manager(&self, vote: &VoteRecord) -> Result<(), ApiError> {
        self.require_writer()?;
        match self {
            Caller::Member(member)
                if member.role != Role::Admin
                    && vote.owner.as_deref() != Some(&member.username) =>
            {
                Err(ApiError::Forbidden(
                    "only the vote's owner or an admin can do that".into(),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Fails unless the caller is a logged-in admin.
    pub fn require_admin(&self) -> Result<&Member, ApiError> {
        match self {
            Caller::Member(member) if member.role == Role::Admin => Ok(member),
            Caller::Anonymous => Err(ApiError::Unauthorized("log in as an admin".into())),
            _ => Err(ApiError::Forbidden("only admins can do that".into())),
        }
    }

    /// Fails unless the caller is a logged-in member.
    pub fn require_member(&self) -> Result<&Member, ApiError> {
        match self {
            Caller::Member(member) => Ok(member),
            Caller::Anonymous => Err(ApiError::Unauthorized("log in first".into())),
            Caller::Integration(_) => Err(ApiError::Forbidden("only members can do that".into())),
        }
    }

    /// The voter a ballot path names, checked against who may cast it: members vote for
    /// themselves (`me`), integrations only for external ids such as `slack:U123`.
    pub fn voter_for(&self, voter: &str) -> Result<String, ApiError> {
        self.require_writer()?;
        match self {
            Caller::Member(member) if voter == "me" || voter == member.username => {
                Ok(member.username.clone())
            }
            Caller::Member(_) => Err(ApiError::Forbidden(
                "members vote only for themselves (`me`)".into(),
            )),
            _ => {
                let voter = rules::voter_id(voter)?;
                if rules::is_external(&voter) {
                    Ok(voter)
                } else {
                    Err(ApiError::Forbidden(
                        "integrations vote only for external voters, such as `slack:U123`".into(),
                    ))
                }
            }
        }
    }

    /// Who owns a vote this caller starts: a member themselves; an integration whoever it
    /// names (an external id), or nobody.
    pub fn owner_for(&self, requested: Option<&str>) -> Result<Option<String>, ApiError> {
        self.require_writer()?;
        match (self, requested) {
            (Caller::Member(member), None) => Ok(Some(member.username.clone())),
            (Caller::Member(_), Some(_)) => Err(ApiError::Invalid(
                "`owner` is for integrations; a member owns the votes they start".into(),
            )),
            (_, requested) => requested.map(rules::external_owner).transpose(),
        }
    }

    /// The voter id whose own sealed card this caller may see.
    pub fn voter_id(&self) -> Option<&str> {
        match self {
            Caller::Member(member) => Some(&member.username),
            _ => None,
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
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
            return match state.store.integration_by_token(&hash_token(token)).await? {
                Some(integration) => Ok(Caller::Integration(integration)),
                None => Err(ApiError::Unauthorized("unknown or revoked token".into())),
            };
        }
        match parts.extensions.get::<tower_sessions::Session>() {
            Some(session) => sessions::member_of(session, state.store.as_ref()).await,
            None => Ok(Caller::Anonymous),
        }
    }
}
