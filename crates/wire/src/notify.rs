//! Notifications: webhook endpoints and what they receive, what a member wants to hear,
//! and the log of what was sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::timestamp::{millis, millis_opt};
use crate::vote::{Round, VoteSummary, Voter};

/// An endpoint that receives changes, signed the Standard Webhooks way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    /// Its id, in delivery logs and paths.
    pub id: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The event kinds it receives (`vote_created`, `revealed`, …), or `*` for all.
    pub events: Vec<String>,
    /// Only votes of this project, when set.
    pub project: Option<String>,
    /// When it was registered.
    #[serde(with = "millis")]
    pub created_at: DateTime<Utc>,
    /// Deliveries made, and given up on.
    pub delivered: u32,
    /// Deliveries given up on after a day of retries.
    pub failed: u32,
}

/// Body of `POST /api/webhooks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhook {
    /// An http or https URL.
    pub url: String,
    /// Event kinds to receive, or `["*"]` (the default) for all.
    #[serde(default)]
    pub events: Option<Vec<String>>,
    /// Only votes of this project.
    #[serde(default)]
    pub project: Option<String>,
}

/// A webhook just registered, with its signing secret: shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhook {
    /// The endpoint.
    pub webhook: Webhook,
    /// `whsec_…`: verify `webhook-signature` with it. It is not shown again.
    pub secret: String,
}

/// One notification and how its delivery went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// Its id (`webhook-id` is `msg_` and this).
    pub id: u64,
    /// `webhook`, `chat` or `email`.
    pub channel: String,
    /// The webhook's id, the project, or the member.
    pub target: String,
    /// What it tells: an event kind, `reminder`, `all_voted`, `results` or `ping`.
    pub topic: String,
    /// The vote it is about.
    pub vote_id: Option<String>,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts so far.
    pub attempts: u32,
    /// When it was written.
    #[serde(with = "millis")]
    pub created_at: DateTime<Utc>,
    /// When it was delivered.
    #[serde(with = "millis_opt")]
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the next attempt is due, while pending.
    #[serde(with = "millis_opt")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// What a member wants to hear, and where: `GET`/`PUT /api/me/settings`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberSettings {
    /// Where emails go; none without it.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 254,
            pattern = "^$|^[^\\s<>,;\"@\\x00-\\x1f\\x7f-\\x9f]+@[^\\s<>,;\"@.\\x00-\\x1f\\x7f-\\x9f][^\\s<>,;\"@\\x00-\\x1f\\x7f-\\x9f]*\\.[^\\s<>,;\"@\\x00-\\x1f\\x7f-\\x9f]*[^\\s<>,;\"@.\\x00-\\x1f\\x7f-\\x9f]$"
        )
    )]
    pub email: Option<String>,
    /// Reminders before a deadline, for votes that wait on me.
    #[serde(default = "yes")]
    pub reminders: bool,
    /// The results of votes I voted in or was expected in.
    #[serde(default = "yes")]
    pub results: bool,
    /// A word when everyone has voted on a vote I own.
    #[serde(default = "yes")]
    pub all_voted: bool,
}

fn yes() -> bool {
    true
}

/// The body of a webhook delivery: Standard Webhooks' `type`, `timestamp` and `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookPayload {
    /// The event kind (`vote_created`, `ballot_cast`, `revealed`, …) or `ping`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it happened.
    pub timestamp: DateTime<Utc>,
    /// What happened.
    pub data: WebhookData,
}

/// What a webhook delivery tells; never a card or a reason before the reveal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookData {
    /// The event log's id of the change (absent on `ping`).
    pub event_id: Option<u64>,
    /// The vote's id (absent on `ping`).
    #[serde(default)]
    pub vote_id: Option<String>,
    /// The vote, as lists show it (absent on `ping` and `vote_deleted`).
    pub vote: Option<VoteSummary>,
    /// The round the change happened in.
    pub round: Option<u32>,
    /// Who cast or withdrew, or was reminded.
    pub voter: Option<Voter>,
    /// The revealed round with every card and reason, on `revealed`, `closed` and
    /// `final_size_changed`.
    pub results: Option<Round>,
}

/// Body of `POST /api/me/slack`: the secret of a one-time "Link your AsyncVoter account"
/// link from Slack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlackLink {
    /// The `token` of the link.
    pub token: String,
}

/// A Slack user tied to the member: their Slack ballots are the member's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedSlackUser {
    /// The workspace, `T…`.
    pub team: String,
    /// The user, `U…`; Slack shows their name.
    pub user: String,
}
