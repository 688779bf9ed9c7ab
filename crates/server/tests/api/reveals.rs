//! Automatic reveals: at the quorum, in the ballot's transaction; at the deadline, by the
//! background task; each exactly once. And the rounds that follow reveals, up to their cap.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use asyncvoter_server::rules;
use asyncvoter_server::store;
use asyncvoter_wire::VoteState;

use crate::helpers::*;

#[tokio::test]
async fn the_ballot_completing_the_quorum_reveals_once_and_later_ballots_are_refused() {
    let app = spawn_app().await;
    let id = app
        .create_vote(json!({"name": "Quorum", "deck": "fibonacci", "quorum": 3}))
        .await
        .vote
        .id;
    let casts = (0..10).map(|n| {
        let app = &app;
        let id = &id;
        async move { app.cast(id, &format!("slack:U{n}"), "5").await }
    });
    let replies = futures::future::join_all(casts).await;
    let accepted = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    let refused = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        (accepted, refused),
        (3, 7),
        "exactly the quorum is accepted"
    );
    let revealing: Vec<_> = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .map(|r| r.json())
        .filter(|b| b["state"] == "revealed")
        .collect();
    assert_eq!(revealing.len(), 1, "one ballot completed the quorum");
    assert_eq!(revealing[0]["ballots_cast"], 3);

    let vote = app.vote(&id).await;
    assert_eq!(vote.vote.state, VoteState::Revealed);
    assert_eq!(
        vote.rounds[0].revealed_by,
        Some(asyncvoter_wire::RevealCause::Quorum)
    );
    assert_eq!(vote.rounds[0].ballots.len(), 3);
    assert!(vote.rounds[0].statistics.is_some());
}

#[tokio::test]
async fn a_passed_deadline_reveals_the_vote_without_anyone_reading() {
    let app = spawn_app().await;
    let deadline = chrono::Utc::now() + chrono::Duration::milliseconds(800);
    let id = app
        .create_vote(json!({"name": "Deadline", "deck": "tshirt", "deadline": deadline}))
        .await
        .vote
        .id;
    app.cast_ok(&id, "slack:U1", "M").await;
    // Ask the store, not the API, so no read can be what triggers the reveal.
    let history = eventually(Duration::from_secs(10), "the deadline reveal", || async {
        let history = app.store.vote(&id).await.unwrap();
        (history.vote.state == VoteState::Revealed).then_some(history)
    })
    .await;
    let round = &history.rounds[0];
    assert_eq!(round.revealed_by, Some(store::RevealCause::Deadline));
    assert!(round.revealed_at.unwrap().timestamp_millis() >= deadline.timestamp_millis());
    assert_eq!(
        app.cast(&id, "slack:U2", "L").await.status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn racing_deadline_checks_reveal_each_due_vote_exactly_once() {
    let app = spawn_app().await;
    // Stop the server's own task from winning the race first: use deadlines an hour out
    // and check as if an hour had passed, from two separate connections to the file.
    let deadline = chrono::Utc::now() + chrono::Duration::hours(1);
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(
            app.create_vote(
                json!({"name": format!("due {n}"), "deck": "fibonacci", "deadline": deadline}),
            )
            .await
            .vote
            .id,
        );
    }
    let other = store::open(&format!("sqlite://{}", app.db_path.display()))
        .await
        .unwrap();
    let later = rules::now() + chrono::Duration::hours(2);
    let checks = (0..8).map(|n| {
        let store = if n % 2 == 0 {
            app.store.clone()
        } else {
            other.clone()
        };
        async move { store.reveal_due(later).await.unwrap() }
    });
    let mut revealed: Vec<String> = futures::future::join_all(checks)
        .await
        .into_iter()
        .flatten()
        .collect();
    revealed.sort();
    ids.sort();
    assert_eq!(revealed, ids, "each due vote revealed by exactly one check");
}

#[tokio::test]
async fn a_vote_goes_through_a_hundred_rounds_and_then_asks_for_a_new_vote() {
    let app = spawn_app().await;
    let id = app.fibonacci_vote("Re-voted").await.vote.id;
    for round in 1..100 {
        assert_eq!(app.act(&id, "reveal", None).await.status, StatusCode::OK);
        let next = app.act(&id, "rounds", None).await;
        assert_eq!(
            next.status,
            StatusCode::CREATED,
            "round {round}: {}",
            next.body
        );
    }
    app.cast_ok(&id, "slack:U1", "5").await;
    assert_eq!(app.act(&id, "reveal", None).await.status, StatusCode::OK);
    let refused = app.act(&id, "rounds", None).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("start a new vote"),
        "{}",
        refused.body
    );
    let vote = app.vote(&id).await;
    assert_eq!(
        (vote.vote.round, vote.vote.state),
        (100, VoteState::Revealed)
    );
    assert_eq!(vote.rounds.len(), 100);
    assert_eq!(
        vote.rounds[99].ballots.len(),
        1,
        "the last round kept its ballot"
    );
}
