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
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{PgPool, Postgres, QueryBuilder, Transaction};

use asyncvoter_wire::EventKind;

use super::rows::*;
use super::*;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The channel `NOTIFY` uses; payloads are event ids.
const CHANNEL: &str = "asyncvoter_events";
/// The advisory lock every write holds until it commits.
const WRITE_LOCK: i64 = 0x6173_796e_6376_6f74; // "asyncvot"

/// A PostgreSQL database shared by any number of instances.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    sessions: std::sync::Arc<tower_sessions_sqlx_store::PostgresStore>,
    appended: std::sync::Arc<tokio::sync::Notify>,
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
        let sessions = tower_sessions_sqlx_store::PostgresStore::new(pool.clone());
        sessions.migrate().await?;
        let appended = std::sync::Arc::new(tokio::sync::Notify::new());
        // Named per process, so an operator (or a test) can tell the listeners apart.
        let listener_options =
            options.application_name(&format!("asyncvoter-listener-{}", std::process::id()));
        let listener_pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(listener_options);
        tokio::spawn(listen(listener_pool, appended.clone()));
        Ok(PostgresStore {
            pool,
            sessions: std::sync::Arc::new(sessions),
            appended,
        })
    }

    /// Commits a write that appended events; the `NOTIFY` in it wakes every hub.
    async fn commit(&self, tx: Transaction<'static, Postgres>) -> Result<(), StoreError> {
        tx.commit().await?;
        self.appended.notify_one();
        Ok(())
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut tx = self.pool.begin().await?;
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

async fn lock_vote(
    tx: &mut Transaction<'_, Postgres>,
    id: &str,
) -> Result<(String, i64, Option<i64>), StoreError> {
    sqlx::query_as("SELECT state, round, quorum FROM votes WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("vote"))
}

/// Appends a change to the event log, inside the change's own transaction.
async fn record_event(
    tx: &mut Transaction<'_, Postgres>,
    vote_id: &str,
    kind: EventKind,
    voter: Option<&str>,
    round: i64,
    at: i64,
) -> Result<(), StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO events (vote_id, kind, voter, round, at) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id",
    )
    .bind(vote_id)
    .bind(kind.as_str())
    .bind(voter)
    .bind(round)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    // Delivered on commit only, to every instance listening.
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn mark_revealed(
    tx: &mut Transaction<'_, Postgres>,
    id: &str,
    round: i64,
    cause: RevealCause,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE rounds SET revealed_at = $1, revealed_by = $2 \
         WHERE vote_id = $3 AND number = $4 AND revealed_at IS NULL",
    )
    .bind(at)
    .bind(cause.as_str())
    .bind(id)
    .bind(round)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn create_vote(
        &self,
        vote: NewVoteRecord,
        at: DateTime<Utc>,
    ) -> Result<VoteRecord, StoreError> {
        let id = new_id();
        let now = ms(at);
        let cards = vote
            .cards
            .as_ref()
            .map(|c| serde_json::to_string(c).expect("a list of strings serializes"));
        let state = if vote.final_size.is_some() {
            VoteState::Closed
        } else {
            VoteState::Open
        };
        let closed_at = vote.final_size.as_ref().map(|_| now);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO votes (id, name, url, project, owner, deck, cards, state, round, quorum, \
             deadline, final_size, created_at, updated_at, closed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&id)
        .bind(&vote.name)
        .bind(&vote.url)
        .bind(&vote.project)
        .bind(&vote.owner)
        .bind(vote.deck.as_str())
        .bind(&cards)
        .bind(state.as_str())
        .bind(vote.quorum.map(i64::from))
        .bind(vote.deadline.map(ms))
        .bind(&vote.final_size)
        .bind(now)
        .bind(now)
        .bind(closed_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO rounds (vote_id, number, started_at, revealed_at, revealed_by) VALUES ($1, 1, $2, $3, $4)")
            .bind(&id)
            .bind(now)
            .bind(closed_at)
            .bind(closed_at.map(|_| RevealCause::Close.as_str()))
            .execute(&mut *tx)
            .await?;
        record_event(&mut tx, &id, EventKind::VoteCreated, None, 1, now).await?;
        self.commit(tx).await?;
        Ok(VoteRecord {
            id,
            name: vote.name,
            url: vote.url,
            project: vote.project,
            owner: vote.owner,
            deck: vote.deck,
            cards: vote.cards,
            state,
            round: 1,
            quorum: vote.quorum,
            deadline: vote.deadline,
            final_size: vote.final_size,
            created_at: time(now),
            updated_at: time(now),
            closed_at: closed_at.map(time),
        })
    }

    async fn list_votes(&self, query: &VoteQuery) -> Result<Vec<VoteListing>, StoreError> {
        // One statement, voters included: a consistent read in one round trip.
        let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(format!(
            "SELECT {VOTE_COLUMNS}, r.revealed_at AS round_revealed_at, \
             ARRAY(SELECT b.voter FROM ballots b WHERE b.vote_id = v.id AND b.round = v.round \
                   ORDER BY b.created_at, b.id) AS voters \
             FROM votes v JOIN rounds r ON r.vote_id = v.id AND r.number = v.round WHERE 1 = 1"
        ));
        match query.state {
            StateFilter::All => {}
            // Spelled as the partial index is, so the planner uses it.
            StateFilter::Ongoing => {
                sql.push(" AND v.state <> 'closed'");
            }
            StateFilter::Only(state) => {
                sql.push(" AND v.state = ").push_bind(state.as_str());
            }
        }
        if let Some(project) = &query.project {
            sql.push(" AND v.project = ").push_bind(project.clone());
        }
        if let Some(part) = &query.name_contains {
            let escaped = part
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            // ILIKE: case is ignored, as SQLite's LIKE does.
            sql.push(" AND v.name ILIKE ")
                .push_bind(format!("%{escaped}%"))
                .push(" ESCAPE '\\'");
        }
        if let Some(after) = &query.after {
            sql.push(" AND (v.updated_at < ")
                .push_bind(after.updated_at_ms)
                .push(" OR (v.updated_at = ")
                .push_bind(after.updated_at_ms)
                .push(" AND v.id < ")
                .push_bind(after.id.clone())
                .push("))");
        }
        sql.push(" ORDER BY v.updated_at DESC, v.id DESC LIMIT ")
            .push_bind(i64::from(query.limit) + 1);

        let rows = sql.build().fetch_all(&self.pool).await?;
        let mut listings = Vec::with_capacity(rows.len());
        for row in &rows {
            use sqlx::{FromRow, Row};
            let revealed_at: Option<i64> = row.try_get("round_revealed_at")?;
            listings.push(VoteListing {
                vote: VoteRecord::try_from(VoteRow::from_row(row)?)?,
                revealed_at: revealed_at.map(time),
                voters: row.try_get("voters")?,
            });
        }
        Ok(listings)
    }

    async fn vote(&self, id: &str) -> Result<VoteHistory, StoreError> {
        let mut conn = self.pool.begin().await?;
        let row: VoteRow = sqlx::query_as(&format!(
            "SELECT {VOTE_COLUMNS} FROM votes v WHERE v.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("vote"))?;
        let rounds: Vec<(i64, i64, Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT number, started_at, revealed_at, revealed_by FROM rounds \
             WHERE vote_id = $1 ORDER BY number",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let ballots: Vec<BallotRow> = sqlx::query_as(
            "SELECT id, round, voter, card, created_at, cast_at FROM ballots \
             WHERE vote_id = $1 ORDER BY round, created_at, id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        conn.commit().await?;
        Ok(VoteHistory {
            vote: row.try_into()?,
            rounds: rounds
                .into_iter()
                .map(
                    |(number, started_at, revealed_at, revealed_by)| RoundRecord {
                        number: number as u32,
                        started_at: time(started_at),
                        revealed_at: revealed_at.map(time),
                        revealed_by: revealed_by.as_deref().and_then(RevealCause::parse),
                    },
                )
                .collect(),
            ballots: ballots.into_iter().map(BallotRecord::from).collect(),
        })
    }

    async fn vote_record(&self, id: &str) -> Result<VoteRecord, StoreError> {
        let row: VoteRow = sqlx::query_as(&format!(
            "SELECT {VOTE_COLUMNS} FROM votes v WHERE v.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("vote"))?;
        row.try_into()
    }

    async fn cast_ballot(&self, cast: BallotCast) -> Result<CastOutcome, StoreError> {
        let now = ms(cast.at);
        let mut tx = self.begin_write().await?;
        let (state, round, quorum) = lock_vote(&mut tx, &cast.vote_id).await?;
        if state != "open" {
            return Err(not_open(&state));
        }
        // One statement for a first ballot and a replaced one; a replaced ballot keeps its
        // id and creation time.
        let new_ballot = new_id();
        let (ballot_id, created_at): (String, i64) = sqlx::query_as(
            "INSERT INTO ballots (id, vote_id, round, voter, card, created_at, cast_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (vote_id, round, voter) \
             DO UPDATE SET card = excluded.card, cast_at = excluded.cast_at \
             RETURNING id, created_at",
        )
        .bind(&new_ballot)
        .bind(&cast.vote_id)
        .bind(round)
        .bind(&cast.voter)
        .bind(&cast.card)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let replaced = ballot_id != new_ballot;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM ballots WHERE vote_id = $1 AND round = $2")
                .bind(&cast.vote_id)
                .bind(round)
                .fetch_one(&mut *tx)
                .await?;
        let quorum_reached = quorum.is_some_and(|q| count >= q);
        let state = if quorum_reached {
            VoteState::Revealed
        } else {
            VoteState::Open
        };
        sqlx::query("UPDATE votes SET updated_at = $1, state = $2 WHERE id = $3")
            .bind(now)
            .bind(state.as_str())
            .bind(&cast.vote_id)
            .execute(&mut *tx)
            .await?;
        record_event(
            &mut tx,
            &cast.vote_id,
            EventKind::BallotCast,
            Some(&cast.voter),
            round,
            now,
        )
        .await?;
        if quorum_reached {
            mark_revealed(&mut tx, &cast.vote_id, round, RevealCause::Quorum, now).await?;
            record_event(
                &mut tx,
                &cast.vote_id,
                EventKind::Revealed,
                None,
                round,
                now,
            )
            .await?;
        }
        self.commit(tx).await?;
        Ok(CastOutcome {
            ballot: BallotRecord {
                id: ballot_id,
                round: round as u32,
                voter: cast.voter,
                card: cast.card,
                created_at: time(created_at),
                cast_at: time(now),
            },
            replaced,
            state,
            ballots_cast: count as u32,
        })
    }

    async fn withdraw_ballot(
        &self,
        vote_id: &str,
        voter: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let (state, round, _) = lock_vote(&mut tx, vote_id).await?;
        if state != "open" {
            return Err(not_open(&state));
        }
        let deleted =
            sqlx::query("DELETE FROM ballots WHERE vote_id = $1 AND round = $2 AND voter = $3")
                .bind(vote_id)
                .bind(round)
                .bind(voter)
                .execute(&mut *tx)
                .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound("ballot"));
        }
        sqlx::query("UPDATE votes SET updated_at = $1 WHERE id = $2")
            .bind(ms(at))
            .bind(vote_id)
            .execute(&mut *tx)
            .await?;
        record_event(
            &mut tx,
            vote_id,
            EventKind::BallotWithdrawn,
            Some(voter),
            round,
            ms(at),
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    async fn reveal(
        &self,
        vote_id: &str,
        cause: RevealCause,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let (state, round, _) = lock_vote(&mut tx, vote_id).await?;
        if state != "open" {
            return Err(not_open(&state));
        }
        sqlx::query("UPDATE votes SET state = 'revealed', updated_at = $1 WHERE id = $2")
            .bind(ms(at))
            .bind(vote_id)
            .execute(&mut *tx)
            .await?;
        mark_revealed(&mut tx, vote_id, round, cause, ms(at)).await?;
        record_event(&mut tx, vote_id, EventKind::Revealed, None, round, ms(at)).await?;
        self.commit(tx).await?;
        Ok(())
    }

    async fn start_round(&self, vote_id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let now = ms(at);
        let mut tx = self.begin_write().await?;
        let (state, round, _) = lock_vote(&mut tx, vote_id).await?;
        match state.as_str() {
            "revealed" => {}
            "open" => {
                return Err(StoreError::Conflict(
                    "the current round is still open: reveal it before starting a new one".into(),
                ));
            }
            other => return Err(not_open(other)),
        }
        sqlx::query(
            "UPDATE votes SET state = 'open', round = round + 1, updated_at = $1, \
             deadline = CASE WHEN deadline <= $2 THEN NULL ELSE deadline END WHERE id = $3",
        )
        .bind(now)
        .bind(now)
        .bind(vote_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO rounds (vote_id, number, started_at) VALUES ($1, $2, $3)")
            .bind(vote_id)
            .bind(round + 1)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        record_event(
            &mut tx,
            vote_id,
            EventKind::RoundStarted,
            None,
            round + 1,
            now,
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    async fn close(
        &self,
        vote_id: &str,
        final_size: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = ms(at);
        let mut tx = self.begin_write().await?;
        let (state, round, _) = lock_vote(&mut tx, vote_id).await?;
        if state == "closed" {
            return Err(not_open(&state));
        }
        sqlx::query(
            "UPDATE votes SET state = 'closed', final_size = $1, closed_at = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(final_size)
        .bind(now)
        .bind(now)
        .bind(vote_id)
        .execute(&mut *tx)
        .await?;
        mark_revealed(&mut tx, vote_id, round, RevealCause::Close, now).await?;
        record_event(&mut tx, vote_id, EventKind::Closed, None, round, now).await?;
        self.commit(tx).await?;
        Ok(())
    }

    async fn reveal_due(&self, at: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
        let now = ms(at);
        let mut tx = self.begin_write().await?;
        let due: Vec<(String, i64)> = sqlx::query_as(
            "UPDATE votes SET state = 'revealed', updated_at = $1 \
             WHERE state = 'open' AND deadline IS NOT NULL AND deadline <= $2 RETURNING id, round",
        )
        .bind(now)
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        for (id, round) in &due {
            mark_revealed(&mut tx, id, *round, RevealCause::Deadline, now).await?;
            record_event(&mut tx, id, EventKind::Revealed, None, *round, now).await?;
        }
        self.commit(tx).await?;
        Ok(due.into_iter().map(|(id, _)| id).collect())
    }

    async fn overview(
        &self,
        since: DateTime<Utc>,
        top_voters: u32,
    ) -> Result<OverviewRecord, StoreError> {
        let since = ms(since);
        let mut conn = self.pool.begin().await?;
        let mut ongoing = Vec::new();
        let rows: Vec<(Option<String>, String, i64)> = sqlx::query_as(
            "SELECT project, state, COUNT(*) FROM votes WHERE state <> 'closed' \
             GROUP BY project, state",
        )
        .fetch_all(&mut *conn)
        .await?;
        for (project, state, n) in rows {
            ongoing.push((
                project,
                vote_state(&state).ok_or_else(|| corrupt("state"))?,
                count(n),
            ));
        }
        let mut final_sizes = Vec::new();
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT deck, final_size, COUNT(*) FROM votes WHERE state = 'closed' \
             GROUP BY deck, final_size",
        )
        .fetch_all(&mut *conn)
        .await?;
        for (deck, size, n) in rows {
            final_sizes.push((
                deck_kind(&deck).ok_or_else(|| corrupt("deck"))?,
                size,
                count(n),
            ));
        }
        let ballots_by_voter: Vec<(String, i64)> = sqlx::query_as(
            "SELECT voter, COUNT(*) AS n FROM ballots WHERE cast_at >= $1 \
             GROUP BY voter ORDER BY n DESC, voter LIMIT $2",
        )
        .bind(since)
        .bind(i64::from(top_voters))
        .fetch_all(&mut *conn)
        .await?;
        let voters: i64 =
            sqlx::query_scalar("SELECT COUNT(DISTINCT voter) FROM ballots WHERE cast_at >= $1")
                .bind(since)
                .fetch_one(&mut *conn)
                .await?;
        let (reveal_buckets, reveal_median_ms) = reveal_times(&mut conn, since).await?;
        conn.commit().await?;
        Ok(OverviewRecord {
            ongoing,
            final_sizes,
            ballots_by_voter: ballots_by_voter
                .into_iter()
                .map(|(voter, n)| (voter, count(n)))
                .collect(),
            voters: count(voters),
            reveal_buckets,
            reveal_median_ms,
        })
    }

    async fn events_after(&self, after: i64, limit: u32) -> Result<Vec<EventRecord>, StoreError> {
        let rows: Vec<(i64, String, String, Option<String>, i64, i64)> = sqlx::query_as(
            "SELECT id, vote_id, kind, voter, round, at FROM events WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, vote_id, kind, voter, round, at)| {
                Ok(EventRecord {
                    id,
                    vote_id,
                    kind: EventKind::parse(&kind).ok_or_else(|| corrupt("event kind"))?,
                    voter,
                    round: count(round),
                    at: time(at),
                })
            })
            .collect()
    }

    async fn last_event_id(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    fn appended(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.appended.clone()
    }

    async fn create_integration(
        &self,
        name: &str,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO integration_tokens (name, token_hash, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(token_hash)
        .bind(ms(at))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "an integration named `{name}` already exists"
            )));
        }
        tx.commit().await?;
        Ok(())
    }

    async fn integration_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<Integration>, StoreError> {
        let name: Option<(String,)> =
            sqlx::query_as("SELECT name FROM integration_tokens WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(name.map(|(name,)| Integration { name }))
    }

    async fn create_member(
        &self,
        member: &MemberRecord,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO members (username, display_name, role, password_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING",
        )
        .bind(&member.username)
        .bind(&member.display_name)
        .bind(member.role.as_str())
        .bind(&member.password_hash)
        .bind(ms(at))
        .bind(ms(at))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "a member named `{}` already exists",
                member.username
            )));
        }
        tx.commit().await?;
        Ok(())
    }

    async fn member(&self, username: &str) -> Result<Option<MemberRecord>, StoreError> {
        let row: Option<MemberRow> = sqlx::query_as(
            "SELECT username, display_name, role, password_hash FROM members WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(MemberRecord::try_from).transpose()
    }

    async fn members(&self) -> Result<Vec<MemberRecord>, StoreError> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT username, display_name, role, password_hash FROM members ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(MemberRecord::try_from).collect()
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE members SET password_hash = $1, updated_at = $2 WHERE username = $3",
        )
        .bind(password_hash)
        .bind(ms(at))
        .bind(username)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound("member"));
        }
        tx.commit().await?;
        Ok(())
    }

    async fn display_names(
        &self,
        usernames: &[String],
    ) -> Result<Vec<(String, String)>, StoreError> {
        if usernames.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql: QueryBuilder<Postgres> =
            QueryBuilder::new("SELECT username, display_name FROM members WHERE username IN (");
        let mut names = sql.separated(", ");
        for username in usernames {
            names.push_bind(username.clone());
        }
        sql.push(")");
        Ok(sql.build_query_as().fetch_all(&self.pool).await?)
    }

    async fn login_failures(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        let times: Vec<(i64,)> =
            sqlx::query_as("SELECT at FROM login_failures WHERE key = $1 AND at >= $2 ORDER BY at")
                .bind(key)
                .bind(ms(since))
                .fetch_all(&self.pool)
                .await?;
        Ok(times.into_iter().map(|(at,)| time(at)).collect())
    }

    async fn record_login_failure(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(ms(forget_before))
            .execute(&mut *tx)
            .await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(ms(at))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    fn sessions(&self) -> std::sync::Arc<dyn tower_sessions::SessionStore> {
        self.sessions.clone()
    }
}

/// Rounds revealed since `since` per [`REVEAL_BUCKET_HOURS`] bucket, and the median time
/// they stayed sealed. Rounds closed unrevealed never had a reveal to wait for.
async fn reveal_times(
    conn: &mut sqlx::PgConnection,
    since: i64,
) -> Result<(Vec<u32>, Option<i64>), StoreError> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new("SELECT CASE");
    for (bucket, hours) in REVEAL_BUCKET_HOURS.iter().enumerate() {
        sql.push(" WHEN revealed_at - started_at < ")
            .push_bind(i64::from(*hours) * 3_600_000)
            .push(" THEN ")
            .push_bind(bucket as i64);
    }
    sql.push(" ELSE ")
        .push_bind(REVEAL_BUCKET_HOURS.len() as i64)
        .push(
            " END AS bucket, COUNT(*) FROM rounds WHERE revealed_by <> 'close' AND revealed_at >= ",
        )
        .push_bind(since)
        .push(" GROUP BY bucket");
    let rows: Vec<(i64, i64)> = sql.build_query_as().fetch_all(&mut *conn).await?;
    let mut buckets = vec![0; REVEAL_BUCKET_HOURS.len() + 1];
    for (bucket, n) in rows {
        if let Some(slot) = usize::try_from(bucket)
            .ok()
            .and_then(|b| buckets.get_mut(b))
        {
            *slot = count(n);
        }
    }
    let revealed: u32 = buckets.iter().sum();
    if revealed == 0 {
        return Ok((buckets, None));
    }
    // The lower middle one, so an even count still names a real round.
    let median: i64 = sqlx::query_scalar(
        "SELECT revealed_at - started_at AS sealed FROM rounds \
         WHERE revealed_by <> 'close' AND revealed_at >= $1 ORDER BY sealed LIMIT 1 OFFSET $2",
    )
    .bind(since)
    .bind(i64::from((revealed - 1) / 2))
    .fetch_one(&mut *conn)
    .await?;
    Ok((buckets, Some(median)))
}
