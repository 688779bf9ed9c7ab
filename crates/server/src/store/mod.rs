//! Storage behind one trait, so the SQLite default and a PostgreSQL backend serve the same
//! callers. Both are one SQL implementation (`sql`) over a small dialect each; every
//! method is one transaction, and changes ask `domain::lifecycle` inside it.

pub mod backup;
mod postgres;
mod rows;
mod sql;
mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use asyncvoter_wire::{Scope, VoteState};

pub use crate::domain::records::*;
use crate::domain::views::{self, Names};
pub use postgres::PostgresStore;
pub use rows::unavailable_reason;
pub use sqlite::SqliteStore;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such vote, ballot or record; names which.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The record exists but is not in a state that allows the change.
    #[error("{0}")]
    Conflict(String),
    /// The database cannot be reached or used right now.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Anything else; logged, never shown.
    #[error("database error")]
    Other(#[source] sqlx::Error),
}

/// Which deliveries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct DeliveryQuery {
    pub channel: Option<Channel>,
    pub target: Option<String>,
    /// Only those whose last attempt failed, or that were given up on.
    pub failed_only: bool,
    pub limit: u32,
}

/// What reserving a login attempt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Counted, under this attempt id.
    Made(i64),
    /// Refused: a key holds the maximum; it frees up once the attempt at this time
    /// leaves the window.
    Full(DateTime<Utc>),
}

/// Which votes a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    /// Every vote.
    #[default]
    All,
    /// Open or revealed: the ongoing list.
    Ongoing,
    /// Exactly this state.
    Only(VoteState),
}

/// Where a page of votes starts: after this vote in activity order (or creation order,
/// see [`VoteQuery::oldest_first`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    /// The sort key of the vote: its `updated_at` (or `created_at`), in milliseconds.
    pub updated_at_ms: i64,
    pub id: String,
}

/// A list query; `limit` is the page size.
#[derive(Debug, Clone, Default)]
pub struct VoteQuery {
    pub state: StateFilter,
    pub project: Option<String>,
    /// Case-insensitive part of the name.
    pub name_contains: Option<String>,
    /// Only votes that closed in this range (or, not closed, started in it).
    pub between: TimeRange,
    pub after: Option<ListCursor>,
    pub limit: u32,
    /// Only open votes that expect this voter and have no ballot of theirs in the current
    /// round, soonest deadline first.
    pub waiting_for: Option<String>,
    /// Oldest first, by creation (the cursor's time is then `created_at`): an order no
    /// later change moves a vote in, for exports.
    pub oldest_first: bool,
}

