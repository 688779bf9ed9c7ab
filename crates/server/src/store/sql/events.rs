//! The SQL of [`EventStore`](crate::store::EventStore), expanded for each backend by
//! `sql_store!`.

macro_rules! sql_events {
    ($store:ident, $db:ty) => {
        #[async_trait]
        impl EventStore for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(&self.reader).await?;
                Ok(())
            }

            async fn events_after(
                &self,
                after: i64,
                limit: u32,
            ) -> Result<Vec<EventRecord>, StoreError> {
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
                Ok(
                    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
                        .fetch_one(&self.reader)
                        .await?,
                )
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
                Ok(
                    sqlx::query_scalar("SELECT version FROM credentials_version")
                        .fetch_one(&self.reader)
                        .await?,
                )
            }

            fn appended(&self) -> std::sync::Arc<tokio::sync::Notify> {
                self.appended.clone()
            }
        }
    };
}

pub(in crate::store) use sql_events;
