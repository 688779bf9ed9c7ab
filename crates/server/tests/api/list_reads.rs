//! List and vote reads as browsers make them: compressed once per change, never older
//! than the last write, whichever process or connection made it, and a kept vote sealed
//! for each caller as if it were read anew.

use std::io::Read;

use asyncvoter_test_support::ServerProcess;
use asyncvoter_wire::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;

use crate::helpers::{As, TestApp, spawn_app};

const LIST: &str = "/api/votes?state=ongoing&limit=100";
const BROWSER: &str = "gzip, deflate, br, zstd";

/// The list as a browser reads it: the encoding it came in, and its JSON.
async fn read(base: &str, accept: Option<&str>) -> (Option<String>, Value) {
    let mut request = reqwest::Client::new().get(format!("{base}{LIST}"));
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["vary"], "accept-encoding");
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.bytes().await.unwrap();
    let mut json = Vec::new();
    match encoding.as_deref() {
        Some("br") => brotli::BrotliDecompress(&mut &body[..], &mut json).unwrap(),
        Some("gzip") => {
            flate2::read::GzDecoder::new(&body[..])
                .read_to_end(&mut json)
                .unwrap();
        }
        None => json = body.to_vec(),
        Some(other) => panic!("unexpected encoding {other}"),
    }
    (encoding, serde_json::from_slice(&json).unwrap())
}

/// The names of the first vote's voters in the list.
async fn voters(base: &str) -> Vec<String> {
    let (_, list) = read(base, Some(BROWSER)).await;
    list["items"][0]["voters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The names of vote `id`'s voters as the list shows them and as the vote's own read
/// does (the current round's ballots).
async fn seen(app: &TestApp, id: &str) -> [Vec<String>; 2] {
    let vote = app.vote(id).await;
    let round = vote.rounds.last().expect("a vote has a round");
    let read = round.ballots.iter().map(|b| b.voter.name.clone()).collect();
    [voters(&app.base).await, read]
}

/// Both reads of [`seen`] show exactly `names`.
fn both(names: &[&str]) -> [Vec<String>; 2] {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    [names.clone(), names]
}

async fn twenty_votes(app: &TestApp) -> String {
    let mut last = String::new();
    for i in 0..20 {
        last = app
            .create_vote(
                json!({"name": format!("Story {i} with a name long enough"), "deck": "fibonacci"}),
            )
            .await
            .vote
            .id;
    }
    last
}

#[tokio::test]
async fn a_browser_gets_the_same_list_compressed_and_a_small_one_plain() {
    let app = spawn_app().await;
    let (encoding, empty) = read(&app.base, Some(BROWSER)).await;
    assert_eq!(empty, json!({"items": [], "next_cursor": null}));
    assert_eq!(encoding.as_deref(), None, "too small to compress");
    twenty_votes(&app).await;
    let (_, plain) = read(&app.base, None).await;
    for (accept, expected) in [(BROWSER, "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip")] {
        let (encoding, list) = read(&app.base, Some(accept)).await;
        assert_eq!(encoding.as_deref(), Some(expected), "{accept}");
        assert_eq!(list, plain, "{accept}");
    }
    assert_eq!(plain["items"].as_array().unwrap().len(), 20);
    // A bad query is refused, never kept.
    for _ in 0..2 {
        let bad = app
            .send(As::Anonymous, Method::GET, "/api/votes?limit=0", None)
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn the_next_read_after_any_write_shows_it() {
    let app = spawn_app().await;
    let id = twenty_votes(&app).await;
    let admin = app.member("root", Role::Admin).await;
    let ana = app.member("ana", Role::Member).await;
    assert_eq!(seen(&app, &id).await, both(&[]));

    // A ballot through this server.
    let cast = app
        .send(
            As::Member(&ana),
            Method::PUT,
            &crate::helpers::ballot_path(&id, "ana"),
            Some(json!({"card": "5"})),
        )
        .await;
    assert_eq!(cast.status, StatusCode::OK, "{}", cast.body);
    assert_eq!(seen(&app, &id).await, both(&["ANA Tester"]));

    // A rename, which is no event.
    let renamed = app
        .send(
            As::Member(&admin),
            Method::PATCH,
            "/api/members/ana",
            Some(json!({"display_name": "Ana Lima"})),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(seen(&app, &id).await, both(&["Ana Lima"]));

    // Another connection writing the database, as another program would.
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", app.db_path.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE members SET display_name = 'Ana from elsewhere' WHERE username = 'ana'")
        .execute(&mut other)
        .await
        .unwrap();
    assert_eq!(seen(&app, &id).await, both(&["Ana from elsewhere"]));

    // A ballot through another server process on the same database.
    let elsewhere = ServerProcess::start(
        env!("CARGO_BIN_EXE_asyncvoter"),
        &format!("sqlite://{}", app.db_path.display()),
    )
    .await;
    let reply = reqwest::Client::new()
        .put(format!(
            "{}/api/votes/{id}/ballots/slack:T1:U2",
            elsewhere.base
        ))
        .bearer_auth(&app.token)
        .json(&json!({"card": "8", "name": "Ben"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(
        seen(&app, &id).await,
        both(&["Ana from elsewhere", "Ben · Slack"])
    );
}

#[tokio::test]
async fn a_kept_vote_shows_each_caller_only_their_own_sealed_card() {
    let app = spawn_app().await;
    let id = app
        .create_vote(json!({"name": "Kept and sealed", "deck": "fibonacci"}))
        .await
        .vote
        .id;
    let ana = app.member("ana", Role::Member).await;
    let ben = app.member("ben", Role::Member).await;
    let cast = app
        .send(
            As::Member(&ana),
            Method::PUT,
            &crate::helpers::ballot_path(&id, "ana"),
            Some(json!({"card": "13", "reason": "The ledger"})),
        )
        .await;
    assert_eq!(cast.status, StatusCode::OK, "{}", cast.body);
    let path = format!("/api/votes/{id}");
    // Twice each, in turns: every read but the first is of the kept vote.
    for _ in 0..2 {
        for (who, card, reason) in [
            (As::Member(&ana), json!("13"), json!("The ledger")),
            (As::Member(&ben), Value::Null, Value::Null),
            (As::Anonymous, Value::Null, Value::Null),
            (As::Bot, Value::Null, Value::Null),
        ] {
            let read = app.send(who, Method::GET, &path, None).await.json();
            assert_eq!(read["my_card"], card, "{read}");
            assert_eq!(read["my_reason"], reason, "{read}");
            let ballot = &read["rounds"][0]["ballots"][0];
            assert_eq!(ballot["card"], Value::Null, "sealed: {read}");
            assert_eq!(ballot["reason"], Value::Null, "sealed: {read}");
            if card.is_null() {
                assert!(!read.to_string().contains("ledger"), "{read}");
            }
        }
    }
    let revealed = app
        .send(As::Bot, Method::POST, &format!("{path}/reveal"), None)
        .await;
    assert_eq!(revealed.status, StatusCode::OK, "{}", revealed.body);
    let read = app
        .send(As::Anonymous, Method::GET, &path, None)
        .await
        .json();
    assert_eq!(read["rounds"][0]["ballots"][0]["card"], "13", "{read}");
    assert_eq!(read["rounds"][0]["ballots"][0]["reason"], "The ledger");
}