/// From (inclusive) and to (exclusive); either end open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// The storage every backend provides.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database can serve queries.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Starts a vote with round 1 open (or closed, when `final_size` is given).
    async fn create_vote(
        &self,
        vote: NewVoteRecord,
        at: DateTime<Utc>,
    ) -> Result<VoteRecord, StoreError>;

    /// One page of votes, newest activity first; returns up to `limit + 1` so the caller
    /// knows whether another page follows.
    async fn list_votes(&self, query: &VoteQuery) -> Result<Vec<VoteListing>, StoreError>;

    /// A vote with every round and ballot.
    async fn vote(&self, id: &str) -> Result<VoteHistory, StoreError>;

    /// A vote alone, without its rounds and ballots: one row, for the checks before a
    /// change (deck, owner, state).
    async fn vote_record(&self, id: &str) -> Result<VoteRecord, StoreError>;

    /// Casts or replaces a ballot in the current round of an open vote, and reveals the
    /// round in the same transaction when it completes the quorum.
    async fn cast_ballot(&self, cast: BallotCast) -> Result<CastOutcome, StoreError>;

    /// Withdraws a voter's ballot from the current round of an open vote.
    async fn withdraw_ballot(
        &self,
        vote_id: &str,
        voter: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Reveals the current round of an open vote.
    async fn reveal(
        &self,
        vote_id: &str,
        cause: RevealCause,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Opens the next round of a revealed vote, or re-opens a closed one (its final size
    /// cleared). A deadline already past is cleared.
    async fn start_round(&self, vote_id: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Deletes a vote with its rounds and ballots, and what was still to be sent about it;
    /// records `vote_deleted` (with the webhooks that hear of it) in the same transaction.
    async fn delete_vote(&self, vote_id: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Closes an open or revealed vote with its final size, revealing the round if needed;
    /// on a closed vote, changes its final size (`domain::lifecycle::closing`).
    async fn close(
        &self,
        vote_id: &str,
        final_size: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Changes a vote's settings (`domain::lifecycle::allows_changes` decides what may
    /// change), and reveals the round when the new quorum or expected voters are already
    /// met.
    async fn update_vote(
        &self,
        vote_id: &str,
        changes: VoteChanges,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// A project's remembered settings, if it has any.
    async fn project(&self, name: &str) -> Result<Option<ProjectRecord>, StoreError>;

    /// Stores a project's settings.
    async fn save_project(
        &self,
        project: &ProjectRecord,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Reveals every open vote whose deadline is at or before `at`, each exactly once even
    /// when several tasks run this together; returns their ids.
    async fn reveal_due(&self, at: DateTime<Utc>) -> Result<Vec<String>, StoreError>;

    /// The overview's aggregates, computed in the database: activity since `since`, the
    /// `top_voters` most active voters.
    async fn overview(
        &self,
        since: DateTime<Utc>,
        top_voters: u32,
    ) -> Result<OverviewRecord, StoreError>;

    /// Up to `limit` events with ids above `after`, oldest first.
    async fn events_after(&self, after: i64, limit: u32) -> Result<Vec<EventRecord>, StoreError>;

    /// The newest event's id (0 when there is none).
    async fn last_event_id(&self) -> Result<i64, StoreError>;

    /// What a list read shows can only have changed when this has: the newest event's id
    /// and how often a shown name changed (counted by triggers, whoever writes). Read
    /// before the list, it keys the list's cached answer (`read_cache`).
    async fn read_version(&self) -> Result<ReadVersion, StoreError>;

    /// How often credentials have ended, whoever ended them: a session deleted, a member
    /// disabled, a token revoked (counted by triggers). The event hub reads it each second
    /// so its streams notice what another process or instance ended.
    async fn credentials_version(&self) -> Result<i64, StoreError>;

    /// Woken after every commit that appended events, so the event hub reads them at once.
    fn appended(&self) -> std::sync::Arc<tokio::sync::Notify>;

    /// Records a new integration token by its hash, with its scopes. Conflict when the
    /// name is taken or `at_most` tokens exist already.
    async fn create_integration(
        &self,
        name: &str,
        token_hash: &str,
        scopes: &[Scope],
        at_most: u32,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The integration a token hash belongs to, noting its use at `at` (at most once a
    /// minute, so reads stay reads).
    async fn integration_by_token(
        &self,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Integration>, StoreError>;

    /// Every integration token, by name.
    async fn integrations(&self) -> Result<Vec<IntegrationRecord>, StoreError>;

    /// Deletes an integration's token: its next request is refused. NotFound when there is
    /// no such integration.
    async fn revoke_integration(&self, name: &str) -> Result<(), StoreError>;

    /// Adds a member. Conflict when the username is taken.
    async fn create_member(
        &self,
        member: &MemberRecord,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// A member by username.
    async fn member(&self, username: &str) -> Result<Option<MemberRecord>, StoreError>;

    /// Changes a member; disabling one ends their sessions in the same transaction.
    /// Conflict when the change would leave no active admin (counted in the write
    /// transaction, so two admins disabling each other at once cannot both succeed);
    /// NotFound for an unknown member.
    async fn update_member(
        &self,
        username: &str,
        changes: &MemberChanges,
        at: DateTime<Utc>,
    ) -> Result<MemberRecord, StoreError>;

    /// The member a single sign-on identity is, in step with what the provider says now
    /// (display name, email, and the role when an admin claim is configured, except that
    /// the last active admin stays one); made at its first login under the first free
    /// username of `profile.usernames`. Disabled members are returned as they are.
    async fn sso_member(
        &self,
        profile: &SsoProfile,
        at: DateTime<Utc>,
    ) -> Result<MemberRecord, StoreError>;

    /// Every member, by username.
    async fn members(&self) -> Result<Vec<MemberRecord>, StoreError>;

    /// Replaces a member's password hash.
    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// `(username, display name)` of the given members that exist.
    async fn display_names(
        &self,
        usernames: &[String],
    ) -> Result<Vec<(String, String)>, StoreError>;

    /// The histories of votes `ids` (in that order; unknown ids are left out), read in one
    /// transaction: for exports.
    async fn vote_histories(&self, ids: &[String]) -> Result<Vec<VoteHistory>, StoreError>;

    /// The `(voter, card)` ballots of the current round of each of votes `ids` whose
    /// current round is revealed (sealed rounds give nothing), by vote id.
    async fn revealed_cards(
        &self,
        ids: &[String],
    ) -> Result<Vec<(String, String, String)>, StoreError>;

    /// Every project's name, once each ignoring case, alphabetically: for suggestions.
    async fn project_names(&self) -> Result<Vec<String>, StoreError>;

    /// The names integrations gave these external voters, for those that have one.
    async fn external_names(&self, ids: &[String]) -> Result<Vec<(String, String)>, StoreError>;

    /// Registers a webhook unless `at_most` are registered already; true when it did.
    async fn create_webhook(
        &self,
        webhook: &WebhookRecord,
        at_most: u32,
    ) -> Result<bool, StoreError>;

    /// Every webhook, oldest first, with its delivery counts.
    async fn webhooks(&self) -> Result<Vec<WebhookRecord>, StoreError>;

    /// A webhook by id.
    async fn webhook(&self, id: &str) -> Result<WebhookRecord, StoreError>;

    /// Removes a webhook and what was still to be delivered to it.
    async fn delete_webhook(&self, id: &str) -> Result<(), StoreError>;

    /// Writes a test delivery to a webhook into the outbox; its id.
    async fn enqueue_ping(&self, webhook_id: &str, at: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Takes up to `limit` deliveries that are due, held by no other worker and first
    /// in line for their target and vote, and holds them until `lease_until` (counting
    /// the attempt). On PostgreSQL rows another instance holds are skipped
    /// (`FOR UPDATE SKIP LOCKED`): each delivery is made by one instance.
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;

    /// Records how an attempt went.
    async fn finish_delivery(
        &self,
        id: i64,
        outcome: DeliveryOutcome,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Deliveries, newest first.
    async fn deliveries(&self, query: &DeliveryQuery) -> Result<Vec<DeliveryRecord>, StoreError>;

    /// What a member wants to hear, and where. NotFound when there is no such member.
    async fn member_settings(&self, username: &str) -> Result<MemberSettingsRecord, StoreError>;

    /// Stores what a member wants to hear.
    async fn save_member_settings(
        &self,
        username: &str,
        settings: &MemberSettingsRecord,
    ) -> Result<(), StoreError>;

    /// The secret in a member's unsubscribe links, made on first use.
    async fn unsubscribe_token(&self, username: &str) -> Result<String, StoreError>;

    /// Stops the emails of `topic` (or all, for any other topic) for the member whose
    /// unsubscribe token this is; their username, or `None` for an unknown token.
    async fn unsubscribe(&self, token: &str, topic: &str) -> Result<Option<String>, StoreError>;

    /// Open votes with expected voters whose deadline falls after `now` and within
    /// `within`, with the voters of their current round and the reminders sent in it.
    async fn reminder_candidates(
        &self,
        now: DateTime<Utc>,
        within: chrono::Duration,
    ) -> Result<Vec<ReminderCandidate>, StoreError>;

    /// Marks each reminder's lead times sent and, for those not sent before, writes the
    /// email into the outbox and a `reminder_sent` event; how many were sent.
    async fn send_reminders(
        &self,
        due: &[ReminderDue],
        at: DateTime<Utc>,
    ) -> Result<u32, StoreError>;

    /// In one write transaction: unless a key already holds `max` attempts since `since`,
    /// counts an attempt at `at` under every key and returns its id; attempts older than
    /// `since` are forgotten. Concurrent callers cannot all pass the check.
    async fn reserve_login_attempt(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        since: DateTime<Utc>,
        max: u32,
    ) -> Result<Reservation, StoreError>;

    /// Forgets a reserved attempt (it succeeded).
    async fn clear_login_attempt(&self, attempt: i64) -> Result<(), StoreError>;

    /// The unexpired session whose id hashes to `id_hash`.
    async fn session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>, StoreError>;

    /// Stores a new session; false when its id is taken. Expired sessions are deleted.
    async fn create_session(
        &self,
        session: &SessionRecord,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Stores a session, new or changed.
    async fn save_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    /// Deletes a session (nothing when there is none).
    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;

    /// Ends every session of `member` but `keep`; returns how many ended.
    async fn end_sessions_of(&self, member: &str, keep: Option<&str>) -> Result<u64, StoreError>;

    /// Per outbox channel: how many notifications wait to be delivered, and how many were
    /// given up on.
    async fn outbox_counts(&self) -> Result<Vec<(String, i64, i64)>, StoreError>;

    /// The member whose email address is `email`, ignoring case.
    async fn member_by_email(&self, email: &str) -> Result<Option<String>, StoreError>;

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

/// The display names of the members among `ids`, for a response that shows voters.
pub async fn names<'a>(
    store: &dyn Store,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<Names, StoreError> {
    let ids: Vec<&str> = ids.into_iter().collect();
    let members = views::member_ids(ids.iter().copied());
    let externals = views::external_ids(ids.iter().copied());
    let mut names: Names = store.display_names(&members).await?.into_iter().collect();
    for (id, name) in store.external_names(&externals).await? {
        names.name_external(id, &name);
    }
    Ok(names)
}

/// The members among `ids` that do not exist (external ids are never checked).
pub async fn unknown_members(store: &dyn Store, ids: &[String]) -> Result<Vec<String>, StoreError> {
    let members = views::member_ids(ids.iter().map(String::as_str));
    let known = store.display_names(&members).await?;
    Ok(members
        .into_iter()
        .filter(|m| !known.iter().any(|(username, _)| username == m))
        .collect())
}

/// The way to the one task that writes a store's ballots, in batches (group commit):
/// ballots that arrive while a batch is being written go together in the next
/// transaction, each answered only after its commit (see `cast_ballot` in `sql.rs`).
#[derive(Default)]
pub struct BallotWriter {
    queue: std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<PendingBallot>>,
}

/// A ballot and where its outcome goes.
pub type PendingBallot = (
    BallotCast,
    tokio::sync::oneshot::Sender<Result<CastOutcome, StoreError>>,
);

/// Most ballots written in one transaction.
pub const MOST_BATCHED: usize = 64;

impl BallotWriter {
    /// Hands `cast` to the writer, which `start` spawns on first use with the queue it
    /// reads; the ballot's outcome once its transaction has committed.
    pub async fn write(
        &self,
        cast: BallotCast,
        start: impl FnOnce(tokio::sync::mpsc::UnboundedReceiver<PendingBallot>),
    ) -> Result<CastOutcome, StoreError> {
        let queue = self.queue.get_or_init(|| {
            let (queue, ballots) = tokio::sync::mpsc::unbounded_channel();
            start(ballots);
            queue
        });
        let (reply, outcome) = tokio::sync::oneshot::channel();
        let lost = || StoreError::Conflict("the ballot was not written; try again".into());
        queue.send((cast, reply)).map_err(|_| lost())?;
        outcome.await.unwrap_or_else(|_| Err(lost()))
    }
}

/// The next batch: the first ballot to arrive and those queued behind it.
pub async fn next_batch(
    ballots: &mut tokio::sync::mpsc::UnboundedReceiver<PendingBallot>,
) -> Option<Vec<PendingBallot>> {
    let first = ballots.recv().await?;
    let mut batch = vec![first];
    while batch.len() < MOST_BATCHED {
        match ballots.try_recv() {
            Ok(next) => batch.push(next),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// See [`Store::read_version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::FromRow)]
pub struct ReadVersion {
    /// The newest event's id (0 when there is none).
    pub event: i64,
    /// Changes to the names lists show.
    pub names: i64,
}

/// Opens the store a database URL names: `sqlite://PATH` (created if missing) or
/// `postgres://…` (`postgresql://…`), with its migrations run.
pub async fn open(url: &str) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    use anyhow::Context;
    match url.split_once(':').map(|(scheme, _)| scheme) {
        Some("sqlite") => {
            // SQLite would quietly open a file it cannot write as read-only, and every vote
            // would then fail: refuse to start instead, and say why.
            if let Some(problem) = unwritable(url) {
                anyhow::bail!("cannot open the SQLite database {}: {problem}", redact(url));
            }
            create_private(url)
                .with_context(|| format!("cannot create the SQLite database {}", redact(url)))?;
            let store = SqliteStore::open(url)
                .await
                .with_context(|| format!("cannot open the SQLite database {}", redact(url)))?;
            Ok(std::sync::Arc::new(store))
        }
        Some("postgres" | "postgresql") => {
            let store = PostgresStore::open(url)
                .await
                .with_context(|| format!("cannot open the PostgreSQL database {}", redact(url)))?;
            Ok(std::sync::Arc::new(store))
        }
        _ => anyhow::bail!(
            "unsupported database URL {}: use sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE",
            redact(url)
        ),
    }
}

/// Opens a database that exists already, as every command but `serve` does: a mistyped
/// `--database-url` must not quietly make a new, empty one. Says where it looked.
pub async fn open_existing(url: &str) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("sqlite:")
        && let Some(path) = sqlite_path(url).filter(|p| !p.exists())
    {
        let looked = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        anyhow::bail!(
            "there is no database at {} (from --database-url {}). Only `asyncvoter serve` \
             creates one: check the path, or start the server once first",
            looked.display(),
            redact(url)
        );
    }
    open(url).await
}

/// The file a `sqlite:` URL names, unless it is in memory.
fn sqlite_path(url: &str) -> Option<&std::path::Path> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| std::path::Path::new(path))
}

/// Creates a missing database file readable by its owner only (0600): it holds password
/// hashes. SQLite gives its WAL and shared-memory files the same mode.
fn create_private(url: &str) -> std::io::Result<()> {
    let Some(path) = sqlite_path(url).filter(|p| !p.exists()) else {
        return Ok(());
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other.map(drop),
    }
}

/// Why an existing SQLite file cannot be written, if it cannot.
fn unwritable(url: &str) -> Option<String> {
    let path = sqlite_path(url).filter(|p| p.exists())?;
    match may_write(path) {
        Ok(()) => None,
        Err(error) if error.raw_os_error() == Some(30) => {
            Some("the file system is read-only; nothing could be saved there".to_owned())
        }
        Err(error) => Some(format!("the file cannot be written: {error}")),
    }
}

/// Whether this process may write `path`, asked without opening it: closing any file
/// descriptor of a file ends every POSIX lock the process holds on it, so opening a
/// database that a store of this process has open would take SQLite's locks from under
/// it (seen: that store's reads then missed what other processes wrote).
#[cfg(unix)]
fn may_write(path: &std::path::Path) -> std::io::Result<()> {
    rustix::fs::access(path, rustix::fs::Access::WRITE_OK).map_err(std::io::Error::from)
}

/// Whether this process may write `path` (no POSIX locks to lose here).
#[cfg(not(unix))]
fn may_write(path: &std::path::Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map(drop)
}

/// A database URL fit for logs: any password replaced.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn other_schemes_get_a_clear_error_without_the_password() {
        let error = super::open("mysql://root:hunter2@db/app")
            .await
            .err()
            .expect("refused")
            .to_string();
        assert!(error.contains("unsupported database URL"), "{error}");
        assert!(error.contains("postgres://"), "names what works: {error}");
        assert!(!error.contains("hunter2"), "{error}");
    }
}
