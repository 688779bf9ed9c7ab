//! The SQL of [`NotificationStore`](crate::store::NotificationStore), expanded for each backend by
//! `sql_store!`.

macro_rules! sql_notifications {
    ($store:ident, $db:ty) => {
        impl $store {
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
        }

        #[async_trait]
        impl NotificationStore for $store {
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
        }
    };
}

pub(in crate::store) use sql_notifications;
