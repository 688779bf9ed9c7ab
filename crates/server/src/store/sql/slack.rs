//! The SQL of [`SlackStore`](crate::store::SlackStore), expanded for each backend by
//! `sql_store!`.

macro_rules! sql_slack {
    ($store:ident, $db:ty) => {
        impl $store {
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
        }

        #[async_trait]
        impl SlackStore for $store {
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

pub(in crate::store) use sql_slack;
