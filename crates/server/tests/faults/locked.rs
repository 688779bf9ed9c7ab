//! Another process holds SQLite's write lock: writes answer 503 within the busy timeout
//! while reads go on, and everything is back to normal on its own once the lock is gone.

use std::time::Duration;

use asyncvoter_server::LegacyApi;
use asyncvoter_test_support::TestServer;
use reqwest::{Method, StatusCode};
use sqlx::{Connection, Executor};

use crate::{assert_unavailable, cast, send, start_vote, voters};

#[tokio::test]
async fn a_database_locked_by_another_process_answers_503_and_recovers_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    let server = TestServer::start(&path, TestServer::settings(LegacyApi::Token, None)).await;
    let (base, token) = (server.base.as_str(), server.token.as_str());
    let vote = start_vote(base, token).await;
    assert_eq!(
        cast(base, token, &vote, "slack:Ana", "3").await.status,
        StatusCode::OK
    );

    // Another process takes the database and keeps it (a stuck backup, a crashed tool).
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    other.execute("BEGIN IMMEDIATE").await.unwrap();
    other
        .execute("INSERT INTO login_attempts (attempt, key, at) VALUES (1, 'other-process', 0)")
        .await
        .unwrap();

    let refused = cast(base, token, &vote, "slack:Ben", "5").await;
    assert_unavailable(&refused, "busy");
    assert!(
        refused.took < Duration::from_secs(10),
        "answered, not hung: {:?}",
        refused.took
    );
    // Reads do not need the write lock.
    assert_eq!(voters(base, token, &vote).await, ["slack:Ana"]);

    other.execute("ROLLBACK").await.unwrap();
    other.close().await.unwrap();

    // No restart, no operator: the next requests work and nothing was lost or doubled.
    let health = send(base, token, Method::GET, "/api/health", None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(
        cast(base, token, &vote, "slack:Ben", "5").await.status,
        StatusCode::OK
    );
    assert_eq!(voters(base, token, &vote).await, ["slack:Ana", "slack:Ben"]);
}
