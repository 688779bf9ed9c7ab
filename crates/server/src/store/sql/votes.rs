//! The SQL of [`VoteStore`](crate::store::VoteStore), expanded for each backend by
//! `sql_store!`.

macro_rules! sql_votes {
    ($store:ident, $db:ty) => {
        impl $store {
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
        impl VoteStore for $store {
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

            async fn external_names(&self, ids: &[String]) -> Result<Vec<(String, String)>, StoreError> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut sql: sqlx::QueryBuilder<$db> =
                    sqlx::QueryBuilder::new("SELECT id, name FROM external_voters WHERE id IN (");
                Self::push_ids(&mut sql, ids);
                Ok(sql.build_query_as().fetch_all(&self.reader).await?)
            }
        }
    };
}

pub(in crate::store) use sql_votes;
