//! `GET /api/events`: one event per change, in order, resumable, and sealed.

use std::time::Duration;

use asyncvoter_server::events::HubSettings;
use asyncvoter_server::{LegacyApi, Settings, Visibility};
use asyncvoter_test_support::{SseEvent, TestServer};
use asyncvoter_wire::{EventKind, Resync, VoteEvent};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

fn vote_event(event: &SseEvent) -> VoteEvent {
    let parsed: VoteEvent = serde_json::from_str(&event.data)
        .unwrap_or_else(|e| panic!("not a VoteEvent ({e}): {}", event.data));
    assert_eq!(event.event, parsed.kind.as_str(), "event: names the kind");
    assert_eq!(
        event.id,
        Some(parsed.id.to_string()),
        "id: matches the data"
    );
    parsed
}

/// No field of an event holds a card: no `card` key, no string equal to a card cast.
fn assert_sealed(data: &str) {
    fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(fields) => {
                assert!(!fields.contains_key("card"), "a card field");
                fields.values().for_each(|v| strings(v, out));
            }
            _ => {}
        }
    }
    let value: serde_json::Value = serde_json::from_str(data).unwrap();
    let mut found = Vec::new();
    strings(&value, &mut found);
    for card in ["13", "21", "8", "5"] {
        assert!(!found.iter().any(|s| s == card), "{card} leaked: {data}");
    }
}

#[tokio::test]
async fn the_stream_sends_every_change_in_order_and_never_a_card() {
    let app = spawn_app().await;
    let mut stream = app.events(None).await;
    let ready = stream.expect().await;
    assert_eq!(ready.event, "ready");

    let vote = app
        .create_vote(json!({"name": "Search", "deck": "fibonacci", "quorum": 2}))
        .await;
    let id = &vote.vote.id;
    app.cast_ok(id, "slack:Ana", "13").await;
    app.cast_ok(id, "slack:Ana", "21").await;
    app.cast_ok(id, "slack:Ben", "8").await; // completes the quorum
    assert_eq!(
        app.act(id, "rounds", None).await.status,
        StatusCode::CREATED
    );
    app.cast_ok(id, "slack:Ana", "5").await;
    let withdrawn = app
        .send(As::Bot, Method::DELETE, &ballot_path(id, "slack:Ana"), None)
        .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::NO_CONTENT,
        "{}",
        withdrawn.body
    );
    assert_eq!(
        app.act(id, "close", Some(json!({"final_size": "8"})))
            .await
            .status,
        StatusCode::OK
    );

    let mut seen = Vec::new();
    for _ in 0..8 {
        let event = stream.expect().await;
        assert_sealed(&event.data);
        seen.push(vote_event(&event));
    }
    let kinds: Vec<(EventKind, u32, Option<&str>)> = seen
        .iter()
        .map(|e| (e.kind, e.round, e.voter.as_ref().map(|v| v.name.as_str())))
        .collect();
    assert_eq!(
        kinds,
        [
            (EventKind::VoteCreated, 1, None),
            (EventKind::BallotCast, 1, Some("Ana · Slack")),
            (EventKind::BallotCast, 1, Some("Ana · Slack")),
            (EventKind::BallotCast, 1, Some("Ben · Slack")),
            (EventKind::Revealed, 1, None),
            (EventKind::RoundStarted, 2, None),
            (EventKind::BallotCast, 2, Some("Ana · Slack")),
            (EventKind::BallotWithdrawn, 2, Some("Ana · Slack")),
        ]
    );
    assert!(seen.iter().all(|e| &e.vote_id == id));
    assert!(seen.windows(2).all(|w| w[0].id < w[1].id), "ids increase");
    let closed = vote_event(&stream.expect().await);
    assert_eq!(closed.kind, EventKind::Closed);
    assert_eq!(
        app.act(id, "close", Some(json!({"final_size": "13"})))
            .await
            .status,
        StatusCode::OK
    );
    let amended = stream.expect().await;
    assert_sealed(&amended.data);
    assert_eq!(amended.event, "final_size_changed");
    assert_eq!(vote_event(&amended).kind, EventKind::FinalSizeChanged);
    assert!(
        stream.next(Duration::from_millis(300)).await.is_none(),
        "nothing more"
    );
}

