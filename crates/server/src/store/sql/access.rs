//! The SQL of [`AccessStore`](crate::store::AccessStore), expanded for each backend by
//! `sql_store!`.

macro_rules! sql_access {
    ($store:ident, $db:ty) => {
        #[async_trait]
        impl AccessStore for $store {
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
                if last_used_at
                    .is_none_or(|last| ms(at) - last >= crate::store::sql::LAST_USE_EVERY_MS)
                {
                    let statement = sqlx::query(
                        "UPDATE integration_tokens SET last_used_at = $1 WHERE name = $2",
                    )
                    .bind(ms(at))
                    .bind(&name);
                    self.write_one(statement).await?;
                }
                Ok(Some(Integration {
                    name,
                    scopes: parse_scopes(&scopes)?,
                }))
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
                let statement =
                    sqlx::query("DELETE FROM integration_tokens WHERE name = $1").bind(name);
                match self.write_one(statement).await? {
                    0 => Err(StoreError::NotFound("integration")),
                    _ => Ok(()),
                }
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
                    sqlx::query(
                        "INSERT INTO login_attempts (attempt, key, at) VALUES ($1, $2, $3)",
                    )
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
                let statement =
                    sqlx::query("DELETE FROM login_attempts WHERE attempt = $1").bind(attempt);
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
                Ok(
                    row.map(|(id_hash, member, data, expires_at)| SessionRecord {
                        id_hash,
                        member,
                        data,
                        expires_at: time(expires_at),
                    }),
                )
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
                let statement =
                    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash);
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
        }
    };
}

pub(in crate::store) use sql_access;
