//! Slack's side: each vote's channel message, linked Slack users, and requests already seen.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::records::{SlackMessageRecord, SlackUserRecord};

/// What the Slack app keeps.
#[async_trait]
pub trait SlackStore: Send + Sync {
    /// The channel message of a vote started in Slack, if it was.
    async fn slack_message(&self, vote_id: &str) -> Result<Option<SlackMessageRecord>, StoreError>;

    /// Records the timestamp `chat.postMessage` gave a vote's channel message.
    async fn set_slack_ts(&self, vote_id: &str, ts: &str) -> Result<(), StoreError>;

    /// Which member a Slack user is, as last looked up.
    async fn slack_user(
        &self,
        team: &str,
        user: &str,
    ) -> Result<Option<SlackUserRecord>, StoreError>;

    /// Records which member a Slack user is (`None`: not a member). Linking hands the
    /// user's ballots in rounds not yet revealed, and their place among open votes'
    /// expected voters, to the member: one person, one ballot.
    async fn save_slack_user(
        &self,
        team: &str,
        user: &str,
        member: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The Slack users `(team, user)` linked to a member.
    async fn slack_users_of(&self, member: &str) -> Result<Vec<(String, String)>, StoreError>;

    /// Stores a one-time link for a Slack user by its secret's hash, until `expires_at`.
    async fn create_slack_link(
        &self,
        token_hash: &str,
        team: &str,
        user: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Uses a one-time link: links its Slack user to `member` (as `save_slack_user`) and
    /// forgets it; the `(team, user)` linked, or `None` for an unknown or expired link.
    async fn use_slack_link(
        &self,
        token_hash: &str,
        member: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<(String, String)>, StoreError>;

    /// Notes a Slack request's signature; false when it was served before (a replay).
    /// Signatures noted before `forget_before` are forgotten.
    async fn first_slack_request(
        &self,
        signature: &str,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}