#[tokio::test]
async fn resuming_with_last_event_id_delivers_each_missed_event_once() {
    let app = spawn_app().await;
    let vote = app.fibonacci_vote("Export").await;
    let id = &vote.vote.id;
    let mut stream = app.events(None).await;
    let ready = stream.expect().await;
    app.cast_ok(id, "slack:Ana", "3").await;
    let seen = vote_event(&stream.expect().await);
    assert_eq!(
        ready.id,
        Some((seen.id - 1).to_string()),
        "ready names the newest id"
    );
    drop(stream);

    // Missed while disconnected.
    app.cast_ok(id, "slack:Ben", "5").await;
    app.cast_ok(id, "slack:Chloé", "8").await;
    app.act(id, "reveal", None).await;

    let mut resumed = app.events(Some(&seen.id.to_string())).await;
    let mut replayed = Vec::new();
    for _ in 0..3 {
        replayed.push(vote_event(&resumed.expect().await));
    }
    let kinds: Vec<EventKind> = replayed.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::BallotCast,
            EventKind::BallotCast,
            EventKind::Revealed
        ]
    );
    let ids: Vec<u64> = replayed.iter().map(|e| e.id).collect();
    assert_eq!(
        ids,
        [seen.id + 1, seen.id + 2, seen.id + 3],
        "each missed event, once"
    );

    // Then live, without repeating the replay.
    app.act(id, "rounds", None).await;
    let live = vote_event(&resumed.expect().await);
    assert_eq!((live.kind, live.id), (EventKind::RoundStarted, seen.id + 4));
    assert!(resumed.next(Duration::from_millis(300)).await.is_none());
}

#[tokio::test]
async fn a_client_too_far_behind_gets_resync_then_live_events() {
    let app = spawn_app_with_settings(Settings {
        events: HubSettings {
            replay_limit: 3,
            ..HubSettings::default()
        },
        ..TestServer::settings(LegacyApi::Token, None)
    })
    .await;
    let vote = app.fibonacci_vote("Import").await;
    for voter in ["slack:A", "slack:B", "slack:C", "slack:D"] {
        app.cast_ok(&vote.vote.id, voter, "1").await;
    }
    // Five events since the start; only three would be replayed.
    let mut stream = app.events(Some("0")).await;
    let resync = stream.expect().await;
    assert_eq!(resync.event, "resync");
    let body: Resync = serde_json::from_str(&resync.data).unwrap();
    assert_eq!((body.id, body.reason.as_str()), (5, "too_far_behind"));
    assert_eq!(resync.id.as_deref(), Some("5"), "resumes after the newest");

    app.cast_ok(&vote.vote.id, "slack:E", "2").await;
    assert_eq!(vote_event(&stream.expect().await).id, 6);
}

#[tokio::test]
async fn a_bad_last_event_id_is_a_clear_error() {
    let app = spawn_app().await;
    let reply = app
        .client
        .get(format!("{}/api/events", app.base))
        .header("last-event-id", "yesterday")
        .send()
        .await
        .unwrap();
    let reply = Reply::read(reply).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "bad_request");
}

#[tokio::test]
async fn members_visibility_keeps_the_stream_from_visitors() {
    let app = spawn_app_with_settings(Settings {
        visibility: Visibility::Members,
        ..TestServer::settings(LegacyApi::Token, None)
    })
    .await;
    let anonymous = app
        .send(As::Anonymous, Method::GET, "/api/events", None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.error_code(), "unauthorized");
    let bot = app
        .client
        .get(format!("{}/api/events", app.base))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(bot.status(), StatusCode::OK);
}

#[tokio::test]
async fn stopping_the_server_ends_open_streams() {
    let app = spawn_app().await;
    let mut stream = app.events(None).await;
    stream.expect().await;
    // Restarting stops the first server, which must not wait on the open stream.
    let _app = app
        .restart(TestServer::settings(LegacyApi::Token, None))
        .await;
    assert!(
        stream.next(Duration::from_secs(2)).await.is_none(),
        "the stream ends instead of holding the shutdown"
    );
}
