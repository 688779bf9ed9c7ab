//! `GET /api/stats/overview` against a database seeded with known times and answers.

use asyncvoter_server::store::{BallotCast, NewVoteRecord, RevealCause, Store};
use asyncvoter_server::{Settings, Visibility, rules};
use asyncvoter_wire::{DeckKind, Overview, Role};
use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

/// Starts a vote directly in the store at a chosen time.
async fn seed_vote(
    store: &dyn Store,
    project: Option<&str>,
    deck: DeckKind,
    at: DateTime<Utc>,
) -> String {
    let cards = (deck == DeckKind::Custom).then(|| vec!["small".into(), "big".into()]);
    let vote = NewVoteRecord {
        name: "Seeded story".into(),
        url: None,
        project: project.map(str::to_owned),
        owner: None,
        deck,
        cards,
        quorum: None,
        deadline: None,
        final_size: None,
        expected_voters: Vec::new(),
        reveal_when_all_voted: false,
        slack: None,
    };
    store.create_vote(vote, at).await.unwrap().id
}

async fn seed_ballot(store: &dyn Store, vote_id: &str, voter: &str, card: &str, at: DateTime<Utc>) {
    let cast = BallotCast {
        vote_id: vote_id.into(),
        voter: voter.into(),
        card: card.into(),
        reason: None,
        name: None,
        at,
    };
    store.cast_ballot(cast).await.unwrap();
}

/// Seeds votes whose overview is worked out by hand in the test below.
async fn seed(store: &dyn Store, now: DateTime<Utc>) {
    let h = Duration::hours;
    let d = Duration::days;

    // Ongoing: alpha has one open and one revealed vote, beta one open, one has no project.
    let a = seed_vote(store, Some("alpha"), DeckKind::Fibonacci, now - h(2)).await;
    seed_ballot(store, &a, "alice", "5", now - h(1)).await;
    seed_ballot(store, &a, "slack:U42", "8", now - h(1)).await;
    let b = seed_vote(store, Some("alpha"), DeckKind::Fibonacci, now - h(5)).await;
    seed_ballot(store, &b, "carol", "3", now - h(4)).await;
    store
        .reveal(&b, RevealCause::Manual, now - h(3))
        .await
        .unwrap(); // sealed 2 h
    seed_vote(store, Some("beta"), DeckKind::Tshirt, now - h(1)).await;
    seed_vote(store, None, DeckKind::Fibonacci, now - h(1)).await;

    // Closed 40 days ago: its final size counts, its ballot and reveal are outside the window.
    let e = seed_vote(store, Some("alpha"), DeckKind::Fibonacci, now - d(40)).await;
    seed_ballot(store, &e, "dave", "5", now - d(40)).await;
    store
        .reveal(&e, RevealCause::Quorum, now - d(40) + h(3))
        .await
        .unwrap();
    store.close(&e, "5", now - d(39)).await.unwrap();

    // Closed lately: revealed after 30 min, and after exactly 24 h by the deadline.
    let f = seed_vote(store, Some("beta"), DeckKind::Fibonacci, now - d(10)).await;
    seed_ballot(store, &f, "erin", "13", now - d(10)).await;
    store
        .reveal(&f, RevealCause::Manual, now - d(10) + Duration::minutes(30))
        .await
        .unwrap();
    store.close(&f, "13", now - d(9)).await.unwrap();
    let g = seed_vote(store, Some("beta"), DeckKind::Fibonacci, now - d(2)).await;
    seed_ballot(store, &g, "alice", "5", now - d(2)).await;
    seed_ballot(store, &g, "erin", "8", now - d(2)).await;
    store
        .reveal(&g, RevealCause::Deadline, now - d(1))
        .await
        .unwrap();
    store.close(&g, "5", now - h(20)).await.unwrap();

    // Closed without a reveal: no reveal time; t-shirt and custom sizes.
    let t = seed_vote(store, None, DeckKind::Tshirt, now - d(3)).await;
    store.close(&t, "M", now - d(3) + h(30)).await.unwrap();
    let c = seed_vote(store, None, DeckKind::Custom, now - d(3)).await;
    store.close(&c, "big", now - d(3)).await.unwrap();
}

