//! Sealed means sealed: while a vote is open, nothing another caller can fetch shows a
//! cast card.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

/// Cards nobody would find in a response by chance.
const CARDS: [&str; 3] = ["ZEBRA", "QUAIL", "OTTER"];

/// A response body with the deck's public card list removed: the deck is no secret, the
/// ballots are.
fn without_deck(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(mut map)) => {
            map.remove("cards");
            Value::Object(map).to_string()
        }
        _ => body.to_owned(),
    }
}

fn assert_sealed(what: &str, body: &str, cast: &[&str]) {
    let scanned = without_deck(body);
    for card in cast {
        assert!(
            !scanned.contains(card),
            "{what} shows the sealed card {card}: {body}"
        );
    }
}

#[tokio::test]
async fn no_response_shows_a_cast_card_before_reveal() {
    let app = spawn_app().await;
    let vote = app
        .create_vote(json!({"name": "Sealed", "deck": "custom", "cards": CARDS, "project": "p"}))
        .await;
    let id = &vote.vote.id;
    app.cast_ok(id, "slack:U1", "ZEBRA").await;
    app.cast_ok(id, "slack:U2", "QUAIL").await;
    // Replaced ballots must not linger anywhere either.
    app.cast_ok(id, "slack:U3", "OTTER").await;
    app.cast_ok(id, "slack:U3", "QUAIL").await;

    let fetches: Vec<(&str, Method, String, Option<Value>, As)> = vec![
        (
            "the vote",
            Method::GET,
            format!("/api/votes/{id}"),
            None,
            As::Anonymous,
        ),
        (
            "the vote, as the bot",
            Method::GET,
            format!("/api/votes/{id}"),
            None,
            As::Bot,
        ),
        (
            "the list",
            Method::GET,
            "/api/votes".into(),
            None,
            As::Anonymous,
        ),
        (
            "the ongoing list",
            Method::GET,
            "/api/votes?state=open&project=p&q=Seal".into(),
            None,
            As::Anonymous,
        ),
        (
            "a withdrawal of a missing ballot",
            Method::DELETE,
            ballot_path(id, "slack:U9"),
            None,
            As::Bot,
        ),
        (
            "an anonymous cast",
            Method::PUT,
            ballot_path(id, "slack:U1"),
            Some(json!({"card": "x"})),
            As::Anonymous,
        ),
        (
            "a bad close",
            Method::POST,
            format!("/api/votes/{id}/close"),
            Some(json!({"final_size": "?"})),
            As::Bot,
        ),
        (
            "a new round too early",
            Method::POST,
            format!("/api/votes/{id}/rounds"),
            None,
            As::Bot,
        ),
        (
            "the health check",
            Method::GET,
            "/api/health".into(),
            None,
            As::Anonymous,
        ),
    ];
    for (what, method, path, body, who) in fetches {
        let reply = app.send(who, method, &path, body).await;
        assert_sealed(what, &reply.body, &CARDS);
    }

    app.act(id, "reveal", None).await;
    let revealed = app
        .send(
            As::Anonymous,
            Method::GET,
            &format!("/api/votes/{id}"),
            None,
        )
        .await;
    let scanned = without_deck(&revealed.body);
    for card in ["ZEBRA", "QUAIL"] {
        assert!(
            scanned.contains(card),
            "after reveal every value shows: {card}"
        );
    }
}

#[tokio::test]
async fn members_see_only_their_own_card_until_the_reveal_then_everyone_sees_all() {
    use asyncvoter_wire::Role;
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let ben = app.member("ben", Role::Member).await;
    let cleo = app.member("cleo", Role::Member).await;
    let id = app
        .create_vote(json!({"name": "Leak scan", "deck": "custom", "cards": CARDS}))
        .await
        .vote
        .id;
    for (who, card) in [(&ana, "ZEBRA"), (&ben, "QUAIL")] {
        let reply = app
            .send(
                As::Member(who),
                Method::PUT,
                &ballot_path(&id, "me"),
                Some(json!({"card": card})),
            )
            .await;
        assert_eq!(reply.status, reqwest::StatusCode::OK);
    }
    let endpoints = [
        format!("/api/votes/{id}"),
        "/api/votes".to_owned(),
        "/api/votes?state=open".to_owned(),
        "/api/session".to_owned(),
        "/api/members".to_owned(),
        "/api/openapi.json".to_owned(),
    ];
    for path in &endpoints {
        for (label, who) in [("cleo", As::Member(&cleo)), ("anonymous", As::Anonymous)] {
            let reply = app.send(who, Method::GET, path, None).await;
            assert_sealed(
                &format!("{path} as {label}"),
                &reply.body,
                &["ZEBRA", "QUAIL"],
            );
        }
        let as_ana = app.send(As::Member(&ana), Method::GET, path, None).await;
        assert_sealed(&format!("{path} as ana"), &as_ana.body, &["QUAIL"]);
    }
    let ana_view = app
        .send(
            As::Member(&ana),
            Method::GET,
            &format!("/api/votes/{id}"),
            None,
        )
        .await
        .json();
    assert_eq!(ana_view["my_card"], "ZEBRA", "a voter sees their own card");

    app.act(&id, "reveal", None).await;
    for who in [As::Member(&cleo), As::Anonymous] {
        let body = without_deck(
            &app.send(who, Method::GET, &format!("/api/votes/{id}"), None)
                .await
                .body,
        );
        assert!(
            body.contains("ZEBRA") && body.contains("QUAIL"),
            "after reveal everyone sees all: {body}"
        );
    }
}
