//! Upgrades: a database made by the first released schema, with votes, rounds, ballots and
//! an integration token in it, migrates to the current schema on both backends and keeps
//! everything readable and writable through the store; processes that open a new file at
//! once all find it migrated.

use std::path::Path;

use asyncvoter_server::auth;
use asyncvoter_server::rules;
use asyncvoter_server::store::{self, BallotCast, RevealCause, Store};
use asyncvoter_test_support::{FreshPostgres, POSTGRES_ENV};
use sqlx::migrate::Migrator;

/// The first released schema: the first migration alone, in a folder of its own (its
/// checksum is the shipped file's, so the current migrations continue from it).
async fn first_schema(backend: &str) -> (tempfile::TempDir, Migrator) {
    let dir = tempfile::tempdir().unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut files: Vec<_> = std::fs::read_dir(&shipped)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let first = &files[0];
    std::fs::copy(first, dir.path().join(first.file_name().unwrap())).unwrap();
    let migrator = Migrator::new(dir.path()).await.unwrap();
    (dir, migrator)
}

/// Rows as the first release wrote them: a revealed vote with two ballots, an open one
/// with one, and a token.
const OLD_DATA: [&str; 7] = [
    "INSERT INTO votes (id, name, deck, state, round, created_at, updated_at) \
     VALUES ('v_revealed', 'Old revealed', 'fibonacci', 'revealed', 1, 1000, 2000)",
    "INSERT INTO votes (id, name, url, deck, state, round, created_at, updated_at) \
     VALUES ('v_open', 'Old open', 'https://t.example/1', 'tshirt', 'open', 1, 1000, 1500)",
    "INSERT INTO rounds (vote_id, number, started_at, revealed_at, revealed_by) \
     VALUES ('v_revealed', 1, 1000, 2000, 'manual')",
    "INSERT INTO rounds (vote_id, number, started_at) VALUES ('v_open', 1, 1000)",
    "INSERT INTO ballots (id, vote_id, round, voter, card, created_at, cast_at) VALUES \
     ('b1', 'v_revealed', 1, 'slack:U1', '5', 1100, 1100), \
     ('b2', 'v_revealed', 1, 'slack:U2', '8', 1200, 1200)",
    "INSERT INTO ballots (id, vote_id, round, voter, card, created_at, cast_at) \
     VALUES ('b3', 'v_open', 1, 'slack:U1', 'M', 1300, 1300)",
    "INSERT INTO integration_tokens (name, token_hash, created_at) VALUES ('old-bot', 'HASH', 1000)",
];

async fn check_upgraded(store: &dyn Store, token_hash: &str, backend: &str) {
    let revealed = store.vote("v_revealed").await.unwrap();
    let cards: Vec<(&str, &str)> = revealed
        .ballots
        .iter()
        .map(|b| (b.voter.as_str(), b.card.as_str()))
        .collect();
    assert_eq!(cards, [("slack:U1", "5"), ("slack:U2", "8")], "{backend}");
    assert!(revealed.vote.expected_voters.is_empty(), "{backend}");
    let open = store.vote_record("v_open").await.unwrap();
    assert_eq!(
        open.url.as_deref(),
        Some("https://t.example/1"),
        "{backend}"
    );
    let token = store
        .integration_by_token(token_hash, rules::now())
        .await
        .unwrap();
    assert_eq!(
        token.map(|t| t.name),
        Some("old-bot".to_owned()),
        "{backend}"
    );
    // Still writable: a new ballot, a reveal, and a vote of today.
    store
        .cast_ballot(BallotCast {
            vote_id: "v_open".into(),
            voter: "slack:U2".into(),
            card: "L".into(),
            reason: Some("new in this version".into()),
            name: None,
            at: rules::now(),
        })
        .await
        .unwrap();
    store
        .reveal("v_open", RevealCause::Manual, rules::now())
        .await
        .unwrap();
    assert_eq!(
        store.vote("v_open").await.unwrap().ballots.len(),
        2,
        "{backend}"
    );
}

#[tokio::test]
async fn the_first_released_schema_with_data_upgrades_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let (_first, migrator) = first_schema("sqlite").await;
    {
        let options: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
        let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
            .await
            .unwrap();
        migrator.run(&pool).await.unwrap();
        for statement in OLD_DATA {
            sqlx::query(&statement.replace("HASH", &auth::hash_token("av_old")))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }
    let store = store::open(&url).await.unwrap();
    check_upgraded(store.as_ref(), &auth::hash_token("av_old"), "sqlite").await;
}

#[tokio::test]
async fn the_first_released_schema_with_data_upgrades_on_postgres() {
    let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
        eprintln!("{POSTGRES_ENV} is not set: PostgreSQL skipped in this run");
        return;
    };
    let database = FreshPostgres::create(&admin_url).await;
    let (_first, migrator) = first_schema("postgres").await;
    {
        let pool = sqlx::PgPool::connect(&database.url).await.unwrap();
        migrator.run(&pool).await.unwrap();
        for statement in OLD_DATA {
            sqlx::query(&statement.replace("HASH", &auth::hash_token("av_old")))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }
    let store = store::open(&database.url).await.unwrap();
    check_upgraded(store.as_ref(), &auth::hash_token("av_old"), "postgres").await;
    drop(store);
    database.drop_it().await;
}

#[tokio::test]
async fn processes_opening_a_new_sqlite_file_at_once_all_find_it_migrated() {
    // A server and a CLI command (or two servers) started together on a file that does
    // not exist yet: each opens it on connections of its own, as separate processes would.
    for attempt in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("race.db").display());
        let opened = futures::future::join_all((0..4).map(|_| store::open(&url))).await;
        for (which, store) in opened.into_iter().enumerate() {
            let store =
                store.unwrap_or_else(|e| panic!("attempt {attempt}, opener {which}: {e:#}"));
            assert!(store.list_votes(&Default::default()).await.is_ok());
        }
    }
}

#[tokio::test]
async fn a_sqlite_database_opened_again_in_one_process_keeps_its_first_store_current() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("twice.db").display());
    let first = store::open(&url).await.unwrap();
    // Opened again here, as a restore or a test does: its checks never take the first
    // store's file locks away (closing a descriptor of the file would end them all).
    drop(store::open(&url).await.unwrap());
    for i in 0..5 {
        let name = format!("bot-{i}");
        let made = tokio::process::Command::new(env!("CARGO_BIN_EXE_asyncvoter"))
            .args(["token", "create", &name, "--database-url", &url])
            .output()
            .await
            .unwrap();
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        let tokens = first.integrations().await.unwrap();
        assert!(
            tokens.iter().any(|t| t.name == name),
            "the first store missed what another process wrote ({name})"
        );
    }
}
