//! The SQL of a ballot's way in, expanded for each backend by `sql_store!`: the group-commit
//! writer's batches, one ballot's cast, the turnout the reveal rules read, and the reveal a
//! ballot (or a change to who is expected) may cause. `VoteStore`'s `cast_ballot` hands
//! ballots to this writer.

macro_rules! sql_ballots {
    ($store:ident, $db:ty) => {
        impl $store {
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
        }
    };
}

pub(in crate::store) use sql_ballots;
