//! Live events on `GET /api/events` (Server-Sent Events): who changed which vote, never
//! what anyone voted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::timestamp::millis;
use crate::vote::Voter;

/// What happened to a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A vote was started.
    VoteCreated,
    /// Someone cast or replaced a ballot (the card stays sealed).
    BallotCast,
    /// Someone withdrew their ballot.
    BallotWithdrawn,
    /// The current round was revealed (by its owner, a quorum or a deadline).
    Revealed,
    /// A new round opened.
    RoundStarted,
    /// The vote was closed with a final size.
    Closed,
    /// A closed vote's final size was changed.
    FinalSizeChanged,
    /// The vote's name, link, project, deck, quorum, deadline or expected voters changed,
    /// or a Slack user linked to a member and their open ballot and place became the
    /// member's.
    VoteUpdated,
    /// An expected voter was reminded (who, never how or what).
    ReminderSent,
    /// The vote was deleted by its owner or an admin, with its rounds and ballots.
    VoteDeleted,
}

impl EventKind {
    /// Every kind, in the order of a vote's life.
    pub const ALL: [EventKind; 10] = [
        EventKind::VoteCreated,
        EventKind::BallotCast,
        EventKind::BallotWithdrawn,
        EventKind::Revealed,
        EventKind::RoundStarted,
        EventKind::Closed,
        EventKind::FinalSizeChanged,
        EventKind::VoteUpdated,
        EventKind::ReminderSent,
        EventKind::VoteDeleted,
    ];

    /// The kind as the stream's `event:` field and the database spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::VoteCreated => "vote_created",
            EventKind::BallotCast => "ballot_cast",
            EventKind::BallotWithdrawn => "ballot_withdrawn",
            EventKind::Revealed => "revealed",
            EventKind::RoundStarted => "round_started",
            EventKind::Closed => "closed",
            EventKind::FinalSizeChanged => "final_size_changed",
            EventKind::VoteUpdated => "vote_updated",
            EventKind::ReminderSent => "reminder_sent",
            EventKind::VoteDeleted => "vote_deleted",
        }
    }

    /// The kind named `text`.
    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One change, the `data:` of a stream event whose `event:` is its kind and whose `id:`
/// is its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteEvent {
    /// Increases with every change, across all votes; send the last one seen back as
    /// `Last-Event-ID` to resume.
    pub id: u64,
    /// What happened.
    pub kind: EventKind,
    /// The vote it happened to.
    pub vote_id: String,
    /// The vote's round afterwards.
    pub round: u32,
    /// Who cast or withdrew, or was reminded.
    pub voter: Option<Voter>,
    /// When.
    #[serde(with = "millis")]
    pub at: DateTime<Utc>,
}

/// The `data:` of a `resync` event: events were missed, so reload what is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Resync {
    /// The newest event id; the stream continues after it.
    pub id: u64,
    /// Why: `lagging` (this consumer fell behind) or `too_far_behind` (`Last-Event-ID` is
    /// older than the server replays).
    pub reason: String,
}

/// The `data:` of the `ready` event that opens a stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Ready {
    /// The newest event id; the stream continues after it.
    pub id: u64,
}

/// Any `data:` on the stream: a change, `ready` or `resync` (told apart by `event:`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum StreamData {
    /// `vote_created`, `ballot_cast`, … : what changed.
    Change(VoteEvent),
    /// `ready`: the stream is open.
    Ready(Ready),
    /// `resync`: events were missed.
    Resync(Resync),
}
