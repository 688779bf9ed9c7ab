//! The backends a test runs on, each with a fresh, empty database.

use std::future::Future;
use std::sync::Arc;

use asyncvoter_server::store::{self, NewVoteRecord, Store};
use asyncvoter_wire::DeckKind;

/// The variable naming a PostgreSQL server the suite may create databases on, e.g.
/// `postgres://asyncvoter:asyncvoter@127.0.0.1:5432/asyncvoter`.
pub const POSTGRES_ENV: &str = "ASYNCVOTER_TEST_POSTGRES";

/// Runs `scenario` on a fresh SQLite file and, when configured, a fresh PostgreSQL
/// database; the backend's name is passed for messages.
pub async fn on_every_backend<F, Fut>(scenario: F)
where
    F: Fn(Arc<dyn Store>, &'static str) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let sqlite = store::open(&format!(
        "sqlite://{}",
        dir.path().join("suite.db").display()
    ))
    .await
    .unwrap();
    scenario(sqlite, "sqlite").await;

    match std::env::var(POSTGRES_ENV) {
        Ok(admin_url) => {
            let database = FreshPostgres::create(&admin_url).await;
            let store = store::open(&database.url).await.unwrap();
            scenario(store, "postgres").await;
            database.drop_it().await;
        }
        Err(_) => eprintln!("{POSTGRES_ENV} is not set: PostgreSQL skipped in this run"),
    }
}

/// A database created for one test on the configured server.
pub struct FreshPostgres {
    admin_url: String,
    name: String,
    /// Its URL.
    pub url: String,
}

impl FreshPostgres {
    /// Creates an empty database.
    pub async fn create(admin_url: &str) -> FreshPostgres {
        use sqlx::Connection;
        let name = format!("av_test_{}", hex::encode(rand::random::<[u8; 6]>()));
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV} does not answer: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let mut url = url::Url::parse(admin_url).unwrap();
        url.set_path(&name);
        FreshPostgres {
            admin_url: admin_url.to_owned(),
            name,
            url: url.to_string(),
        }
    }

    /// Drops the database, closing whatever still uses it.
    pub async fn drop_it(self) {
        use sqlx::Connection;
        if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin)
            .await;
        }
    }
}

/// A Fibonacci vote to start, with an optional quorum.
pub fn story(name: &str, quorum: Option<u32>) -> NewVoteRecord {
    NewVoteRecord {
        name: name.into(),
        url: None,
        project: None,
        owner: None,
        deck: DeckKind::Fibonacci,
        cards: None,
        quorum,
        deadline: None,
        final_size: None,
    }
}
