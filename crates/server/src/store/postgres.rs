//! PostgreSQL, for several `asyncvoter` instances sharing one database.
//!
//! Every write takes one transaction-scoped advisory lock first, so writes are serialized
//! as SQLite's are: event ids then commit in order (a stream never skips one committed
//! late) and a reveal races nothing. After each commit that appended events a `NOTIFY`
//! carrying the id wakes the event hub of every instance; a listener that lost its
//! connection reconnects and the hub catches up from the log.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions, PgRow};
use sqlx::{PgPool, Postgres, Transaction};

use asyncvoter_wire::{EventKind, Scope, VoteState};

use super::rows::*;
use super::*;
use crate::domain::lifecycle::{self, AutoReveal, Change, Closing, Turnout};
use crate::domain::notices;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The channel `NOTIFY` uses; payloads are event ids.
const CHANNEL: &str = "asyncvoter_events";
/// The advisory lock every write holds until it commits.
const WRITE_LOCK: i64 = 0x6173_796e_6376_6f74; // "asyncvot"

/// A PostgreSQL database shared by any number of instances.
#[derive(Clone)]
pub struct PostgresStore {
    /// One pool serves reads and writes; `writer` and `reader` name it for the SQL.
    writer: PgPool,
    reader: PgPool,
    appended: std::sync::Arc<tokio::sync::Notify>,
    /// Ballots on their way to be written together.
    ballots: std::sync::Arc<BallotWriter>,
}

impl PostgresStore {
    /// Connects to the database at `url`, runs the migrations and starts listening for
    /// other instances' changes.
    pub async fn open(url: &str) -> Result<PostgresStore, sqlx::Error> {
        let options = PgConnectOptions::from_str(url)?.application_name("asyncvoter");
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&pool).await?;
        let appended = std::sync::Arc::new(tokio::sync::Notify::new());
        // Named per process, so an operator (or a test) can tell the listeners apart.
        let listener_options =
            options.application_name(&format!("asyncvoter-listener-{}", std::process::id()));
        let listener_pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(listener_options);
        tokio::spawn(listen(listener_pool, appended.clone()));
        Ok(PostgresStore {
            writer: pool.clone(),
            reader: pool,
            appended,
            ballots: Default::default(),
        })
    }

    /// A vote's current voters as an array.
    const CURRENT_VOTERS: &str = "ARRAY(SELECT b.voter FROM ballots b \
         WHERE b.vote_id = v.id AND b.round = v.round ORDER BY b.created_at, b.id)";
    /// ASCII letters lowered, and no others: `lower()` and `ILIKE` would fold `É` too,
    /// which SQLite's `LIKE` does not.
    const ASCII_LOWER_NAME: &str =
        "translate(v.name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
    /// A vote expects a voter: the JSON array holds their id.
    const EXPECTS: (&str, &str) = ("v.expected_voters::jsonb ? ", "");
    /// Deliveries another instance holds are skipped, never waited for.
    const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";
    /// Serialized writes still lock the vote row they read, against readers that write.
    const FOR_UPDATE: &str = " FOR UPDATE";

    fn voters(row: &PgRow) -> Result<Vec<String>, StoreError> {
        use sqlx::Row;
        Ok(row.try_get("voters")?)
    }

    /// Tells every instance's hub, on commit only, that event `id` was appended.
    async fn announce(tx: &mut Transaction<'_, Postgres>, id: i64) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// Wakes the hub on every `NOTIFY` from any instance. When the connection drops, the next
/// receive reconnects (and listens again); the hub is woken to catch up from the log.
async fn listen(pool: PgPool, appended: std::sync::Arc<tokio::sync::Notify>) {
    let mut listener = loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => break listener,
                Err(error) => tracing::warn!(%error, "cannot LISTEN; retrying"),
            },
            Err(error) => tracing::warn!(%error, "cannot open the listener connection; retrying"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    loop {
        match listener.try_recv().await {
            Ok(Some(_)) => appended.notify_one(),
            Ok(None) => {
                tracing::warn!("the listener connection dropped; reconnecting and catching up");
                appended.notify_one();
            }
            Err(error) => {
                tracing::warn!(%error, "the listener failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                appended.notify_one();
            }
        }
    }
}

sql::sql_store!(PostgresStore, Postgres);
