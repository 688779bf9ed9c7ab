//! Who is calling and what they may do: integrations by bearer token, members by session.

pub mod first_run;
pub mod login_limit;
pub mod oidc;
pub mod passwords;
pub mod sessions;
pub mod tokens;

use asyncvoter_wire::{Member, Role, Scope};

use crate::domain::DomainError;
use crate::domain::records::{Integration, VoteRecord};
use crate::domain::rules;
use crate::store::StoreError;

pub use tokens::{MAX_TOKENS, hash_token, new_token};

/// Why an authentication step failed: the rules refused, or something below them broke.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A refusal the caller can act on.
    #[error(transparent)]
    Refused(#[from] DomainError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing or the session layer failed; logged, never shown.
    #[error("{0}")]
    Internal(String),
}

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
    pub fn require_writer(&self) -> Result<(), DomainError> {
        match self {
            Caller::Anonymous => Err(DomainError::Unauthenticated(
                "log in, or send an integration token (`Authorization: Bearer …`)".into(),
            )),
            Caller::Member(_) | Caller::Integration(_) => Ok(()),
        }
    }

    /// Fails unless an integration's token holds `scope`; members and anonymous callers
    /// pass (other checks decide for them).
    pub fn require_scope(&self, scope: Scope) -> Result<(), DomainError> {
        match self {
            Caller::Integration(integration) if !integration.may(scope) => {
                Err(DomainError::Forbidden(format!(
                    "this integration's token lacks the `{}` scope",
                    scope.as_str()
                )))
            }
            _ => Ok(()),
        }
    }

    /// Fails unless the caller may reveal, re-open or close `vote`: its owner, an admin,
    /// or an integration with `votes:manage` when no member owns the vote.
    pub fn require_manager(&self, vote: &VoteRecord) -> Result<(), DomainError> {
        self.require_writer()?;
        match self {
            Caller::Member(member)
                if member.role != Role::Admin
                    && vote.owner.as_deref() != Some(&member.username) =>
            {
                Err(DomainError::Forbidden(
                    "only the vote's owner or an admin can do that".into(),
                ))
            }
            Caller::Integration(_) => {
                self.require_scope(Scope::VotesManage)?;
                unless_a_member_owns(vote)
            }
            _ => Ok(()),
        }
    }

    /// Fails unless the caller is a logged-in admin.
    pub fn require_admin(&self) -> Result<&Member, DomainError> {
        match self {
            Caller::Member(member) if member.role == Role::Admin => Ok(member),
            Caller::Anonymous => Err(DomainError::Unauthenticated("log in as an admin".into())),
            _ => Err(DomainError::Forbidden("only admins can do that".into())),
        }
    }

    /// Fails unless the caller is a logged-in member.
    pub fn require_member(&self) -> Result<&Member, DomainError> {
        match self {
            Caller::Member(member) => Ok(member),
            Caller::Anonymous => Err(DomainError::Unauthenticated("log in first".into())),
            Caller::Integration(_) => {
                Err(DomainError::Forbidden("only members can do that".into()))
            }
        }
    }

    /// The voter a ballot path names, checked against who may cast it: members vote for
    /// themselves (`me`), integrations with `votes:write` only for external ids such as
    /// `slack:U123`.
    pub fn voter_for(&self, voter: &str) -> Result<String, DomainError> {
        self.require_writer()?;
        self.require_scope(Scope::VotesWrite)?;
        match self {
            Caller::Member(member) if voter == "me" || voter == member.username => {
                Ok(member.username.clone())
            }
            Caller::Member(_) => Err(DomainError::Forbidden(
                "members vote only for themselves (`me`)".into(),
            )),
            _ => {
                let voter = rules::voter_id(voter)?;
                if rules::is_external(&voter) {
                    Ok(voter)
                } else {
                    Err(DomainError::Forbidden(
                        "integrations vote only for external voters, such as `slack:U123`".into(),
                    ))
                }
            }
        }
    }

    /// Who owns a vote this caller starts: a member themselves; an integration (with
    /// `votes:write`) whoever it names (a member, who then runs it, or an external id), or
    /// nobody.
    pub fn owner_for(&self, requested: Option<&str>) -> Result<Option<String>, DomainError> {
        self.require_writer()?;
        self.require_scope(Scope::VotesWrite)?;
        match (self, requested) {
            (Caller::Member(member), None) => Ok(Some(member.username.clone())),
            (Caller::Member(_), Some(_)) => Err(DomainError::Invalid(
                "`owner` is for integrations; a member owns the votes they start".into(),
            )),
            (_, requested) => requested.map(rules::owner).transpose(),
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

/// Fails when a member owns `vote`: only they and admins manage it, never a token (nor
/// the open 2016 API).
pub fn unless_a_member_owns(vote: &VoteRecord) -> Result<(), DomainError> {
    match vote.owner.as_deref() {
        Some(owner) if !rules::is_external(owner) => Err(DomainError::Forbidden(
            "a member owns this vote: only they or an admin can manage it".into(),
        )),
        _ => Ok(()),
    }
}
