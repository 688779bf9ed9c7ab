//! What both backends share: row shapes, their conversion to records, and how database
//! errors map to [`StoreError`].

use chrono::{DateTime, Utc};

use asyncvoter_wire::{DeckKind, Role, Scope, VoteState};

use super::*;
use crate::domain::DomainError;

impl From<DomainError> for StoreError {
    /// `domain::lifecycle` refused a change inside its transaction (which then rolls
    /// back): a conflict with the vote's state.
    fn from(refusal: DomainError) -> StoreError {
        StoreError::Conflict(refusal.to_string())
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound("record"),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(error)
            }
            sqlx::Error::Database(db) if db.code().is_some_and(|c| means_unavailable(&c)) => {
                StoreError::Unavailable(error)
            }
            _ => StoreError::Other(error),
        }
    }
}

/// Why the database cannot serve a request, in words for the error message.
pub fn unavailable_reason(error: &sqlx::Error) -> &'static str {
    let code = error
        .as_database_error()
        .and_then(|db| db.code())
        .map(|c| c.into_owned())
        .unwrap_or_default();
    match code.parse::<u32>().map(|c| c & 0xff) {
        Ok(13) => "the database's disk is full",
        Ok(8) => "the database is read-only",
        Ok(10 | 14) => "the database file cannot be read or written",
        Ok(5 | 6) => "the database is busy",
        _ if code == "53100" => "the database's disk is full",
        _ if code == "25006" => "the database is read-only",
        _ => "the database is unavailable",
    }
}

/// Error codes that mean "not now" rather than "wrong".
///
/// SQLite's are numbers whose low byte is the primary code: busy, locked, read-only, I/O
/// error, disk full, cannot open. PostgreSQL's are SQLSTATEs: connection exceptions (08),
/// insufficient resources (53), operator intervention (57), system errors (58), and a
/// read-only transaction (25006: a standby, or `default_transaction_read_only`).
fn means_unavailable(code: &str) -> bool {
    match code.parse::<u32>() {
        Ok(sqlite) => [5, 6, 8, 10, 13, 14].contains(&(sqlite & 0xff)),
        Err(_) => ["08", "53", "57", "58"]
            .iter()
            .any(|class| code.starts_with(class)),
    }
}

pub(super) fn ms(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(super) fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub(super) fn new_id() -> String {
    hex::encode(rand::random::<[u8; 12]>())
}

pub(super) fn deck_kind(text: &str) -> Option<DeckKind> {
    [
        DeckKind::Agileventures,
        DeckKind::Fibonacci,
        DeckKind::Tshirt,
        DeckKind::Custom,
    ]
    .into_iter()
    .find(|k| k.as_str() == text)
}

pub(super) fn vote_state(text: &str) -> Option<VoteState> {
    [VoteState::Open, VoteState::Revealed, VoteState::Closed]
        .into_iter()
        .find(|s| s.as_str() == text)
}

pub(super) fn corrupt(what: &str) -> StoreError {
    StoreError::Other(sqlx::Error::Decode(format!("bad {what}").into()))
}

/// Scopes as stored: their names, sorted, separated by spaces.
pub(super) fn scopes_text(scopes: &[Scope]) -> String {
    let mut scopes = scopes.to_vec();
    scopes.sort();
    scopes.dedup();
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Stored scopes read back, sorted.
pub(super) fn parse_scopes(text: &str) -> Result<Vec<Scope>, StoreError> {
    let mut scopes = text
        .split_whitespace()
        .map(|s| Scope::parse(s).ok_or_else(|| corrupt("scope")))
        .collect::<Result<Vec<_>, _>>()?;
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}

pub(super) fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(sqlx::FromRow)]
pub(super) struct VoteRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) url: Option<String>,
    pub(super) project: Option<String>,
    pub(super) owner: Option<String>,
    pub(super) deck: String,
    pub(super) cards: Option<String>,
    pub(super) state: String,
    pub(super) round: i64,
    pub(super) quorum: Option<i64>,
    pub(super) deadline: Option<i64>,
    pub(super) final_size: Option<String>,
    pub(super) expected_voters: String,
    pub(super) reveal_when_all_voted: bool,
    pub(super) created_at: i64,
    pub(super) updated_at: i64,
    pub(super) closed_at: Option<i64>,
}

impl TryFrom<VoteRow> for VoteRecord {
    type Error = StoreError;

