//! The SQL of [`MemberStore`](crate::store::MemberStore), expanded for each backend by
//! `sql_store!`.

macro_rules! sql_members {
    ($store:ident, $db:ty) => {
        impl $store {
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
        }

        #[async_trait]
        impl MemberStore for $store {
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

            async fn member_by_email(&self, email: &str) -> Result<Option<String>, StoreError> {
                Ok(sqlx::query_scalar(
                    "SELECT username FROM members WHERE LOWER(email) = LOWER($1) ORDER BY username LIMIT 1",
                )
                .bind(email)
                .fetch_optional(&self.reader)
                .await?)
            }
        }
    };
}

pub(in crate::store) use sql_members;
