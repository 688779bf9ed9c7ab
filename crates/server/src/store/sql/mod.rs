//! The one SQL implementation of [`Store`](super::Store), for SQLite and PostgreSQL alike.
//!
//! Every statement and every step is written once, in this folder's file for its concern
//! (`votes.rs` implements `VoteStore`, with a ballot's way in, the group-commit writer
//! included, in `ballots.rs`, and so on; the steps several share are here), and
//! expanded for each backend by `sql_store!(Backend, Database)`, which expands each
//! concern's macro in turn; placeholders are `$n`, which both drivers bind. A
//! backend supplies only what really differs, as items of its own type:
//!
//! - `CURRENT_VOTERS`: the SQL of a vote `v`'s current voters, earliest first, as one
//!   column, and `voters(row)` to read it (a JSON array on SQLite, an array on PostgreSQL);
//! - `ASCII_LOWER_NAME`: a vote `v`'s name with ASCII letters in lower case, for a `LIKE`
//!   that ignores their case only;
//! - `FOR_UPDATE`: the row lock a change takes on the vote it reads;
//! - `EXPECTS`: the SQL around a bound voter id that holds when vote `v` expects them;
//! - `begin_write()`: how a write transaction starts (`BEGIN IMMEDIATE`, an advisory lock);
//! - `announce(tx, id)`: what an appended event tells other processes (PostgreSQL `NOTIFY`);
//! - `writer`, `reader` pools and the `appended` notifier, woken after each commit.
//!
//! Why a macro and not a `SqlStore<D: Database>`: generic sqlx code needs higher-ranked
//! bounds on the connection type, which rustc cannot carry into the `Send` futures the
//! trait returns. Expanded per backend, every type is concrete.

/// How often an integration token's last use is written: at most once a minute.
pub(super) const LAST_USE_EVERY_MS: i64 = 60_000;

pub(in crate::store) mod access;
pub(in crate::store) mod ballots;
pub(in crate::store) mod events;
pub(in crate::store) mod members;
pub(in crate::store) mod notifications;
pub(in crate::store) mod slack;
pub(in crate::store) mod votes;

macro_rules! sql_store {
    ($store:ident, $db:ty) => {
        impl $store {
            /// Commits a write that appended events and wakes this process's event hub.
            async fn commit(&self, tx: sqlx::Transaction<'static, $db>) -> Result<(), StoreError> {
                tx.commit().await?;
                self.appended.notify_one();
                Ok(())
            }

            /// Runs one statement in a write transaction of its own; the rows it changed.
            async fn write_one<'q>(
                &self,
                statement: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
            ) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                let done = statement.execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }

            /// Binds `ids` as the list of an `IN (` already written, and closes it.
            fn push_ids(sql: &mut sqlx::QueryBuilder<'_, $db>, ids: &[String]) {
                let mut listed = sql.separated(", ");
                for id in ids {
                    listed.push_bind(id.clone());
                }
                sql.push(")");
            }

            /// Appends a change to the event log, inside the change's own transaction.
            async fn record_event(
                tx: &mut sqlx::Transaction<'_, $db>,
                vote_id: &str,
                kind: EventKind,
                voter: Option<&str>,
                round: i64,
                at: i64,
            ) -> Result<(), StoreError> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO events (vote_id, kind, voter, round, at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(vote_id)
                .bind(kind.as_str())
                .bind(voter)
                .bind(round)
                .bind(at)
                .fetch_one(&mut **tx)
                .await?;
                Self::enqueue_notices(tx, id, vote_id, kind, voter, round, at).await?;
                Self::announce(tx, id).await
            }
        }

        $crate::store::sql::events::sql_events!($store, $db);
        $crate::store::sql::votes::sql_votes!($store, $db);
        $crate::store::sql::ballots::sql_ballots!($store, $db);
        $crate::store::sql::members::sql_members!($store, $db);
        $crate::store::sql::access::sql_access!($store, $db);
        $crate::store::sql::notifications::sql_notifications!($store, $db);
        $crate::store::sql::slack::sql_slack!($store, $db);
    };
}

pub(super) use sql_store;