    fn try_from(row: VoteRow) -> Result<VoteRecord, StoreError> {
        let corrupt = |what: &str| {
            StoreError::Other(sqlx::Error::Decode(
                format!("vote {}: bad {what}", row.id).into(),
            ))
        };
        let deck = deck_kind(&row.deck).ok_or_else(|| corrupt("deck"))?;
        let state = vote_state(&row.state).ok_or_else(|| corrupt("state"))?;
        let cards = match &row.cards {
            Some(json) => Some(serde_json::from_str(json).map_err(|_| corrupt("cards"))?),
            None => None,
        };
        let expected_voters =
            serde_json::from_str(&row.expected_voters).map_err(|_| corrupt("expected voters"))?;
        Ok(VoteRecord {
            deck,
            state,
            cards,
            round: u32::try_from(row.round).map_err(|_| corrupt("round"))?,
            quorum: row.quorum.and_then(|q| u32::try_from(q).ok()),
            deadline: row.deadline.map(time),
            created_at: time(row.created_at),
            updated_at: time(row.updated_at),
            closed_at: row.closed_at.map(time),
            id: row.id,
            name: row.name,
            url: row.url,
            project: row.project,
            owner: row.owner,
            final_size: row.final_size,
            expected_voters,
            reveal_when_all_voted: row.reveal_when_all_voted,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct BallotRow {
    pub(super) id: String,
    pub(super) round: i64,
    pub(super) voter: String,
    pub(super) card: String,
    pub(super) reason: Option<String>,
    pub(super) created_at: i64,
    pub(super) cast_at: i64,
}

impl From<BallotRow> for BallotRecord {
    fn from(row: BallotRow) -> BallotRecord {
        BallotRecord {
            id: row.id,
            round: row.round as u32,
            voter: row.voter,
            card: row.card,
            reason: row.reason,
            created_at: time(row.created_at),
            cast_at: time(row.cast_at),
        }
    }
}

pub(super) const VOTE_COLUMNS: &str = "v.id, v.name, v.url, v.project, v.owner, v.deck, v.cards, v.state, \
     v.round, v.quorum, v.deadline, v.final_size, v.expected_voters, v.reveal_when_all_voted, \
     v.created_at, v.updated_at, v.closed_at";

/// Voter ids as stored: a JSON array.
pub(super) fn voters_json(voters: &[String]) -> String {
    serde_json::to_string(voters).expect("a list of strings serializes")
}

#[derive(sqlx::FromRow)]
pub(super) struct MemberRow {
    pub(super) username: String,
    pub(super) display_name: String,
    pub(super) role: String,
    pub(super) password_hash: String,
    pub(super) email: Option<String>,
    pub(super) disabled_at: Option<i64>,
}

/// The columns a [`MemberRow`] reads.
pub(super) const MEMBER_COLUMNS: &str =
    "username, display_name, role, password_hash, email, disabled_at";

impl TryFrom<MemberRow> for MemberRecord {
    type Error = StoreError;

    fn try_from(row: MemberRow) -> Result<MemberRecord, StoreError> {
        let role = [Role::Member, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == row.role)
            .ok_or_else(|| {
                StoreError::Other(sqlx::Error::Decode(
                    format!("member {}: bad role", row.username).into(),
                ))
            })?;
        Ok(MemberRecord {
            username: row.username,
            display_name: row.display_name,
            role,
            password_hash: row.password_hash,
            email: row.email,
            disabled: row.disabled_at.is_some(),
        })
    }
}

pub(super) const WEBHOOK_COLUMNS: &str = "w.id, w.url, w.topics, w.project, w.secret, w.created_at, \
     w.created_by, \
     (SELECT COUNT(*) FROM outbox o WHERE o.channel = 'webhook' AND o.target = w.id \
      AND o.delivered_at IS NOT NULL) AS delivered, \
     (SELECT COUNT(*) FROM outbox o WHERE o.channel = 'webhook' AND o.target = w.id \
      AND o.gave_up_at IS NOT NULL) AS failed";

#[derive(sqlx::FromRow)]
pub(super) struct WebhookRow {
    id: String,
    url: String,
    topics: String,
    project: Option<String>,
    secret: String,
    created_at: i64,
    created_by: Option<String>,
    delivered: i64,
    failed: i64,
}

impl From<WebhookRow> for WebhookRecord {
    fn from(row: WebhookRow) -> WebhookRecord {
        WebhookRecord {
            id: row.id,
            url: row.url,
            topics: row.topics.split_whitespace().map(str::to_owned).collect(),
            project: row.project,
            secret: row.secret,
            created_at: time(row.created_at),
            created_by: row.created_by,
            delivered: count(row.delivered),
            failed: count(row.failed),
        }
    }
}

pub(super) const DELIVERY_COLUMNS: &str = "id, channel, target, topic, vote_id, event_id, round, voter, \
     created_at, next_attempt_at, attempts, delivered_at, gave_up_at, last_error";

#[derive(sqlx::FromRow)]
pub(super) struct DeliveryRow {
    id: i64,
    channel: String,
    target: String,
    topic: String,
    vote_id: Option<String>,
    event_id: Option<i64>,
    round: Option<i64>,
    voter: Option<String>,
    created_at: i64,
    next_attempt_at: i64,
    attempts: i64,
    delivered_at: Option<i64>,
    gave_up_at: Option<i64>,
    last_error: Option<String>,
}

impl TryFrom<DeliveryRow> for DeliveryRecord {
    type Error = StoreError;

    fn try_from(row: DeliveryRow) -> Result<DeliveryRecord, StoreError> {
        Ok(DeliveryRecord {
            id: row.id,
            channel: Channel::parse(&row.channel).ok_or_else(|| corrupt("channel"))?,
            target: row.target,
            topic: row.topic,
            vote_id: row.vote_id,
            event_id: row.event_id,
            round: row.round.map(count),
            voter: row.voter,
            created_at: time(row.created_at),
            next_attempt_at: time(row.next_attempt_at),
            attempts: count(row.attempts),
            delivered_at: row.delivered_at.map(time),
            gave_up_at: row.gave_up_at.map(time),
            last_error: row.last_error,
        })
    }
}
