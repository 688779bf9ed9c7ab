//! The embedded default: one SQLite file in WAL mode.
//!
//! Writes go through a pool of one connection and start with `BEGIN IMMEDIATE`, so writers
//! queue in-process instead of racing for SQLite's single write lock; reads use their own
//! pool and see a consistent snapshot.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Sqlite, SqlitePool, Transaction};

use asyncvoter_wire::{EventKind, Scope, VoteState};

use super::rows::*;
use super::*;
use crate::domain::lifecycle::{self, AutoReveal, Change, Closing, Turnout};
use crate::domain::notices;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Runs the migrations on a connection of their own with foreign keys off, as SQLite's
/// procedure for rebuilding a table asks (with them on, dropping the old table would
/// cascade to the rows that refer to it), then checks that no reference dangles.
async fn migrate(options: SqliteConnectOptions) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut connection = connect_when_free(options.foreign_keys(false)).await?;
    let mut applied = applied_migrations(&mut connection).await;
    // Each migration is one transaction, but SQLite has no lock across them: a process
    // opening the same new file at once (a server and a CLI command) may apply a step
    // first, and ours of that step then fails. Go on from where it got, while it gets on.
    while let Err(error) = MIGRATOR.run(&mut connection).await {
        let now = applied_migrations(&mut connection).await;
        if now <= applied {
            return Err(error.into());
        }
        applied = now;
    }
    let dangling: Vec<sqlx::sqlite::SqliteRow> = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut connection)
        .await?;
    connection.close().await?;
    if dangling.is_empty() {
        Ok(())
    } else {
        Err(sqlx::Error::Protocol(format!(
            "{} rows refer to rows that are gone after the migrations",
            dangling.len()
        )))
    }
}

/// Opens a connection, waiting while another process holds the file: turning a new file
/// to WAL mode takes it whole, and SQLite then refuses a connection's own setting of the
/// mode at once ("database is locked") instead of waiting its busy timeout.
async fn connect_when_free(
    options: SqliteConnectOptions,
) -> Result<sqlx::SqliteConnection, sqlx::Error> {
    use sqlx::ConnectOptions;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match options.connect().await {
            Err(error) if is_busy(&error) && tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            done => return done,
        }
    }
}

/// Whether SQLite answered "busy" or "locked" (the primary codes 5 and 6).
fn is_busy(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|db| db.code())
        .and_then(|code| code.parse::<u32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// How many migrations the database records as applied (none before the first).
async fn applied_migrations(connection: &mut sqlx::SqliteConnection) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(connection)
        .await
        .unwrap_or(0)
}

/// Connections that read, besides the one that writes.
const READERS: u32 = 8;

/// A SQLite database file.
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    appended: std::sync::Arc<tokio::sync::Notify>,
    /// Ballots on their way to be written together.
    ballots: std::sync::Arc<BallotWriter>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` and runs the migrations.
    pub async fn open(url: &str) -> Result<SqliteStore, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory {
            migrate(options.clone()).await?;
        }
        // Connections are opened at start and kept: a file needs no reconnecting, and a
        // process out of file descriptors (a flood of connections) still reaches its data.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        // An in-memory database exists once per connection: migrate and share the writer.
        if in_memory {
            MIGRATOR.run(&writer).await?;
        }
        let reader = if in_memory {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(READERS)
                .min_connections(READERS)
                .idle_timeout(None)
                .max_lifetime(None)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?
        };
        Ok(SqliteStore {
            writer,
            reader,
            appended: Default::default(),
            ballots: Default::default(),
        })
    }

    /// A vote's current voters as a JSON array.
    const CURRENT_VOTERS: &str = "(SELECT json_group_array(b.voter ORDER BY b.created_at, b.id) \
         FROM ballots b WHERE b.vote_id = v.id AND b.round = v.round)";
    /// SQLite's `LIKE` ignores the case of ASCII letters (only) by itself.
    const ASCII_LOWER_NAME: &str = "v.name";
    /// A vote expects a voter: the JSON array holds their id.
    const EXPECTS: (&str, &str) = (
        "EXISTS (SELECT 1 FROM json_each(v.expected_voters) e WHERE e.value = ",
        ")",
    );
    /// One writer claims deliveries: nothing to skip.
    const SKIP_LOCKED: &str = "";
    /// Writes are serialized by `BEGIN IMMEDIATE`: no row locks.
    const FOR_UPDATE: &str = "";

    fn voters(row: &SqliteRow) -> Result<Vec<String>, StoreError> {
        use sqlx::Row;
        let voters: String = row.try_get("voters")?;
        serde_json::from_str(&voters).map_err(|e| StoreError::Other(sqlx::Error::Decode(e.into())))
    }

    /// Nothing to tell: only this process writes the file, and its hub is woken on commit.
    async fn announce(_: &mut Transaction<'_, Sqlite>, _: i64) -> Result<(), StoreError> {
        Ok(())
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        match self.writer.begin_with("BEGIN IMMEDIATE").await {
            // A COMMIT that failed (a full or read-only disk) can leave the connection
            // believing it is inside a transaction SQLite already ended, and every later
            // BEGIN would fail: replace the connection, then begin again.
            Err(sqlx::Error::InvalidSavePointStatement) => {
                tracing::warn!("replacing the write connection after a failed commit");
                self.writer.acquire().await?.close().await?;
                Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
            }
            result => Ok(result?),
        }
    }
}

sql::sql_store!(SqliteStore, Sqlite);
