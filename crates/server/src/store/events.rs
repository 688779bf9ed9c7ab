//! The event log every change appends to, and the versions readers compare to know
//! whether anything changed.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::records::EventRecord;

/// The event log and the database's health: what live updates and caches read.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Answers when the database can serve queries.
    async fn ping(&self) -> Result<(), StoreError>;

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
}

/// See [`EventStore::read_version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::FromRow)]
pub struct ReadVersion {
    /// The newest event's id (0 when there is none).
    pub event: i64,
    /// Changes to the names lists show.
    pub names: i64,
}
