//! SIGTERM in the middle of things: the request in flight is answered (and kept), event
//! streams end cleanly, and the process exits 0.

use std::time::Duration;

use asyncvoter_test_support::{ServerProcess, create_token};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use crate::{start_vote, voters};

const BINARY: &str = env!("CARGO_BIN_EXE_asyncvoter");

#[tokio::test]
async fn sigterm_answers_the_request_in_flight_ends_streams_and_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("shutdown.db").display());
    let token = create_token(BINARY, &database, "bot").await;
    let mut server = ServerProcess::start(BINARY, &database).await;
    let base = server.base.clone();
    let vote = start_vote(&base, &token).await;

    let mut stream = reqwest::get(format!("{base}/api/events")).await.unwrap();
    assert!(
        stream.chunk().await.unwrap().is_some(),
        "the stream is open"
    );

    // A ballot whose headers have arrived and whose body has not: in flight.
    let body = br#"{"card": "8"}"#;
    let mut socket = tokio::net::TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .unwrap();
    let head = format!(
        "PUT /api/votes/{vote}/ballots/slack:Ana HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    // Let the server read the head before the signal, so the request is surely in flight.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let pid = server.pid().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .unwrap()
            .success()
    );

    let ended = tokio::time::timeout(Duration::from_secs(3), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(
        ended.is_ok(),
        "the event stream ends on SIGTERM instead of holding it up"
    );

    socket.write_all(body).await.unwrap();
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the request in flight is answered: {answer}"
    );

    let exit = tokio::time::timeout(Duration::from_secs(10), server.child.wait())
        .await
        .expect("the process exits")
        .unwrap();
    assert!(exit.success(), "a clean exit: {exit}");

    let again = ServerProcess::start(BINARY, &database).await;
    let base = again.base.clone();
    assert_eq!(
        voters(&base, &token, &vote).await,
        ["slack:Ana"],
        "the answered ballot was kept"
    );
    let health = reqwest::get(format!("{base}/api/health")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}
