//! Integration tokens and what each may do.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::timestamp::{millis, millis_opt};

/// One power an integration token may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
    /// Start votes, and cast or withdraw ballots for external voters (`slack:U123`).
    #[serde(rename = "votes:write")]
    VotesWrite,
    /// Reveal, start a new round and close votes that no member owns.
    #[serde(rename = "votes:manage")]
    VotesManage,
    /// Use the 2016 API (`/stories`).
    #[serde(rename = "legacy")]
    Legacy,
    /// Read `/metrics`.
    #[serde(rename = "metrics")]
    Metrics,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 4] = [
        Scope::VotesWrite,
        Scope::VotesManage,
        Scope::Legacy,
        Scope::Metrics,
    ];

    /// The scope as stored, sent and typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::VotesWrite => "votes:write",
            Scope::VotesManage => "votes:manage",
            Scope::Legacy => "legacy",
            Scope::Metrics => "metrics",
        }
    }

    /// The scope spelled `text`.
    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// An integration token as admins see it listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Token {
    /// What uses it, e.g. `slack-bot`; unique.
    pub name: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// When it was made.
    #[serde(with = "millis")]
    pub created_at: DateTime<Utc>,
    /// When it was last sent, to the minute; `null` if never.
    #[serde(with = "millis_opt")]
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Body of `POST /api/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewToken {
    /// What will use it: 1 to 60 printable characters, unique.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 60,
            pattern = "^[^\\s\\x00-\\x1f\\x7f-\\x9f]([^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f])?$"
        )
    )]
    pub name: String,
    /// What it may do: at least one scope.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<Scope>,
}

/// A token just made, with its secret: shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    /// The token as listed.
    pub token: Token,
    /// `av_…`: send it as `Authorization: Bearer …`. It is not shown again.
    pub secret: String,
}
