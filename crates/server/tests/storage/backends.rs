//! The backends a test runs on, each with a fresh, empty database.

use std::future::Future;
use std::sync::Arc;

use asyncvoter_server::rules;
use asyncvoter_server::store::{self, BallotCast, NewVoteRecord, Store};
use asyncvoter_test_support::{FreshPostgres, POSTGRES_ENV};
use asyncvoter_wire::DeckKind;

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
        expected_voters: Vec::new(),
        reveal_when_all_voted: false,
        slack: None,
    }
}

/// `voter`'s ballot for `card`, cast now.
pub fn cast(vote_id: &str, voter: &str, card: &str) -> BallotCast {
    BallotCast {
        vote_id: vote_id.into(),
        voter: voter.into(),
        card: card.into(),
        reason: None,
        name: None,
        at: rules::now(),
    }
}