#[tokio::test]
async fn the_overview_aggregates_a_seeded_database() {
    let app = spawn_app().await;
    app.add_member("alice", Role::Member).await;
    seed(app.store.as_ref(), rules::now()).await;

    let reply = app
        .send(As::Anonymous, Method::GET, "/api/stats/overview", None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let overview: Overview = serde_json::from_str(&reply.body).unwrap();

    assert_eq!(overview.window_days, 30);
    let projects = serde_json::to_value(&overview.projects).unwrap();
    assert_eq!(
        projects,
        json!([
            {"project": "alpha", "open": 1, "revealed": 1},
            {"project": "beta", "open": 1, "revealed": 0},
            {"project": null, "open": 1, "revealed": 0},
        ])
    );

    let sizes = serde_json::to_value(&overview.final_sizes).unwrap();
    assert_eq!(
        sizes,
        json!([
            {"deck": "fibonacci", "closed": 3, "sizes": [{"size": "5", "count": 2}, {"size": "13", "count": 1}]},
            {"deck": "tshirt", "closed": 1, "sizes": [{"size": "M", "count": 1}]},
            {"deck": "custom", "closed": 1, "sizes": [{"size": "big", "count": 1}]},
        ]),
        "sizes in deck order, every custom deck as one"
    );

    let voters: Vec<(&str, &str, u32)> = overview
        .ballots_by_voter
        .iter()
        .map(|v| (v.voter.id.as_str(), v.voter.name.as_str(), v.ballots))
        .collect();
    assert_eq!(
        voters,
        [
            ("alice", "ALICE Tester", 2),
            ("erin", "erin", 2),
            ("carol", "carol", 1),
            ("slack:U42", "U42 · Slack", 1),
        ],
        "dave voted 40 days ago, outside the window"
    );
    assert_eq!(overview.voters, 4);

    let times = &overview.reveal_times;
    assert_eq!(times.revealed, 3, "closing unrevealed is no reveal");
    assert_eq!(times.median_seconds, Some(2 * 3600));
    let buckets: Vec<(Option<u32>, u32)> = times
        .buckets
        .iter()
        .map(|b| (b.up_to_hours, b.count))
        .collect();
    assert_eq!(
        buckets,
        [
            (Some(1), 1),
            (Some(4), 1),
            (Some(24), 0),
            (Some(72), 1),
            (None, 0)
        ]
    );
}

#[tokio::test]
async fn an_empty_database_has_an_empty_overview() {
    let app = spawn_app().await;
    let reply = app
        .send(As::Anonymous, Method::GET, "/api/stats/overview", None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let overview: Overview = serde_json::from_str(&reply.body).unwrap();
    assert!(overview.projects.is_empty() && overview.final_sizes.is_empty());
    assert!(overview.ballots_by_voter.is_empty());
    assert_eq!(overview.voters, 0);
    assert_eq!(overview.reveal_times.revealed, 0);
    assert_eq!(overview.reveal_times.median_seconds, None);
    assert_eq!(overview.reveal_times.buckets.len(), 5);
}

#[tokio::test]
async fn the_overview_never_shows_sealed_values() {
    let app = spawn_app().await;
    let vote = app.fibonacci_vote("Sealed story").await;
    app.cast_ok(&vote.vote.id, "slack:U1", "21").await;
    let reply = app
        .send(As::Anonymous, Method::GET, "/api/stats/overview", None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    // A value would appear as a JSON string; timestamps may hold the digits.
    assert!(!reply.body.contains("\"21\""), "{}", reply.body);
}

#[tokio::test]
async fn members_visibility_keeps_the_overview_from_visitors() {
    let app = spawn_app_with_settings(Settings {
        visibility: Visibility::Members,
        ..asyncvoter_test_support::TestServer::settings(asyncvoter_server::LegacyApi::Token, None)
    })
    .await;
    let anonymous = app
        .send(As::Anonymous, Method::GET, "/api/stats/overview", None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.error_code(), "unauthorized");
    let bot = app
        .send(As::Bot, Method::GET, "/api/stats/overview", None)
        .await;
    assert_eq!(bot.status, StatusCode::OK);
}
