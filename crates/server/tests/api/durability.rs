//! Acknowledged ballots survive a SIGKILL of the real binary.

use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BINARY: &str = env!("CARGO_BIN_EXE_asyncvoter");

/// Starts `asyncvoter serve` on a free port; returns it with its base URL.
async fn start(database_url: &str) -> (Child, String) {
    let mut child = Command::new(BINARY)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(at) = line.find("http://") {
                return line[at..].trim_end_matches('/').to_owned();
            }
        }
        panic!("the server exited before printing its URL");
    })
    .await
    .expect("the server prints its URL");
    (child, base)
}

#[tokio::test]
async fn acknowledged_ballots_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("kill.db").display());
    // Made as `serve` makes it: the token command refuses a missing database.
    drop(asyncvoter_server::store::open(&url).await.unwrap());
    let output = Command::new(BINARY)
        .args(["token", "create", "bot", "--database-url", &url])
        .args(["--scope", "votes:write", "--scope", "votes:manage"])
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();

    let (mut server, base) = start(&url).await;
    let client = reqwest::Client::new();
    let vote: Value = client
        .post(format!("{base}/api/votes"))
        .bearer_auth(&token)
        .json(&json!({"name": "Durable", "deck": "fibonacci"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = vote["vote"]["id"].as_str().unwrap().to_owned();
    let cards = ["1", "2", "3", "5", "8"];
    let casts = (0..200).map(|n| {
        let (client, base, token, id) = (&client, &base, &token, &id);
        async move {
            client
                .put(format!("{base}/api/votes/{id}/ballots/slack:U{n}"))
                .bearer_auth(token)
                .json(&json!({"card": cards[n % 5]}))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures::future::join_all(casts).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    server.kill().await.unwrap();

    let (_server, base) = start(&url).await;
    let reveal = client
        .post(format!("{base}/api/votes/{id}/reveal"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(reveal.status(), StatusCode::OK);
    let vote: asyncvoter_wire::VoteDetail = reveal.json().await.unwrap();
    let ballots = &vote.rounds[0].ballots;
    assert_eq!(ballots.len(), 200, "every acknowledged ballot is there");
    for ballot in ballots {
        let n: usize = ballot
            .voter
            .id
            .trim_start_matches("slack:U")
            .parse()
            .unwrap();
        assert_eq!(ballot.card.as_deref(), Some(cards[n % 5]));
    }
}
