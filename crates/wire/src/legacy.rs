//! The 2016 API's shapes (`/stories`), kept field for field so old clients keep working.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::timestamp::millis;

/// A story: what the 2016 API called a vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyStory {
    /// The vote's id.
    #[serde(rename = "_id")]
    pub id: String,
    /// MongoDB's document version; always 0.
    #[serde(rename = "__v")]
    pub version: u32,
    /// When it started.
    #[serde(with = "millis")]
    pub created_at: DateTime<Utc>,
    /// Its latest change.
    #[serde(with = "millis")]
    pub updated_at: DateTime<Utc>,
    /// Title of the story.
    pub name: String,
    /// `"0"` while being voted on; the final size once closed.
    pub size: String,
    /// Link to the ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Where it was started, e.g. `#async_voter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Who started it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// False until voting is closed or revealed.
    pub revealed: bool,
}

/// A vote on a story: what we call a ballot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyVote {
    /// The ballot's id.
    #[serde(rename = "_id")]
    pub id: String,
    /// Always 0.
    #[serde(rename = "__v")]
    pub version: u32,
    /// The story's `_id`.
    pub story: String,
    /// The size voted, as a string.
    pub size: String,
    /// Who voted, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// When it was first cast.
    #[serde(with = "millis")]
    pub created_at: DateTime<Utc>,
    /// When it was last cast.
    #[serde(with = "millis")]
    pub updated_at: DateTime<Utc>,
}

/// A size as 2016 clients sent it: `2` or `"2"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LegacySize {
    /// `"Simple"`, `"3"`, …
    Text(String),
    /// `2`, `13`, …
    Number(serde_json::Number),
}

impl LegacySize {
    /// The size as the string every response carries.
    pub fn into_text(self) -> String {
        match self {
            LegacySize::Text(text) => text,
            LegacySize::Number(number) => number.to_string(),
        }
    }
}

/// Body of `POST /stories`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyNewStory {
    /// Title of the story (required).
    #[serde(default)]
    pub name: Option<String>,
    /// `"0"` or absent to start voting.
    #[serde(default)]
    pub size: Option<LegacySize>,
    /// Link to the ticket.
    #[serde(default)]
    pub url: Option<String>,
    /// Where it was started.
    #[serde(default)]
    pub source: Option<String>,
    /// Who started it.
    #[serde(default)]
    pub user_id: Option<String>,
}

/// Body of `PUT /stories/:id` and `POST /stories/:id/votes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacySizeBody {
    /// The size (required).
    #[serde(default)]
    pub size: Option<LegacySize>,
    /// Who voted (votes only).
    #[serde(default)]
    pub user_id: Option<String>,
    /// Who voted, as the 2016 Slack app spells it (`user_id`); read when `userId` is absent.
    #[serde(default, rename = "user_id")]
    pub slack_user_id: Option<String>,
}
