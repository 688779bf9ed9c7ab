//! External voters with names, and votes an integration starts for a member to run.

use reqwest::{Method, StatusCode};
use serde_json::json;

use asyncvoter_wire::Role;

use crate::helpers::*;

/// Casts `card` for `voter` as the bot with `name`; the reply.
async fn cast_named(app: &TestApp, id: &str, voter: &str, name: &str) -> Reply {
    app.send(
        As::Bot,
        Method::PUT,
        &ballot_path(id, voter),
        Some(json!({"card": "5", "name": name})),
    )
    .await
}

#[tokio::test]
async fn an_external_voter_shows_by_the_name_given_with_its_source_on_every_vote() {
    let app = spawn_app().await;
    let first = app.fibonacci_vote("Named").await.vote.id;
    let reply = cast_named(&app, &first, "slack:T1:U123", "  Ana <b>Lima</b> ").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let voters = app.vote(&first).await.vote.voters;
    assert_eq!(voters[0].name, "Ana <b>Lima</b> · Slack");
    // The name stays for the voter's next votes, even without one; a new one replaces it.
    let second = app.fibonacci_vote("Later").await.vote.id;
    app.cast_ok(&second, "slack:T1:U123", "3").await;
    let listed = app.list("state=ongoing").await;
    assert!(
        listed
            .items
            .iter()
            .all(|v| v.voters[0].name == "Ana <b>Lima</b> · Slack"),
        "{listed:?}"
    );
    cast_named(&app, &second, "slack:T1:U123", "Ana L.").await;
    assert_eq!(app.vote(&first).await.vote.voters[0].name, "Ana L. · Slack");
    // Unnamed voters still show their id.
    app.cast_ok(&second, "slack:T1:U999", "3").await;
    assert_eq!(
        app.vote(&second).await.vote.voters[1].name,
        "T1:U999 · Slack"
    );
}

#[tokio::test]
async fn a_bad_name_is_refused_and_records_nothing() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let id = app.fibonacci_vote("Strict").await.vote.id;
    let long = "x".repeat(61);
    for (name, why) in [
        (long.as_str(), "61 characters"),
        ("Ana\u{7}", "a control character"),
    ] {
        let reply = cast_named(&app, &id, "slack:T1:U1", name).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        assert_eq!(reply.json()["error"]["code"], "invalid", "{why}");
    }
    let member = app
        .send(
            As::Member(&ana),
            Method::PUT,
            &ballot_path(&id, "me"),
            Some(json!({"card": "5", "name": "Someone Else"})),
        )
        .await;
    assert_eq!(
        member.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        member.body
    );
    let wrong_type = app
        .send(
            As::Bot,
            Method::PUT,
            &ballot_path(&id, "slack:T1:U1"),
            Some(json!({"card": "5", "name": 7})),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.vote(&id).await.vote.ballots_cast,
        0,
        "nothing half-written"
    );
    let sixty = "y".repeat(60);
    assert_eq!(
        cast_named(&app, &id, "slack:T1:U1", &sixty).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_integration_may_start_a_vote_for_a_member_to_run() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let id = app
        .create_vote(json!({"name": "For Ana", "deck": "fibonacci", "owner": "ana"}))
        .await
        .vote
        .id;
    let owner = app.vote(&id).await.vote.owner.unwrap();
    assert_eq!(
        (owner.id.as_str(), owner.name.as_str()),
        ("ana", "ANA Tester")
    );
    let reveal = format!("/api/votes/{id}/reveal");
    let by_bot = app.send(As::Bot, Method::POST, &reveal, None).await;
    assert_eq!(by_bot.status, StatusCode::FORBIDDEN, "a member runs it now");
    let by_ana = app
        .send(As::Member(&ana), Method::POST, &reveal, None)
        .await;
    assert_eq!(by_ana.status, StatusCode::OK, "{}", by_ana.body);

    let ghost = app
        .send(
            As::Bot,
            Method::POST,
            "/api/votes",
            Some(json!({"name": "Nobody's", "deck": "fibonacci", "owner": "ghost"})),
        )
        .await;
    assert_eq!(
        ghost.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        ghost.body
    );
    assert!(ghost.body.contains("ghost"), "{}", ghost.body);
    assert_eq!(app.list("state=all").await.items.len(), 1, "nothing made");
}
