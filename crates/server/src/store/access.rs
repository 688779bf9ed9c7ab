//! Who may act: login sessions, the login limiter's attempts, and integration tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use asyncvoter_wire::Scope;

use super::StoreError;
use crate::domain::records::{Integration, IntegrationRecord, SessionRecord};

/// Sessions, login attempts and integration tokens.
#[async_trait]
pub trait AccessStore: Send + Sync {
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
