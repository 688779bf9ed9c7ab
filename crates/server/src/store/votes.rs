//! Votes, their rounds and ballots, and the projects they belong to: the storage of
//! estimation itself.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use asyncvoter_wire::VoteState;

use super::StoreError;
use crate::domain::records::{
    BallotCast, CastOutcome, NewVoteRecord, OverviewRecord, ProjectRecord, RevealCause,
    VoteChanges, VoteHistory, VoteListing, VoteRecord,
};

/// Votes, rounds, ballots and projects.
#[async_trait]
pub trait VoteStore: Send + Sync {
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
