//! The one SQL implementation of [`Store`](super::Store), for SQLite and PostgreSQL alike.
//!
//! Every statement and every step is written once here and expanded for each backend by
//! `sql_store!(Backend, Database)`; placeholders are `$n`, which both drivers bind. A
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

            /// The store's ballot writer: batch after batch, until the store is gone.
            async fn write_ballots(
                self,
                mut ballots: tokio::sync::mpsc::UnboundedReceiver<PendingBallot>,
            ) {
                while let Some(batch) = next_batch(&mut ballots).await {
                    self.cast_batch(batch).await;
                }
            }

            /// Writes `batch` in one transaction and answers each ballot after the commit. A
            /// ballot refused before it wrote anything (no such vote, not open) is refused
            /// alone; when the database fails, each is tried again in a transaction of its
            /// own, so one bad ballot never fails the others.
            async fn cast_batch(&self, batch: Vec<PendingBallot>) {
                let casts: Vec<&BallotCast> = batch.iter().map(|(cast, _)| cast).collect();
                let outcomes = match self.cast_together(&casts).await {
                    Ok(outcomes) => outcomes,
                    Err(_) if batch.len() > 1 => {
                        let mut alone = Vec::with_capacity(batch.len());
                        for cast in &casts {
                            alone.push(self.cast_together(&[cast]).await.map_or_else(
                                |error| Err(error),
                                |mut one| one.remove(0),
                            ));
                        }
                        alone
                    }
                    Err(error) => vec![Err(error)],
                };
                for ((_, reply), outcome) in batch.into_iter().zip(outcomes) {
                    let _ = reply.send(outcome);
                }
            }

            /// Casts `casts` in one write transaction: each one's outcome, or the database's
            /// error (then nothing was written).
            async fn cast_together(
                &self,
                casts: &[&BallotCast],
            ) -> Result<Vec<Result<CastOutcome, StoreError>>, StoreError> {
                let mut tx = self.begin_write().await?;
                let mut outcomes = Vec::with_capacity(casts.len());
                for cast in casts {
                    outcomes.push(Self::cast_in(&mut tx, cast).await?);
                }
                self.commit(tx).await?;
                let cast = outcomes.iter().filter(|o| o.is_ok()).count();
                metrics::counter!(crate::telemetry::BALLOTS).increment(cast as u64);
                Ok(outcomes)
            }

            /// Casts one ballot in `tx`: `Ok(Err(…))` when it is refused, leaving nothing
            /// written, `Err` when the database fails.
            async fn cast_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                cast: &BallotCast,
            ) -> Result<Result<CastOutcome, StoreError>, StoreError> {
                let now = ms(cast.at);
                let vote = match Self::lock_vote(tx, &cast.vote_id).await {
                    Ok(vote) => vote,
                    Err(refused @ StoreError::NotFound(_)) => return Ok(Err(refused)),
                    Err(failed) => return Err(failed),
                };
                if let Err(refused) = lifecycle::allows(vote.state, Change::Cast) {
                    return Ok(Err(refused.into()));
                }
                let round = i64::from(vote.round);
                // One statement for a first ballot and a replaced one; a replaced ballot keeps
                // its id and creation time.
                let new_ballot = new_id();
                let (ballot_id, created_at): (String, i64) = sqlx::query_as(
                    "INSERT INTO ballots (id, vote_id, round, voter, card, reason, created_at, cast_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
                     ON CONFLICT (vote_id, round, voter) \
                     DO UPDATE SET card = excluded.card, reason = excluded.reason, \
                     cast_at = excluded.cast_at \
                     RETURNING id, created_at",
                )
                .bind(&new_ballot)
                .bind(&cast.vote_id)
                .bind(round)
                .bind(&cast.voter)
                .bind(&cast.card)
                .bind(&cast.reason)
                .bind(now)
                .fetch_one(&mut **tx)
                .await?;
                let replaced = ballot_id != new_ballot;
                let turnout = Self::turnout(tx, &cast.vote_id, round, &vote.expected_voters).await?;
                if let Err(full) = lifecycle::has_room(&turnout, replaced) {
                    // The new ballot is taken back, so the refusal leaves the round as it was.
                    sqlx::query("DELETE FROM ballots WHERE id = $1")
                        .bind(&ballot_id)
                        .execute(&mut **tx)
                        .await?;
                    return Ok(Err(full.into()));
                }
                if let Some(name) = &cast.name {
                    sqlx::query(
                        "INSERT INTO external_voters (id, name, updated_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
                    )
                    .bind(&cast.voter)
                    .bind(name)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                }
                sqlx::query("UPDATE votes SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(&cast.vote_id)
                    .execute(&mut **tx)
                    .await?;
                Self::record_event(
                    tx,
                    &cast.vote_id,
                    EventKind::BallotCast,
                    Some(&cast.voter),
                    round,
                    now,
                )
                .await?;
                let reveal = AutoReveal::of(&vote).after(&turnout);
                if let Some(cause) = reveal {
                    Self::reveal_in(tx, &cast.vote_id, round, cause, now).await?;
                }
                if let Some(owner) = &vote.owner
                    && lifecycle::completes_the_expected(&vote.expected_voters, &turnout, &cast.voter, replaced)
                {
                    Self::enqueue_email(tx, owner, "notify_all_voted", notices::ALL_VOTED, &cast.vote_id, round, now)
                        .await?;
                }
                Ok(Ok(CastOutcome {
                    ballot: BallotRecord {
                        id: ballot_id,
                        round: vote.round,
                        voter: cast.voter.clone(),
                        card: cast.card.clone(),
                        reason: cast.reason.clone(),
                        created_at: time(created_at),
                        cast_at: time(now),
                    },
                    replaced,
                    state: if reveal.is_some() { VoteState::Revealed } else { VoteState::Open },
                    ballots_cast: count(turnout.ballots as i64),
                }))
            }

            /// Adds `member` unless the username is taken; true when it did.
            async fn insert_member(
                tx: &mut sqlx::Transaction<'_, $db>,
                member: &MemberRecord,
                at: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let added = sqlx::query(
                    "INSERT INTO members (username, display_name, role, password_hash, email, \
                     disabled_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (username) DO NOTHING",
                )
                .bind(&member.username)
                .bind(&member.display_name)
                .bind(member.role.as_str())
                .bind(&member.password_hash)
                .bind(&member.email)
                .bind(member.disabled.then(|| ms(at)))
                .bind(ms(at))
                .execute(&mut **tx)
                .await?;
                Ok(added.rows_affected() == 1)
            }

            /// How many admins who can log in there are besides `username`: read before a
            /// change that would leave none.
            async fn other_active_admins(
                tx: &mut sqlx::Transaction<'_, $db>,
                username: &str,
            ) -> Result<i64, StoreError> {
                Ok(sqlx::query_scalar(
                    "SELECT COUNT(*) FROM members \
                     WHERE role = 'admin' AND disabled_at IS NULL AND username <> $1",
                )
                .bind(username)
                .fetch_one(&mut **tx)
                .await?)
            }

            /// A vote, locked for the transaction.
            async fn lock_vote(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: &str,
            ) -> Result<VoteRecord, StoreError> {
                let row: VoteRow = sqlx::query_as(&format!(
                    "SELECT {VOTE_COLUMNS} FROM votes v WHERE v.id = $1{}",
                    Self::FOR_UPDATE
                ))
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(StoreError::NotFound("vote"))?;
                row.try_into()
            }

            /// Reveals open vote `id`'s round if its quorum or its expected voters are met
            /// as it now stands (after a change to either).
            async fn reveal_if_met(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: &str,
                round: i64,
                at: i64,
            ) -> Result<(), StoreError> {
                let vote = Self::lock_vote(tx, id).await?;
                let turnout = Self::turnout(tx, id, round, &vote.expected_voters).await?;
                if let Some(cause) = AutoReveal::of(&vote).after(&turnout) {
                    Self::reveal_in(tx, id, round, cause, at).await?;
                }
                Ok(())
            }

            /// Takes member `username` off the expected voters of every open vote: a
            /// disabled member is waited on by none. Each vote changed says so in an
            /// event, and reveals if everyone left has voted.
            async fn stop_expecting(
                tx: &mut sqlx::Transaction<'_, $db>,
                username: &str,
                at: i64,
            ) -> Result<(), StoreError> {
                // The JSON list holds the name quoted; LIKE narrows, the parsed list decides.
                let open: Vec<VoteRow> = sqlx::query_as(&format!(
                    "SELECT {VOTE_COLUMNS} FROM votes v WHERE v.state = 'open' \
                     AND v.expected_voters LIKE $1{}",
                    Self::FOR_UPDATE
                ))
                .bind(format!("%\"{username}\"%"))
                .fetch_all(&mut **tx)
                .await?;
                for row in open {
                    let vote = VoteRecord::try_from(row)?;
                    if !vote.expected_voters.iter().any(|v| v == username) {
                        continue;
                    }
                    let left: Vec<String> =
                        vote.expected_voters.into_iter().filter(|v| v != username).collect();
                    sqlx::query("UPDATE votes SET expected_voters = $1, updated_at = $2 WHERE id = $3")
                        .bind(voters_json(&left))
                        .bind(at)
                        .bind(&vote.id)
                        .execute(&mut **tx)
                        .await?;
                    let round = i64::from(vote.round);
                    Self::record_event(tx, &vote.id, EventKind::VoteUpdated, None, round, at).await?;
                    Self::reveal_if_met(tx, &vote.id, round, at).await?;
                }
                Ok(())
            }

            /// A vote's round as its reveal rules see it: its ballots counted, and which of
            /// `expected` have one.
            async fn turnout(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: &str,
                round: i64,
                expected: &[String],
            ) -> Result<Turnout, StoreError> {
                let ballots: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM ballots WHERE vote_id = $1 AND round = $2")
                        .bind(id)
                        .bind(round)
                        .fetch_one(&mut **tx)
                        .await?;
                let mut voted = Vec::new();
                if !expected.is_empty() {
                    let mut sql = sqlx::QueryBuilder::new("SELECT voter FROM ballots WHERE vote_id = ");
                    sql.push_bind(id.to_owned())
                        .push(" AND round = ")
                        .push_bind(round)
                        .push(" AND voter IN (");
                    Self::push_ids(&mut sql, expected);
                    voted = sql.build_query_scalar().fetch_all(&mut **tx).await?;
                }
                Ok(Turnout {
                    ballots: count(ballots) as usize,
                    voted,
                })
            }

            /// Reveals an open round by `cause`: the vote's state, the round, the event.
            async fn reveal_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: &str,
                round: i64,
                cause: RevealCause,
                at: i64,
            ) -> Result<(), StoreError> {
                sqlx::query("UPDATE votes SET state = 'revealed', updated_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                Self::mark_revealed(tx, id, round, cause, at).await?;
                Self::record_event(tx, id, EventKind::Revealed, None, round, at).await
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

            /// The spelling project `name` already has, ignoring case (the first one used
            /// wins); `name` itself when the project is new.
            async fn canonical_project(
                tx: &mut sqlx::Transaction<'_, $db>,
                name: &str,
            ) -> Result<String, StoreError> {
                let used: Option<String> = sqlx::query_scalar(
                    "SELECT project FROM votes WHERE lower(project) = lower($1) \
                     ORDER BY created_at LIMIT 1",
                )
                .bind(name)
                .fetch_optional(&mut **tx)
                .await?;
                if let Some(used) = used {
                    return Ok(used);
                }
                let saved: Option<String> =
                    sqlx::query_scalar("SELECT name FROM projects WHERE lower(name) = lower($1) LIMIT 1")
                        .bind(name)
                        .fetch_optional(&mut **tx)
                        .await?;
                Ok(saved.unwrap_or_else(|| name.to_owned()))
            }

            /// Writes the notifications a change causes into the outbox, in its own
            /// transaction (`domain::notices` says who hears of what).
            async fn enqueue_notices(
                tx: &mut sqlx::Transaction<'_, $db>,
                event_id: i64,
                vote_id: &str,
                kind: EventKind,
                voter: Option<&str>,
                round: i64,
                at: i64,
            ) -> Result<(), StoreError> {
                // Webhooks hear of every change, a vote's Slack message is redrawn for most:
                // one statement for both, as a ballot costs one statement less.
                let mut sql = String::from(
                    "INSERT INTO outbox (channel, target, topic, vote_id, event_id, round, voter, \
                     created_at, next_attempt_at) \
                     SELECT 'webhook', w.id, $1, $2, $3, $4, $5, $6, $6 FROM webhooks w \
                     WHERE (w.topics = '*' OR (' ' || w.topics || ' ') LIKE ('% ' || $1 || ' %')) \
                     AND (w.project IS NULL OR lower(w.project) = (SELECT lower(v.project) FROM votes v WHERE v.id = $2))",
                );
                if notices::shown_in_slack(kind) {
                    // The message is drawn as the vote stands when it is sent: one update
                    // waiting to be sent stands for every change after it.
                    sql.push_str(
                        " UNION ALL SELECT 'slack', s.channel, $1, $2, $3, $4, NULL, $6, $6 \
                         FROM slack_messages s \
                         WHERE s.vote_id = $2 AND NOT EXISTS (SELECT 1 FROM outbox o \
                         WHERE o.channel = 'slack' AND o.vote_id = $2 AND o.delivered_at IS NULL \
                         AND o.gave_up_at IS NULL AND o.claimed_until IS NULL)",
                    );
                }
                sqlx::query(&sql)
                    .bind(kind.as_str())
                    .bind(vote_id)
                    .bind(event_id)
                    .bind(round)
                    .bind(voter)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
                if notices::announced(kind) {
                    sqlx::query(
                        "INSERT INTO outbox (channel, target, topic, vote_id, event_id, round, \
                         created_at, next_attempt_at) \
                         SELECT 'chat', p.name, $1, $2, $3, $4, $5, $5 FROM projects p \
                         JOIN votes v ON v.project = p.name \
                         WHERE v.id = $2 AND p.chat_webhook_url IS NOT NULL",
                    )
                    .bind(kind.as_str())
                    .bind(vote_id)
                    .bind(event_id)
                    .bind(round)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
                }
                if notices::results_mailed(kind) {
                    sqlx::query(&format!(
                        "INSERT INTO outbox (channel, target, topic, vote_id, event_id, round, \
                         created_at, next_attempt_at) \
                         SELECT 'email', m.username, $1, $2, $3, $4, $5, $5 FROM members m, votes v \
                         WHERE v.id = $2 AND m.email IS NOT NULL AND m.notify_results AND m.disabled_at IS NULL \
                         AND (EXISTS (SELECT 1 FROM ballots b WHERE b.vote_id = v.id \
                         AND b.round = $4 AND b.voter = m.username) OR {}m.username{})",
                        Self::EXPECTS.0,
                        Self::EXPECTS.1
                    ))
                    .bind(notices::RESULTS)
                    .bind(vote_id)
                    .bind(event_id)
                    .bind(round)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            /// Writes an email to member `username` into the outbox, if they gave an
            /// address and want to hear of `topic` (`wants` is the setting's column);
            /// whether it did.
            async fn enqueue_email(
                tx: &mut sqlx::Transaction<'_, $db>,
                username: &str,
                wants: &str,
                topic: &str,
                vote_id: &str,
                round: i64,
                at: i64,
            ) -> Result<bool, StoreError> {
                let written = sqlx::query(&format!(
                    "INSERT INTO outbox (channel, target, topic, vote_id, round, voter, created_at, \
                     next_attempt_at) SELECT 'email', m.username, $1, $2, $3, m.username, $4, $4 \
                     FROM members m WHERE m.username = $5 AND m.email IS NOT NULL AND m.{wants} \
                     AND m.disabled_at IS NULL"
                ))
                .bind(topic)
                .bind(vote_id)
                .bind(round)
                .bind(at)
                .bind(username)
                .execute(&mut **tx)
                .await?;
                Ok(written.rows_affected() == 1)
            }

            /// Records which member a Slack user is; when it is one, hands the user's
            /// unrevealed ballots (where the member has none) and their place among open
            /// votes' expected voters to the member.
            async fn link_slack_user(
                tx: &mut sqlx::Transaction<'_, $db>,
                team: &str,
                user: &str,
                member: Option<&str>,
                at: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO slack_users (team, user_id, member, checked_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (team, user_id) DO UPDATE SET member = excluded.member, \
                     checked_at = excluded.checked_at",
                )
                .bind(team)
                .bind(user)
                .bind(member)
                .bind(at)
                .execute(&mut **tx)
                .await?;
                let Some(member) = member else {
                    return Ok(());
                };
                let external = format!("slack:{team}:{user}");
                // Every vote whose ballots or expected voters change says so in an event:
                // open pages show the member, and kept reads are read again.
                let mut changed: Vec<(String, i64)> = sqlx::query_as(
                    "UPDATE ballots SET voter = $1 WHERE voter = $2 \
                     AND EXISTS (SELECT 1 FROM rounds r WHERE r.vote_id = ballots.vote_id \
                     AND r.number = ballots.round AND r.revealed_at IS NULL) \
                     AND NOT EXISTS (SELECT 1 FROM ballots mine WHERE mine.vote_id = ballots.vote_id \
                     AND mine.round = ballots.round AND mine.voter = $1) \
                     RETURNING vote_id, round",
                )
                .bind(member)
                .bind(&external)
                .fetch_all(&mut **tx)
                .await?;
                let expecting: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT id, expected_voters, round FROM votes WHERE state = 'open' \
                     AND expected_voters LIKE $1",
                )
                .bind(format!("%\"{external}\"%"))
                .fetch_all(&mut **tx)
                .await?;
                for (id, voters, round) in expecting {
                    let voters: Vec<String> =
                        serde_json::from_str(&voters).map_err(|_| corrupt("expected voters"))?;
                    let mut linked: Vec<String> = Vec::with_capacity(voters.len());
                    for voter in voters {
                        let voter = if voter == external { member.to_owned() } else { voter };
                        if !linked.contains(&voter) {
                            linked.push(voter);
                        }
                    }
                    sqlx::query("UPDATE votes SET expected_voters = $1 WHERE id = $2")
                        .bind(voters_json(&linked))
                        .bind(&id)
                        .execute(&mut **tx)
                        .await?;
                    changed.push((id, round));
                }
                changed.sort();
                changed.dedup_by(|a, b| a.0 == b.0);
                for (id, round) in changed {
                    Self::record_event(tx, &id, EventKind::VoteUpdated, None, round, at).await?;
                }
                Ok(())
            }

            /// Reveals a vote's round (once: a revealed round keeps its first cause).
            async fn mark_revealed(
                tx: &mut sqlx::Transaction<'_, $db>,
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

            /// Rounds revealed since `since` per [`REVEAL_BUCKET_HOURS`] bucket, and the
            /// median time they stayed sealed. Rounds closed unrevealed never had a reveal
            /// to wait for.
            async fn reveal_times(
                conn: &mut <$db as sqlx::Database>::Connection,
                since: i64,
            ) -> Result<(Vec<u32>, Option<i64>), StoreError> {
                let mut sql: sqlx::QueryBuilder<$db> = sqlx::QueryBuilder::new("SELECT CASE");
                for (bucket, hours) in REVEAL_BUCKET_HOURS.iter().enumerate() {
                    sql.push(" WHEN revealed_at - started_at < ")
                        .push_bind(i64::from(*hours) * 3_600_000)
                        .push(" THEN ")
                        .push_bind(bucket as i64);
                }
                sql.push(" ELSE ")
                    .push_bind(REVEAL_BUCKET_HOURS.len() as i64)
                    .push(
                        " END AS bucket, COUNT(*) FROM rounds \
                         WHERE revealed_by <> 'close' AND revealed_at >= ",
                    )
                    .push_bind(since)
                    .push(" GROUP BY bucket");
                let rows: Vec<(i64, i64)> = sql.build_query_as().fetch_all(&mut *conn).await?;
                let mut buckets = vec![0; REVEAL_BUCKET_HOURS.len() + 1];
                for (bucket, n) in rows {
                    if let Some(slot) = usize::try_from(bucket).ok().and_then(|b| buckets.get_mut(b)) {
                        *slot = count(n);
                    }
                }
                let revealed: u32 = buckets.iter().sum();
                if revealed == 0 {
                    return Ok((buckets, None));
                }
                // The middle one, or the mean of the two middle ones of an even count.
                let middle: Vec<i64> = sqlx::query_scalar(
                    "SELECT revealed_at - started_at AS sealed FROM rounds \
                     WHERE revealed_by <> 'close' AND revealed_at >= $1 \
                     ORDER BY sealed LIMIT $2 OFFSET $3",
                )
                .bind(since)
                .bind(if revealed % 2 == 0 { 2_i64 } else { 1 })
                .bind(i64::from((revealed - 1) / 2))
                .fetch_all(&mut *conn)
                .await?;
                let median = (!middle.is_empty())
                    .then(|| middle.iter().sum::<i64>() / middle.len() as i64);
                Ok((buckets, median))
            }
        }

        #[async_trait]
        impl Store for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(&self.reader).await?;
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
                let project = match &vote.project {
                    Some(name) => Some(Self::canonical_project(&mut tx, name).await?),
                    None => None,
                };
                sqlx::query(
                    "INSERT INTO votes (id, name, url, project, owner, deck, cards, state, round, \
                     quorum, deadline, final_size, created_at, updated_at, closed_at, \
                     expected_voters, reveal_when_all_voted) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $12, $12, $13, $14, $15)",
                )
                .bind(&id)
                .bind(&vote.name)
                .bind(&vote.url)
                .bind(&project)
                .bind(&vote.owner)
                .bind(vote.deck.as_str())
                .bind(&cards)
                .bind(state.as_str())
                .bind(vote.quorum.map(i64::from))
                .bind(vote.deadline.map(ms))
                .bind(&vote.final_size)
                .bind(now)
                .bind(closed_at)
                .bind(voters_json(&vote.expected_voters))
                .bind(vote.reveal_when_all_voted)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO rounds (vote_id, number, started_at, revealed_at, revealed_by) \
                     VALUES ($1, 1, $2, $3, $4)",
                )
                .bind(&id)
                .bind(now)
                .bind(closed_at)
                .bind(closed_at.map(|_| RevealCause::Close.as_str()))
                .execute(&mut *tx)
                .await?;
                if let Some(place) = &vote.slack {
                    sqlx::query("INSERT INTO slack_messages (vote_id, team, channel) VALUES ($1, $2, $3)")
                        .bind(&id)
                        .bind(&place.team)
                        .bind(&place.channel)
                        .execute(&mut *tx)
                        .await?;
                }
                Self::record_event(&mut tx, &id, EventKind::VoteCreated, None, 1, now).await?;
                self.commit(tx).await?;
                Ok(VoteRecord {
                    id,
                    name: vote.name,
                    url: vote.url,
                    project,
                    owner: vote.owner,
                    deck: vote.deck,
                    cards: vote.cards,
                    state,
                    round: 1,
                    quorum: vote.quorum,
                    deadline: vote.deadline,
                    final_size: vote.final_size,
                    expected_voters: vote.expected_voters,
                    reveal_when_all_voted: vote.reveal_when_all_voted,
                    created_at: time(now),
                    updated_at: time(now),
                    closed_at: closed_at.map(time),
                })
            }

            async fn list_votes(&self, query: &VoteQuery) -> Result<Vec<VoteListing>, StoreError> {
                // One statement, voters included: a consistent read in one round trip rather
                // than a transaction of several (measured on SQLite: about a fifth more lists
                // per second).
                let mut sql: sqlx::QueryBuilder<$db> = sqlx::QueryBuilder::new(format!(
                    "SELECT {VOTE_COLUMNS}, r.revealed_at AS round_revealed_at, {} AS voters \
                     FROM votes v JOIN rounds r ON r.vote_id = v.id AND r.number = v.round \
                     WHERE 1 = 1",
                    Self::CURRENT_VOTERS
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
                    sql.push(" AND lower(v.project) = lower(").push_bind(project.clone()).push(")");
                }
                if let Some(part) = &query.name_contains {
                    // One rule on every backend and in the dashboard's live filter: case
                    // is ignored for ASCII letters only.
                    let escaped = part
                        .to_ascii_lowercase()
                        .replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_");
                    sql.push(format!(" AND {} LIKE ", Self::ASCII_LOWER_NAME))
                        .push_bind(format!("%{escaped}%"))
                        .push(" ESCAPE '\\'");
                }
                if let Some(member) = &query.waiting_for {
                    sql.push(" AND v.state = 'open' AND ")
                        .push(Self::EXPECTS.0)
                        .push_bind(member.clone())
                        .push(Self::EXPECTS.1)
                        .push(
                            " AND NOT EXISTS (SELECT 1 FROM ballots b WHERE b.vote_id = v.id \
                             AND b.round = v.round AND b.voter = ",
                        )
                        .push_bind(member.clone())
                        .push(")");
                }
                if let Some(from) = query.between.from {
                    sql.push(" AND COALESCE(v.closed_at, v.created_at) >= ").push_bind(ms(from));
                }
                if let Some(to) = query.between.to {
                    sql.push(" AND COALESCE(v.closed_at, v.created_at) < ").push_bind(ms(to));
                }
                let (key, before) = if query.oldest_first {
                    ("v.created_at", " > ")
                } else {
                    ("v.updated_at", " < ")
                };
                if let Some(after) = &query.after {
                    sql.push(format!(" AND ({key}{before}"))
                        .push_bind(after.updated_at_ms)
                        .push(format!(" OR ({key} = "))
                        .push_bind(after.updated_at_ms)
                        .push(format!(" AND v.id{before}"))
                        .push_bind(after.id.clone())
                        .push("))");
                }
                sql.push(match (&query.waiting_for, query.oldest_first) {
                    // Soonest deadline first, votes without one last.
                    (Some(_), _) => " ORDER BY v.deadline IS NULL, v.deadline, v.updated_at DESC, v.id DESC LIMIT ",
                    (None, true) => " ORDER BY v.created_at, v.id LIMIT ",
                    (None, false) => " ORDER BY v.updated_at DESC, v.id DESC LIMIT ",
                })
                .push_bind(i64::from(query.limit) + 1);

                let rows = sql.build().fetch_all(&self.reader).await?;
                let mut listings = Vec::with_capacity(rows.len());
                for row in &rows {
                    use sqlx::{FromRow, Row};
                    let revealed_at: Option<i64> = row.try_get("round_revealed_at")?;
                    listings.push(VoteListing {
                        vote: VoteRecord::try_from(VoteRow::from_row(row)?)?,
                        revealed_at: revealed_at.map(time),
                        voters: Self::voters(row)?,
                    });
                }
                Ok(listings)
            }

            async fn vote(&self, id: &str) -> Result<VoteHistory, StoreError> {
                let mut conn = self.reader.begin().await?;
                let row: VoteRow =
                    sqlx::query_as(&format!("SELECT {VOTE_COLUMNS} FROM votes v WHERE v.id = $1"))
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
                    "SELECT id, round, voter, card, reason, created_at, cast_at FROM ballots \
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
                        .map(|(number, started_at, revealed_at, revealed_by)| RoundRecord {
                            number: count(number),
                            started_at: time(started_at),
                            revealed_at: revealed_at.map(time),
                            revealed_by: revealed_by.as_deref().and_then(RevealCause::parse),
                        })
                        .collect(),
                    ballots: ballots.into_iter().map(BallotRecord::from).collect(),
                })
            }

            async fn vote_histories(&self, ids: &[String]) -> Result<Vec<VoteHistory>, StoreError> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut conn = self.reader.begin().await?;
                let mut sql = sqlx::QueryBuilder::new(format!("SELECT {VOTE_COLUMNS} FROM votes v WHERE v.id IN ("));
                Self::push_ids(&mut sql, ids);
                let votes: Vec<VoteRow> = sql.build_query_as().fetch_all(&mut *conn).await?;
                let mut sql = sqlx::QueryBuilder::new(
                    "SELECT vote_id, number, started_at, revealed_at, revealed_by FROM rounds WHERE vote_id IN (",
                );
                Self::push_ids(&mut sql, ids);
                sql.push(" ORDER BY number");
                let rounds: Vec<(String, i64, i64, Option<i64>, Option<String>)> =
                    sql.build_query_as().fetch_all(&mut *conn).await?;
                let mut sql = sqlx::QueryBuilder::new(
                    "SELECT vote_id, id, round, voter, card, reason, created_at, cast_at FROM ballots \
                     WHERE vote_id IN (",
                );
                Self::push_ids(&mut sql, ids);
                sql.push(" ORDER BY round, created_at, id");
                let ballots: Vec<(String, BallotRow)> = {
                    use sqlx::{FromRow, Row};
                    let rows = sql.build().fetch_all(&mut *conn).await?;
                    rows.iter()
                        .map(|row| Ok((row.try_get("vote_id")?, BallotRow::from_row(row)?)))
                        .collect::<Result<_, sqlx::Error>>()?
                };
                conn.commit().await?;
                let mut histories = std::collections::HashMap::new();
                for row in votes {
                    let vote = VoteRecord::try_from(row)?;
                    histories.insert(vote.id.clone(), VoteHistory { vote, rounds: Vec::new(), ballots: Vec::new() });
                }
                for (vote_id, number, started_at, revealed_at, revealed_by) in rounds {
                    if let Some(history) = histories.get_mut(&vote_id) {
                        history.rounds.push(RoundRecord {
                            number: count(number),
                            started_at: time(started_at),
                            revealed_at: revealed_at.map(time),
                            revealed_by: revealed_by.as_deref().and_then(RevealCause::parse),
                        });
                    }
                }
                for (vote_id, ballot) in ballots {
                    if let Some(history) = histories.get_mut(&vote_id) {
                        history.ballots.push(BallotRecord::from(ballot));
                    }
                }
                Ok(ids.iter().filter_map(|id| histories.remove(id)).collect())
            }

            async fn revealed_cards(
                &self,
                ids: &[String],
            ) -> Result<Vec<(String, String, String)>, StoreError> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                // Sealing in the statement itself: only rounds with a reveal time.
                let mut sql: sqlx::QueryBuilder<$db> = sqlx::QueryBuilder::new(
                    "SELECT b.vote_id, b.voter, b.card FROM votes v \
                     JOIN rounds r ON r.vote_id = v.id AND r.number = v.round AND r.revealed_at IS NOT NULL \
                     JOIN ballots b ON b.vote_id = v.id AND b.round = v.round WHERE v.id IN (",
                );
                Self::push_ids(&mut sql, ids);
                Ok(sql.build_query_as().fetch_all(&self.reader).await?)
            }

            async fn vote_record(&self, id: &str) -> Result<VoteRecord, StoreError> {
                let row: VoteRow =
                    sqlx::query_as(&format!("SELECT {VOTE_COLUMNS} FROM votes v WHERE v.id = $1"))
                        .bind(id)
                        .fetch_optional(&self.reader)
                        .await?
                        .ok_or(StoreError::NotFound("vote"))?;
                row.try_into()
            }

            async fn cast_ballot(&self, cast: BallotCast) -> Result<CastOutcome, StoreError> {
                // The writer's copy has no way to the writer of its own: when every other
                // copy of the store is gone, its queue closes and the writer ends.
                let mut store = self.clone();
                store.ballots = Default::default();
                self.ballots
                    .write(cast, move |ballots| {
                        tokio::spawn(store.write_ballots(ballots));
                    })
                    .await
            }

            async fn withdraw_ballot(
                &self,
                vote_id: &str,
                voter: &str,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let now = ms(at);
                let mut tx = self.begin_write().await?;
                let vote = Self::lock_vote(&mut tx, vote_id).await?;
                lifecycle::allows(vote.state, Change::Withdraw)?;
                let round = i64::from(vote.round);
                let deleted = sqlx::query(
                    "DELETE FROM ballots WHERE vote_id = $1 AND round = $2 AND voter = $3",
                )
                .bind(vote_id)
                .bind(round)
                .bind(voter)
                .execute(&mut *tx)
                .await?;
                if deleted.rows_affected() == 0 {
                    return Err(StoreError::NotFound("ballot"));
                }
                sqlx::query("UPDATE votes SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(vote_id)
                    .execute(&mut *tx)
                    .await?;
                Self::record_event(
                    &mut tx,
                    vote_id,
                    EventKind::BallotWithdrawn,
                    Some(voter),
                    round,
                    now,
                )
                .await?;
                self.commit(tx).await
            }

            async fn reveal(
                &self,
                vote_id: &str,
                cause: RevealCause,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let now = ms(at);
                let mut tx = self.begin_write().await?;
                let vote = Self::lock_vote(&mut tx, vote_id).await?;
                lifecycle::allows(vote.state, Change::Reveal)?;
                Self::reveal_in(&mut tx, vote_id, i64::from(vote.round), cause, now).await?;
                self.commit(tx).await
            }

            async fn start_round(&self, vote_id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
                let now = ms(at);
                let mut tx = self.begin_write().await?;
                let vote = Self::lock_vote(&mut tx, vote_id).await?;
                lifecycle::allows(vote.state, Change::NewRound)?;
                lifecycle::may_start_round_after(vote.round)?;
                let round = i64::from(vote.round);
                sqlx::query(
                    "UPDATE votes SET state = 'open', round = round + 1, updated_at = $1, \
                     final_size = NULL, closed_at = NULL, \
                     deadline = CASE WHEN deadline <= $1 THEN NULL ELSE deadline END WHERE id = $2",
                )
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
                Self::record_event(&mut tx, vote_id, EventKind::RoundStarted, None, round + 1, now)
                    .await?;
                self.commit(tx).await
            }

            async fn delete_vote(&self, vote_id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
                let now = ms(at);
                let mut tx = self.begin_write().await?;
                let vote = Self::lock_vote(&mut tx, vote_id).await?;
                // Messages, emails and Slack redraws still to be sent about the vote can no
                // longer be composed; webhooks still hear every change, by the vote's id.
                sqlx::query(
                    "DELETE FROM outbox WHERE vote_id = $1 AND channel <> 'webhook' \
                     AND delivered_at IS NULL AND gave_up_at IS NULL",
                )
                .bind(vote_id)
                .execute(&mut *tx)
                .await?;
                // Recorded while the vote still names its project (webhooks filter on it).
                Self::record_event(&mut tx, vote_id, EventKind::VoteDeleted, None, i64::from(vote.round), now)
                    .await?;
                for table in ["slack_messages", "reminders_sent"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE vote_id = $1"))
                        .bind(vote_id)
                        .execute(&mut *tx)
                        .await?;
                }
                // Rounds, ballots and expected voters go with it (ON DELETE CASCADE).
                sqlx::query("DELETE FROM votes WHERE id = $1")
                    .bind(vote_id)
                    .execute(&mut *tx)
                    .await?;
                self.commit(tx).await
            }

            async fn close(
                &self,
                vote_id: &str,
                final_size: &str,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let now = ms(at);
                let mut tx = self.begin_write().await?;
                let vote = Self::lock_vote(&mut tx, vote_id).await?;
                let round = i64::from(vote.round);
                let kind = match lifecycle::closing(vote.state) {
                    Closing::Close => {
                        sqlx::query(
                            "UPDATE votes SET state = 'closed', final_size = $1, closed_at = $2, \
                             updated_at = $2 WHERE id = $3",
                        )
                        .bind(final_size)
                        .bind(now)
                        .bind(vote_id)
                        .execute(&mut *tx)
                        .await?;
                        Self::mark_revealed(&mut tx, vote_id, round, RevealCause::Close, now).await?;
                        EventKind::Closed
                    }
                    Closing::ChangeFinalSize => {
                        sqlx::query("UPDATE votes SET final_size = $1, updated_at = $2 WHERE id = $3")
                            .bind(final_size)
                            .bind(now)
                            .bind(vote_id)
                            .execute(&mut *tx)
                            .await?;
                        EventKind::FinalSizeChanged
                    }
                };
                Self::record_event(&mut tx, vote_id, kind, None, round, now).await?;
                self.commit(tx).await
            }

            async fn update_vote(
                &self,
                vote_id: &str,
                changes: VoteChanges,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let now = ms(at);
                let mut tx = self.begin_write().await?;
                let vote = Self::lock_vote(&mut tx, vote_id).await?;
                let ballots: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ballots WHERE vote_id = $1")
                    .bind(vote_id)
                    .fetch_one(&mut *tx)
                    .await?;
                lifecycle::allows_changes(
                    vote.state,
                    changes.changes_voting(),
                    changes.deck.is_some(),
                    ballots > 0,
                )?;
                let mut sql: sqlx::QueryBuilder<$db> =
                    sqlx::QueryBuilder::new("UPDATE votes SET updated_at = ");
                sql.push_bind(now);
                if let Some(name) = &changes.name {
                    sql.push(", name = ").push_bind(name.clone());
                }
                if let Some(url) = &changes.url {
                    sql.push(", url = ").push_bind(url.clone());
                }
                if let Some(project) = &changes.project {
                    let project = match project {
                        Some(name) => Some(Self::canonical_project(&mut tx, name).await?),
                        None => None,
                    };
                    sql.push(", project = ").push_bind(project);
                }
                if let Some(quorum) = changes.quorum {
                    sql.push(", quorum = ").push_bind(quorum.map(i64::from));
                }
                if let Some(deadline) = changes.deadline {
                    sql.push(", deadline = ").push_bind(deadline.map(ms));
                }
                if let Some(expected) = &changes.expected_voters {
                    sql.push(", expected_voters = ").push_bind(voters_json(expected));
                }
                if let Some(when_all_voted) = changes.reveal_when_all_voted {
                    sql.push(", reveal_when_all_voted = ").push_bind(when_all_voted);
                }
                if let Some((deck, cards)) = &changes.deck {
                    let cards = cards.as_ref().map(|c| voters_json(c));
                    sql.push(", deck = ").push_bind(deck.as_str());
                    sql.push(", cards = ").push_bind(cards);
                }
                sql.push(" WHERE id = ").push_bind(vote_id.to_owned());
                sql.build().execute(&mut *tx).await?;
                let round = i64::from(vote.round);
                Self::record_event(&mut tx, vote_id, EventKind::VoteUpdated, None, round, now).await?;
                // A lower quorum or fewer expected voters may already be met.
                if vote.state == VoteState::Open {
                    Self::reveal_if_met(&mut tx, vote_id, round, now).await?;
                }
                self.commit(tx).await
            }

            async fn project_names(&self) -> Result<Vec<String>, StoreError> {
                // Oldest first, so the first spelling of a name is the one kept.
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM (SELECT project AS name, MIN(created_at) AS since FROM votes \
                     WHERE project IS NOT NULL GROUP BY project \
                     UNION ALL SELECT name, updated_at AS since FROM projects) AS named \
                     ORDER BY since LIMIT 2000",
                )
                .fetch_all(&self.reader)
                .await?;
                Ok(views::distinct_projects(names))
            }

            async fn project(&self, name: &str) -> Result<Option<ProjectRecord>, StoreError> {
                let row: Option<(String, String, Option<String>)> = sqlx::query_as(
                    "SELECT name, default_voters, chat_webhook_url FROM projects WHERE lower(name) = lower($1) \
                     ORDER BY updated_at LIMIT 1",
                )
                .bind(name)
                .fetch_optional(&self.reader)
                .await?;
                row.map(|(name, voters, chat_webhook_url)| {
                    Ok(ProjectRecord {
                        name,
                        default_voters: serde_json::from_str(&voters)
                            .map_err(|_| corrupt("default voters"))?,
                        chat_webhook_url,
                    })
                })
                .transpose()
            }

            async fn save_project(
                &self,
                project: &ProjectRecord,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let name = Self::canonical_project(&mut tx, &project.name).await?;
                sqlx::query(
                    "INSERT INTO projects (name, default_voters, chat_webhook_url, updated_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE \
                     SET default_voters = excluded.default_voters, \
                     chat_webhook_url = excluded.chat_webhook_url, updated_at = excluded.updated_at",
                )
                .bind(&name)
                .bind(voters_json(&project.default_voters))
                .bind(&project.chat_webhook_url)
                .bind(ms(at))
                .execute(&mut *tx)
                .await?;
                self.commit(tx).await
            }

            async fn reveal_due(&self, at: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
                let now = ms(at);
                const DUE: &str = "state = 'open' AND deadline IS NOT NULL AND deadline <= $1";
                // Asked every second by every instance: the write lock only when one is due.
                let any: Option<String> =
                    sqlx::query_scalar(&format!("SELECT id FROM votes WHERE {DUE} LIMIT 1"))
                        .bind(now)
                        .fetch_optional(&self.reader)
                        .await?;
                if any.is_none() {
                    return Ok(Vec::new());
                }
                let mut tx = self.begin_write().await?;
                let due: Vec<(String, i64)> = sqlx::query_as(&format!(
                    "UPDATE votes SET state = 'revealed', updated_at = $1 \
                     WHERE {DUE} RETURNING id, round"
                ))
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
                for (id, round) in &due {
                    Self::mark_revealed(&mut tx, id, *round, RevealCause::Deadline, now).await?;
                    Self::record_event(&mut tx, id, EventKind::Revealed, None, *round, now).await?;
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
                let mut conn = self.reader.begin().await?;
                let rows: Vec<(Option<String>, String, i64)> = sqlx::query_as(
                    "SELECT project, state, COUNT(*) FROM votes WHERE state <> 'closed' \
                     GROUP BY project, state",
                )
                .fetch_all(&mut *conn)
                .await?;
                let mut ongoing = Vec::with_capacity(rows.len());
                for (project, state, n) in rows {
                    let state = vote_state(&state).ok_or_else(|| corrupt("state"))?;
                    ongoing.push((project, state, count(n)));
                }
                let rows: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT deck, final_size, COUNT(*) FROM votes WHERE state = 'closed' \
                     GROUP BY deck, final_size",
                )
                .fetch_all(&mut *conn)
                .await?;
                let mut final_sizes = Vec::with_capacity(rows.len());
                for (deck, size, n) in rows {
                    final_sizes.push((deck_kind(&deck).ok_or_else(|| corrupt("deck"))?, size, count(n)));
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
                let (reveal_buckets, reveal_median_ms) = Self::reveal_times(&mut conn, since).await?;
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
                    "SELECT id, vote_id, kind, voter, round, at FROM events \
                     WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
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
                Ok(sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
                    .fetch_one(&self.reader)
                    .await?)
            }

            async fn read_version(&self) -> Result<ReadVersion, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT COALESCE((SELECT MAX(id) FROM events), 0) AS event, \
                     (SELECT version FROM names_version) AS names",
                )
                .fetch_one(&self.reader)
                .await?)
            }

            async fn credentials_version(&self) -> Result<i64, StoreError> {
                Ok(sqlx::query_scalar("SELECT version FROM credentials_version")
                    .fetch_one(&self.reader)
                    .await?)
            }

            fn appended(&self) -> std::sync::Arc<tokio::sync::Notify> {
                self.appended.clone()
            }

            async fn create_integration(
                &self,
                name: &str,
                token_hash: &str,
                scopes: &[Scope],
                at_most: u32,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                // Counted inside the write transaction, so parallel requests cannot pass the cap.
                let mut tx = self.begin_write().await?;
                let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM integration_tokens")
                    .fetch_one(&mut *tx)
                    .await?;
                if held >= i64::from(at_most) {
                    return Err(StoreError::Conflict(format!(
                        "a server keeps at most {at_most} integration tokens: revoke one first"
                    )));
                }
                let added = sqlx::query(
                    "INSERT INTO integration_tokens (name, token_hash, scopes, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(token_hash)
                .bind(scopes_text(scopes))
                .bind(ms(at))
                .execute(&mut *tx)
                .await?;
                if added.rows_affected() == 0 {
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
                at: DateTime<Utc>,
            ) -> Result<Option<Integration>, StoreError> {
                let row: Option<(String, String, Option<i64>)> = sqlx::query_as(
                    "SELECT name, scopes, last_used_at FROM integration_tokens \
                     WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.reader)
                .await?;
                let Some((name, scopes, last_used_at)) = row else {
                    return Ok(None);
                };
                if last_used_at.is_none_or(|last| ms(at) - last >= crate::store::sql::LAST_USE_EVERY_MS) {
                    let statement =
                        sqlx::query("UPDATE integration_tokens SET last_used_at = $1 WHERE name = $2")
                            .bind(ms(at))
                            .bind(&name);
                    self.write_one(statement).await?;
                }
                Ok(Some(Integration { name, scopes: parse_scopes(&scopes)? }))
            }

            async fn integrations(&self) -> Result<Vec<IntegrationRecord>, StoreError> {
                let rows: Vec<(String, String, i64, Option<i64>)> = sqlx::query_as(
                    "SELECT name, scopes, created_at, last_used_at FROM integration_tokens \
                     ORDER BY name",
                )
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter()
                    .map(|(name, scopes, created_at, last_used_at)| {
                        Ok(IntegrationRecord {
                            name,
                            scopes: parse_scopes(&scopes)?,
                            created_at: time(created_at),
                            last_used_at: last_used_at.map(time),
                        })
                    })
                    .collect()
            }

            async fn revoke_integration(&self, name: &str) -> Result<(), StoreError> {
                let statement = sqlx::query("DELETE FROM integration_tokens WHERE name = $1").bind(name);
                match self.write_one(statement).await? {
                    0 => Err(StoreError::NotFound("integration")),
                    _ => Ok(()),
                }
            }

            async fn create_member(
                &self,
                member: &MemberRecord,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                if !Self::insert_member(&mut tx, member, at).await? {
                    return Err(StoreError::Conflict(format!(
                        "a member named `{}` already exists",
                        member.username
                    )));
                }
                tx.commit().await?;
                Ok(())
            }

            async fn member(&self, username: &str) -> Result<Option<MemberRecord>, StoreError> {
                let row: Option<MemberRow> = sqlx::query_as(&format!(
                    "SELECT {MEMBER_COLUMNS} FROM members WHERE username = $1"
                ))
                .bind(username)
                .fetch_optional(&self.reader)
                .await?;
                row.map(MemberRecord::try_from).transpose()
            }

            async fn update_member(
                &self,
                username: &str,
                changes: &MemberChanges,
                at: DateTime<Utc>,
            ) -> Result<MemberRecord, StoreError> {
                let mut tx = self.begin_write().await?;
                let row: MemberRow = sqlx::query_as(&format!(
                    "SELECT {MEMBER_COLUMNS} FROM members WHERE username = $1"
                ))
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound("member"))?;
                let before = MemberRecord::try_from(row)?;
                let after = before.changed(changes);
                if before.is_active_admin() && !after.is_active_admin() {
                    if Self::other_active_admins(&mut tx, username).await? == 0 {
                        return Err(StoreError::Conflict(format!(
                            "`{username}` is the last active admin: make another member an admin first"
                        )));
                    }
                }
                sqlx::query(
                    "UPDATE members SET display_name = $1, email = $2, role = $3, \
                     disabled_at = CASE WHEN $4 THEN COALESCE(disabled_at, $5) END, updated_at = $5 \
                     WHERE username = $6",
                )
                .bind(&after.display_name)
                .bind(&after.email)
                .bind(after.role.as_str())
                .bind(after.disabled)
                .bind(ms(at))
                .bind(username)
                .execute(&mut *tx)
                .await?;
                if after.disabled {
                    sqlx::query("DELETE FROM sessions WHERE member = $1")
                        .bind(username)
                        .execute(&mut *tx)
                        .await?;
                }
                if after.disabled && !before.disabled {
                    Self::stop_expecting(&mut tx, username, ms(at)).await?;
                }
                self.commit(tx).await?;
                Ok(after)
            }

            async fn sso_member(
                &self,
                profile: &SsoProfile,
                at: DateTime<Utc>,
            ) -> Result<MemberRecord, StoreError> {
                let mut tx = self.begin_write().await?;
                let known: Option<String> = sqlx::query_scalar(
                    "SELECT username FROM sso_identities WHERE issuer = $1 AND subject = $2",
                )
                .bind(&profile.issuer)
                .bind(&profile.subject)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(username) = known else {
                    let mut free = None;
                    for candidate in &profile.usernames {
                        let taken: Option<String> =
                            sqlx::query_scalar("SELECT username FROM members WHERE username = $1")
                                .bind(candidate)
                                .fetch_optional(&mut *tx)
                                .await?;
                        if taken.is_none() {
                            free = Some(candidate.clone());
                            break;
                        }
                    }
                    let username = free.ok_or_else(|| {
                        StoreError::Conflict("no free username for this sign-on".into())
                    })?;
                    let record = MemberRecord {
                        username,
                        display_name: profile.display_name.clone(),
                        role: profile.role.unwrap_or(asyncvoter_wire::Role::Member),
                        password_hash: NO_PASSWORD.to_owned(),
                        email: profile.email.clone(),
                        disabled: false,
                    };
                    if !Self::insert_member(&mut tx, &record, at).await? {
                        return Err(StoreError::Conflict(format!(
                            "a member named `{}` already exists",
                            record.username
                        )));
                    }
                    sqlx::query(
                        "INSERT INTO sso_identities (issuer, subject, username, created_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(&profile.issuer)
                    .bind(&profile.subject)
                    .bind(&record.username)
                    .bind(ms(at))
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    return Ok(record);
                };
                let row: MemberRow = sqlx::query_as(&format!(
                    "SELECT {MEMBER_COLUMNS} FROM members WHERE username = $1"
                ))
                .bind(&username)
                .fetch_one(&mut *tx)
                .await?;
                let before = MemberRecord::try_from(row)?;
                let mut role = profile.role.unwrap_or(before.role);
                if before.is_active_admin() && role != asyncvoter_wire::Role::Admin {
                    if Self::other_active_admins(&mut tx, &username).await? == 0 {
                        role = asyncvoter_wire::Role::Admin;
                    }
                }
                let after = MemberRecord {
                    display_name: profile.display_name.clone(),
                    email: profile.email.clone().or(before.email.clone()),
                    role,
                    ..before
                };
                sqlx::query(
                    "UPDATE members SET display_name = $1, email = $2, role = $3, updated_at = $4 \
                     WHERE username = $5",
                )
                .bind(&after.display_name)
                .bind(&after.email)
                .bind(after.role.as_str())
                .bind(ms(at))
                .bind(&username)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn members(&self) -> Result<Vec<MemberRecord>, StoreError> {
                let rows: Vec<MemberRow> = sqlx::query_as(&format!(
                    "SELECT {MEMBER_COLUMNS} FROM members ORDER BY username"
                ))
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(MemberRecord::try_from).collect()
            }

            async fn set_password(
                &self,
                username: &str,
                password_hash: &str,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let statement = sqlx::query(
                    "UPDATE members SET password_hash = $1, updated_at = $2 WHERE username = $3",
                )
                .bind(password_hash)
                .bind(ms(at))
                .bind(username);
                match self.write_one(statement).await? {
                    0 => Err(StoreError::NotFound("member")),
                    _ => Ok(()),
                }
            }

            async fn display_names(
                &self,
                usernames: &[String],
            ) -> Result<Vec<(String, String)>, StoreError> {
                if usernames.is_empty() {
                    return Ok(Vec::new());
                }
                let mut sql: sqlx::QueryBuilder<$db> = sqlx::QueryBuilder::new(
                    "SELECT username, display_name FROM members WHERE username IN (",
                );
                Self::push_ids(&mut sql, usernames);
                Ok(sql.build_query_as().fetch_all(&self.reader).await?)
            }

            async fn external_names(&self, ids: &[String]) -> Result<Vec<(String, String)>, StoreError> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut sql: sqlx::QueryBuilder<$db> =
                    sqlx::QueryBuilder::new("SELECT id, name FROM external_voters WHERE id IN (");
                Self::push_ids(&mut sql, ids);
                Ok(sql.build_query_as().fetch_all(&self.reader).await?)
            }

            async fn create_webhook(
                &self,
                webhook: &WebhookRecord,
                at_most: u32,
            ) -> Result<bool, StoreError> {
                // Counted inside the write transaction, so parallel requests cannot pass the cap.
                let statement = sqlx::query(
                    "INSERT INTO webhooks (id, url, topics, project, secret, created_at, created_by) \
                     SELECT $1, $2, $3, $4, $5, $6, $7 WHERE (SELECT COUNT(*) FROM webhooks) < $8",
                )
                .bind(&webhook.id)
                .bind(&webhook.url)
                .bind(webhook.topics.join(" "))
                .bind(&webhook.project)
                .bind(&webhook.secret)
                .bind(ms(webhook.created_at))
                .bind(&webhook.created_by)
                .bind(i64::from(at_most));
                Ok(self.write_one(statement).await? == 1)
            }

            async fn webhooks(&self) -> Result<Vec<WebhookRecord>, StoreError> {
                let rows: Vec<WebhookRow> = sqlx::query_as(&format!(
                    "SELECT {WEBHOOK_COLUMNS} FROM webhooks w ORDER BY w.created_at, w.id"
                ))
                .fetch_all(&self.reader)
                .await?;
                Ok(rows.into_iter().map(WebhookRecord::from).collect())
            }

            async fn webhook(&self, id: &str) -> Result<WebhookRecord, StoreError> {
                let row: WebhookRow = sqlx::query_as(&format!(
                    "SELECT {WEBHOOK_COLUMNS} FROM webhooks w WHERE w.id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.reader)
                .await?
                .ok_or(StoreError::NotFound("webhook"))?;
                Ok(row.into())
            }

            async fn delete_webhook(&self, id: &str) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let deleted = sqlx::query("DELETE FROM webhooks WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if deleted.rows_affected() == 0 {
                    return Err(StoreError::NotFound("webhook"));
                }
                // What was not delivered yet goes nowhere now.
                sqlx::query(
                    "DELETE FROM outbox WHERE channel = 'webhook' AND target = $1 \
                     AND delivered_at IS NULL AND gave_up_at IS NULL",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn enqueue_ping(&self, webhook_id: &str, at: DateTime<Utc>) -> Result<i64, StoreError> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO outbox (channel, target, topic, created_at, next_attempt_at) \
                     VALUES ('webhook', $1, $2, $3, $3) RETURNING id",
                )
                .bind(webhook_id)
                .bind(notices::PING)
                .bind(ms(at))
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn claim_deliveries(
                &self,
                now: DateTime<Utc>,
                lease_until: DateTime<Utc>,
                limit: u32,
            ) -> Result<Vec<DeliveryRecord>, StoreError> {
                // Due and not held by another worker.
                const CLAIMABLE: &str = "o.delivered_at IS NULL AND o.gave_up_at IS NULL \
                    AND o.next_attempt_at <= $1 AND (o.claimed_until IS NULL OR o.claimed_until <= $1)";
                // Asked every second by every instance: the write lock only when one is due.
                let any: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT o.id FROM outbox o WHERE {CLAIMABLE} LIMIT 1"
                ))
                .bind(ms(now))
                .fetch_optional(&self.reader)
                .await?;
                if any.is_none() {
                    return Ok(Vec::new());
                }
                let mut tx = self.begin_write().await?;
                // Due, not held by another worker, and the first undelivered one of its
                // target and vote: each target hears of a vote in order.
                let ids: Vec<i64> = sqlx::query_scalar(&format!(
                    "SELECT o.id FROM outbox o WHERE {CLAIMABLE} \
                     AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.channel = o.channel \
                     AND p.target = o.target AND p.vote_id = o.vote_id AND p.id < o.id \
                     AND p.delivered_at IS NULL AND p.gave_up_at IS NULL) \
                     ORDER BY o.id LIMIT $2{}",
                    Self::SKIP_LOCKED
                ))
                .bind(ms(now))
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
                let mut claimed = Vec::with_capacity(ids.len());
                for id in ids {
                    let row: DeliveryRow = sqlx::query_as(&format!(
                        "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1 \
                         WHERE id = $2 RETURNING {DELIVERY_COLUMNS}"
                    ))
                    .bind(ms(lease_until))
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                    claimed.push(row.try_into()?);
                }
                tx.commit().await?;
                Ok(claimed)
            }

            async fn finish_delivery(
                &self,
                id: i64,
                outcome: DeliveryOutcome,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let statement = match &outcome {
                    DeliveryOutcome::Delivered => sqlx::query(
                        "UPDATE outbox SET delivered_at = $1, claimed_until = NULL, \
                         last_error = NULL WHERE id = $2",
                    )
                    .bind(ms(at))
                    .bind(id),
                    DeliveryOutcome::Retry(next, error) => sqlx::query(
                        "UPDATE outbox SET next_attempt_at = $1, claimed_until = NULL, \
                         last_error = $2 WHERE id = $3",
                    )
                    .bind(ms(*next))
                    .bind(error)
                    .bind(id),
                    DeliveryOutcome::GaveUp(error) => sqlx::query(
                        "UPDATE outbox SET gave_up_at = $1, claimed_until = NULL, \
                         last_error = $2 WHERE id = $3",
                    )
                    .bind(ms(at))
                    .bind(error)
                    .bind(id),
                };
                self.write_one(statement).await.map(drop)
            }

            async fn deliveries(&self, query: &DeliveryQuery) -> Result<Vec<DeliveryRecord>, StoreError> {
                let mut sql: sqlx::QueryBuilder<$db> = sqlx::QueryBuilder::new(format!(
                    "SELECT {DELIVERY_COLUMNS} FROM outbox WHERE 1 = 1"
                ));
                if let Some(channel) = query.channel {
                    sql.push(" AND channel = ").push_bind(channel.as_str());
                }
                if let Some(target) = &query.target {
                    sql.push(" AND target = ").push_bind(target.clone());
                }
                if query.failed_only {
                    sql.push(" AND (gave_up_at IS NOT NULL OR last_error IS NOT NULL)");
                }
                sql.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(query.limit));
                let rows: Vec<DeliveryRow> = sql.build_query_as().fetch_all(&self.reader).await?;
                rows.into_iter().map(DeliveryRecord::try_from).collect()
            }

            async fn member_settings(&self, username: &str) -> Result<MemberSettingsRecord, StoreError> {
                let row: (Option<String>, bool, bool, bool) = sqlx::query_as(
                    "SELECT email, notify_reminders, notify_results, notify_all_voted \
                     FROM members WHERE username = $1",
                )
                .bind(username)
                .fetch_optional(&self.reader)
                .await?
                .ok_or(StoreError::NotFound("member"))?;
                Ok(MemberSettingsRecord {
                    email: row.0,
                    reminders: row.1,
                    results: row.2,
                    all_voted: row.3,
                })
            }

            async fn save_member_settings(
                &self,
                username: &str,
                settings: &MemberSettingsRecord,
            ) -> Result<(), StoreError> {
                let statement = sqlx::query(
                    "UPDATE members SET email = $1, notify_reminders = $2, notify_results = $3, \
                     notify_all_voted = $4 WHERE username = $5",
                )
                .bind(&settings.email)
                .bind(settings.reminders)
                .bind(settings.results)
                .bind(settings.all_voted)
                .bind(username);
                match self.write_one(statement).await? {
                    0 => Err(StoreError::NotFound("member")),
                    _ => Ok(()),
                }
            }

            async fn unsubscribe_token(&self, username: &str) -> Result<String, StoreError> {
                let mut tx = self.begin_write().await?;
                let token: Option<String> = sqlx::query_scalar(
                    "UPDATE members SET unsubscribe_token = COALESCE(unsubscribe_token, $1) \
                     WHERE username = $2 RETURNING unsubscribe_token",
                )
                .bind(hex::encode(rand::random::<[u8; 24]>()))
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                token.ok_or(StoreError::NotFound("member"))
            }

            async fn unsubscribe(&self, token: &str, topic: &str) -> Result<Option<String>, StoreError> {
                let column = match topic {
                    notices::REMINDER => "notify_reminders = FALSE",
                    notices::RESULTS => "notify_results = FALSE",
                    notices::ALL_VOTED => "notify_all_voted = FALSE",
                    _ => "notify_reminders = FALSE, notify_results = FALSE, notify_all_voted = FALSE",
                };
                let mut tx = self.begin_write().await?;
                let username: Option<String> = sqlx::query_scalar(&format!(
                    "UPDATE members SET {column} WHERE unsubscribe_token = $1 RETURNING username"
                ))
                .bind(token)
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(username)
            }

            async fn reminder_candidates(
                &self,
                now: DateTime<Utc>,
                within: chrono::Duration,
            ) -> Result<Vec<ReminderCandidate>, StoreError> {
                const NEAR: &str = "v.state = 'open' AND v.deadline > $1 AND v.deadline <= $2 \
                                    AND v.expected_voters <> '[]'";
                let rows = sqlx::query(&format!(
                    "SELECT {VOTE_COLUMNS}, {} AS voters FROM votes v WHERE {NEAR}",
                    Self::CURRENT_VOTERS
                ))
                .bind(ms(now))
                .bind(ms(now + within))
                .fetch_all(&self.reader)
                .await?;
                let sent: Vec<(String, String, i64)> = sqlx::query_as(&format!(
                    "SELECT r.vote_id, r.voter, r.lead_ms FROM reminders_sent r \
                     JOIN votes v ON v.id = r.vote_id AND v.round = r.round WHERE {NEAR}"
                ))
                .bind(ms(now))
                .bind(ms(now + within))
                .fetch_all(&self.reader)
                .await?;
                let mut candidates = Vec::with_capacity(rows.len());
                for row in &rows {
                    use sqlx::FromRow;
                    let vote = VoteRecord::try_from(VoteRow::from_row(row)?)?;
                    let sent = sent
                        .iter()
                        .filter(|(vote_id, ..)| *vote_id == vote.id)
                        .map(|(_, voter, lead)| (voter.clone(), *lead))
                        .collect();
                    candidates.push(ReminderCandidate { vote, voters: Self::voters(row)?, sent });
                }
                Ok(candidates)
            }

            async fn send_reminders(&self, due: &[ReminderDue], at: DateTime<Utc>) -> Result<u32, StoreError> {
                let now = ms(at);
                let mut tx = self.begin_write().await?;
                let mut sent = 0;
                for reminder in due {
                    let mut new = false;
                    for lead in &reminder.leads_ms {
                        let inserted = sqlx::query(
                            "INSERT INTO reminders_sent (vote_id, round, voter, lead_ms, sent_at) \
                             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                        )
                        .bind(&reminder.vote_id)
                        .bind(i64::from(reminder.round))
                        .bind(&reminder.voter)
                        .bind(lead)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        new |= inserted.rows_affected() == 1;
                    }
                    let round = i64::from(reminder.round);
                    if !new {
                        continue;
                    }
                    let mailed = Self::enqueue_email(&mut tx, &reminder.voter, "notify_reminders", notices::REMINDER, &reminder.vote_id, round, now)
                        .await?;
                    // In Slack: external Slack voters, and members linked to a Slack user.
                    let messaged = sqlx::query(
                        "INSERT INTO outbox (channel, target, topic, vote_id, round, voter, created_at, \
                         next_attempt_at) SELECT 'slack_dm', $1, $2, $3, $4, $1, $5, $5 \
                         WHERE $1 LIKE 'slack:%' OR EXISTS (SELECT 1 FROM slack_users s \
                         JOIN members m ON m.username = s.member WHERE s.member = $1 AND m.notify_reminders \
                         AND m.disabled_at IS NULL)",
                    )
                    .bind(&reminder.voter)
                    .bind(notices::REMINDER)
                    .bind(&reminder.vote_id)
                    .bind(round)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0;
                    if mailed || messaged {
                        Self::record_event(&mut tx, &reminder.vote_id, EventKind::ReminderSent, Some(&reminder.voter), round, now)
                            .await?;
                        sent += 1;
                    }
                }
                self.commit(tx).await?;
                Ok(sent)
            }

            async fn reserve_login_attempt(
                &self,
                keys: &[String],
                at: DateTime<Utc>,
                since: DateTime<Utc>,
                max: u32,
            ) -> Result<Reservation, StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM login_attempts WHERE at < $1")
                    .bind(ms(since))
                    .execute(&mut *tx)
                    .await?;
                for key in keys {
                    // The max-th newest attempt: the one whose expiry frees this key.
                    let blocking: Option<i64> = sqlx::query_scalar(
                        "SELECT at FROM login_attempts WHERE key = $1 \
                         ORDER BY at DESC LIMIT 1 OFFSET $2",
                    )
                    .bind(key)
                    .bind(i64::from(max.max(1) - 1))
                    .fetch_optional(&mut *tx)
                    .await?;
                    if let Some(blocking) = blocking {
                        return Ok(Reservation::Full(time(blocking)));
                    }
                }
                let attempt = i64::from_be_bytes(rand::random::<[u8; 8]>()) & i64::MAX;
                for key in keys {
                    sqlx::query("INSERT INTO login_attempts (attempt, key, at) VALUES ($1, $2, $3)")
                        .bind(attempt)
                        .bind(key)
                        .bind(ms(at))
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(Reservation::Made(attempt))
            }

            async fn clear_login_attempt(&self, attempt: i64) -> Result<(), StoreError> {
                let statement = sqlx::query("DELETE FROM login_attempts WHERE attempt = $1").bind(attempt);
                self.write_one(statement).await.map(drop)
            }

            async fn session(
                &self,
                id_hash: &str,
                now: DateTime<Utc>,
            ) -> Result<Option<SessionRecord>, StoreError> {
                let row: Option<(String, Option<String>, String, i64)> = sqlx::query_as(
                    "SELECT id_hash, member, data, expires_at FROM sessions \
                     WHERE id_hash = $1 AND expires_at > $2",
                )
                .bind(id_hash)
                .bind(ms(now))
                .fetch_optional(&self.reader)
                .await?;
                Ok(row.map(|(id_hash, member, data, expires_at)| SessionRecord {
                    id_hash,
                    member,
                    data,
                    expires_at: time(expires_at),
                }))
            }

            async fn create_session(
                &self,
                session: &SessionRecord,
                now: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                    .bind(ms(now))
                    .execute(&mut *tx)
                    .await?;
                let inserted = sqlx::query(
                    "INSERT INTO sessions (id_hash, member, data, expires_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (id_hash) DO NOTHING",
                )
                .bind(&session.id_hash)
                .bind(&session.member)
                .bind(&session.data)
                .bind(ms(session.expires_at))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(inserted.rows_affected() == 1)
            }

            async fn save_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
                let statement = sqlx::query(
                    "INSERT INTO sessions (id_hash, member, data, expires_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (id_hash) DO UPDATE \
                     SET member = excluded.member, data = excluded.data, \
                     expires_at = excluded.expires_at",
                )
                .bind(&session.id_hash)
                .bind(&session.member)
                .bind(&session.data)
                .bind(ms(session.expires_at));
                self.write_one(statement).await.map(drop)
            }

            async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
                let statement = sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash);
                self.write_one(statement).await.map(drop)
            }

            async fn end_sessions_of(
                &self,
                member: &str,
                keep: Option<&str>,
            ) -> Result<u64, StoreError> {
                let statement = sqlx::query(
                    "DELETE FROM sessions WHERE member = $1 AND id_hash <> COALESCE($2, '')",
                )
                .bind(member)
                .bind(keep);
                self.write_one(statement).await
            }

            async fn member_by_email(&self, email: &str) -> Result<Option<String>, StoreError> {
                Ok(sqlx::query_scalar(
                    "SELECT username FROM members WHERE LOWER(email) = LOWER($1) ORDER BY username LIMIT 1",
                )
                .bind(email)
                .fetch_optional(&self.reader)
                .await?)
            }

            async fn outbox_counts(&self) -> Result<Vec<(String, i64, i64)>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT channel, \
                     COUNT(CASE WHEN delivered_at IS NULL AND gave_up_at IS NULL THEN 1 END), \
                     COUNT(CASE WHEN gave_up_at IS NOT NULL THEN 1 END) \
                     FROM outbox GROUP BY channel ORDER BY channel",
                )
                .fetch_all(&self.reader)
                .await?)
            }

            async fn slack_message(
                &self,
                vote_id: &str,
            ) -> Result<Option<SlackMessageRecord>, StoreError> {
                let row: Option<(String, String, Option<String>)> = sqlx::query_as(
                    "SELECT team, channel, ts FROM slack_messages WHERE vote_id = $1",
                )
                .bind(vote_id)
                .fetch_optional(&self.reader)
                .await?;
                Ok(row.map(|(team, channel, ts)| SlackMessageRecord {
                    place: SlackPlace { team, channel },
                    ts,
                }))
            }

            async fn set_slack_ts(&self, vote_id: &str, ts: &str) -> Result<(), StoreError> {
                let statement = sqlx::query("UPDATE slack_messages SET ts = $1 WHERE vote_id = $2")
                    .bind(ts)
                    .bind(vote_id);
                self.write_one(statement).await.map(drop)
            }

            async fn slack_user(
                &self,
                team: &str,
                user: &str,
            ) -> Result<Option<SlackUserRecord>, StoreError> {
                let row: Option<(Option<String>, i64)> = sqlx::query_as(
                    "SELECT member, checked_at FROM slack_users WHERE team = $1 AND user_id = $2",
                )
                .bind(team)
                .bind(user)
                .fetch_optional(&self.reader)
                .await?;
                Ok(row.map(|(member, checked_at)| SlackUserRecord {
                    member,
                    checked_at: time(checked_at),
                }))
            }

            async fn save_slack_user(
                &self,
                team: &str,
                user: &str,
                member: Option<&str>,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                Self::link_slack_user(&mut tx, team, user, member, ms(at)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn slack_users_of(&self, member: &str) -> Result<Vec<(String, String)>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT team, user_id FROM slack_users WHERE member = $1 ORDER BY team, user_id",
                )
                .bind(member)
                .fetch_all(&self.reader)
                .await?)
            }

            async fn create_slack_link(
                &self,
                token_hash: &str,
                team: &str,
                user: &str,
                expires_at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let statement = sqlx::query(
                    "INSERT INTO slack_link_tokens (token_hash, team, user_id, expires_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(token_hash)
                .bind(team)
                .bind(user)
                .bind(ms(expires_at));
                self.write_one(statement).await.map(drop)
            }

            async fn use_slack_link(
                &self,
                token_hash: &str,
                member: &str,
                at: DateTime<Utc>,
            ) -> Result<Option<(String, String)>, StoreError> {
                let now = ms(at);
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM slack_link_tokens WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                let found: Option<(String, String)> = sqlx::query_as(
                    "DELETE FROM slack_link_tokens WHERE token_hash = $1 RETURNING team, user_id",
                )
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((team, user)) = &found {
                    Self::link_slack_user(&mut tx, team, user, Some(member), now).await?;
                }
                tx.commit().await?;
                Ok(found)
            }

            async fn first_slack_request(
                &self,
                signature: &str,
                at: DateTime<Utc>,
                forget_before: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM slack_requests_seen WHERE at < $1")
                    .bind(ms(forget_before))
                    .execute(&mut *tx)
                    .await?;
                let noted = sqlx::query(
                    "INSERT INTO slack_requests_seen (signature, at) VALUES ($1, $2) \
                     ON CONFLICT (signature) DO NOTHING",
                )
                .bind(signature)
                .bind(ms(at))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(noted.rows_affected() == 1)
            }
        }
    };
}

pub(super) use sql_store;
