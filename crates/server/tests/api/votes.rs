//! Starting, reading and listing votes; reveal, new round and close.

use reqwest::{Method, StatusCode};
use serde_json::json;

use asyncvoter_wire::{AgreementLabel, DeckKind, VoteState};

use crate::helpers::*;

#[tokio::test]
async fn health_reports_the_store() {
    let app = spawn_app().await;
    let reply = app
        .send(As::Anonymous, Method::GET, "/api/health", None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"status": "ok", "store": "ok"}));
}

#[tokio::test]
async fn a_new_vote_is_open_in_round_one_and_readable_by_anyone() {
    let app = spawn_app().await;
    let deadline = chrono::Utc::now() + chrono::Duration::hours(2);
    let reply = app
        .send(
            As::Bot,
            Method::POST,
            "/api/votes",
            Some(json!({
                "name": "  Document the API ",
                "url": "https://github.com/AgileVentures/AsyncVoter/issues/69",
                "project": "#async_voter",
                "deck": "tshirt",
                "quorum": 4,
                "deadline": deadline,
                "owner": "slack:U42",
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created = reply.json();
    let id = created["vote"]["id"].as_str().unwrap();
    let read = app.vote(id).await;
    assert_eq!(read.vote.name, "Document the API");
    assert_eq!(
        read.vote.url.as_deref(),
        Some("https://github.com/AgileVentures/AsyncVoter/issues/69")
    );
    assert_eq!(read.vote.project.as_deref(), Some("#async_voter"));
    assert_eq!(read.vote.owner.as_ref().unwrap().id, "slack:U42");
    assert_eq!(read.vote.deck, DeckKind::Tshirt);
    assert_eq!((read.vote.state, read.vote.round), (VoteState::Open, 1));
    assert_eq!(read.vote.quorum, Some(4));
    assert_eq!(
        read.vote.deadline.unwrap().timestamp_millis(),
        deadline.timestamp_millis()
    );
    let labels: Vec<_> = read.cards.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["XS", "S", "M", "L", "XL", "?"]);
    assert_eq!(read.rounds.len(), 1);
    assert_eq!(
        created["vote"]["created_at"],
        json!(asyncvoter_wire::timestamp::format(&read.vote.created_at))
    );
}

#[tokio::test]
async fn custom_decks_keep_their_cards() {
    let app = spawn_app().await;
    let vote = app
        .create_vote(json!({"name": "Pick a fruit size", "deck": "custom", "cards": ["grape", "apple", "melon", "?"]}))
        .await;
    let labels: Vec<_> = vote.cards.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["grape", "apple", "melon", "?"]);
    app.cast_ok(&vote.vote.id, "slack:U1", "melon").await;
    assert_eq!(
        app.cast(&vote.vote.id, "slack:U2", "5").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn list_filters_by_state_project_and_name_newest_activity_first() {
    let app = spawn_app().await;
    let a = app
        .create_vote(json!({"name": "Login page", "deck": "fibonacci", "project": "web"}))
        .await;
    let b = app
        .create_vote(json!({"name": "Billing export", "deck": "fibonacci", "project": "api"}))
        .await;
    let c = app
        .create_vote(json!({"name": "Login audit", "deck": "tshirt", "project": "api"}))
        .await;
    app.act(&c.vote.id, "close", Some(json!({"final_size": "M"})))
        .await;
    // A ballot is activity: `a` moves to the top.
    app.cast_ok(&a.vote.id, "slack:U1", "3").await;

    let ids = |list: asyncvoter_wire::VoteList| {
        list.items
            .into_iter()
            .map(|v| v.id)
            .collect::<Vec<String>>()
    };
    assert_eq!(
        ids(app.list("").await),
        vec![a.vote.id.as_str(), c.vote.id.as_str(), b.vote.id.as_str()]
    );
    assert_eq!(
        ids(app.list("state=ongoing").await),
        vec![a.vote.id.as_str(), b.vote.id.as_str()]
    );
    assert_eq!(
        ids(app.list("state=closed").await),
        vec![c.vote.id.as_str()]
    );
    assert_eq!(
        ids(app.list("project=api").await),
        vec![c.vote.id.as_str(), b.vote.id.as_str()]
    );
    assert_eq!(
        ids(app.list("q=LOGIN").await),
        vec![a.vote.id.as_str(), c.vote.id.as_str()]
    );
    assert_eq!(
        ids(app.list("q=login&state=open").await),
        vec![a.vote.id.as_str()]
    );
    assert!(
        app.list("q=100%25").await.items.is_empty(),
        "% is matched literally"
    );

    let listed = app.list("state=ongoing").await.items.remove(0);
    assert_eq!(listed.ballots_cast, 1);
    assert_eq!(listed.voters[0].id, "slack:U1");
}

#[tokio::test]
async fn list_pages_with_a_cursor_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let mut made = Vec::new();
    for n in 0..7 {
        made.push(app.fibonacci_vote(&format!("story {n}")).await.vote.id);
    }
    made.reverse();
    let mut seen = Vec::new();
    let mut query = "limit=3".to_owned();
    loop {
        let page = app.list(&query).await;
        assert!(page.items.len() <= 3);
        seen.extend(page.items.into_iter().map(|v| v.id));
        match page.next_cursor {
            Some(cursor) => query = format!("limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, made);
}

#[tokio::test]
async fn reveal_shows_ballots_and_statistics_then_a_new_round_starts_sealed() {
    let app = spawn_app().await;
    let vote = app.fibonacci_vote("Search").await;
    let id = &vote.vote.id;
    app.cast_ok(id, "slack:U1", "3").await;
    app.cast_ok(id, "slack:U2", "8").await;
    app.cast_ok(id, "slack:U3", "?").await;

    let reply = app.act(id, "reveal", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let revealed = app.vote(id).await;
    assert_eq!(revealed.vote.state, VoteState::Revealed);
    let round = &revealed.rounds[0];
    assert_eq!(
        round.revealed_by,
        Some(asyncvoter_wire::RevealCause::Manual)
    );
    let cards: Vec<_> = round
        .ballots
        .iter()
        .map(|b| b.card.clone().unwrap())
        .collect();
    assert_eq!(cards, ["3", "8", "?"]);
    let stats = round.statistics.as_ref().unwrap();
    assert_eq!((stats.cast, stats.counted, stats.no_opinion), (3, 2, 1));
    assert_eq!(stats.agreement_label, Some(AgreementLabel::Majority));
    assert_eq!(stats.spread, 2);
    assert!(stats.spread_flagged);
    assert_eq!(stats.lowest, ["slack:U1"]);
    assert_eq!(stats.highest, ["slack:U2"]);
    assert_eq!(
        app.act(id, "reveal", None).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.cast(id, "slack:U4", "5").await.status,
        StatusCode::CONFLICT,
        "read-only after reveal"
    );

    let reply = app.act(id, "rounds", None).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    app.cast_ok(id, "slack:U1", "5").await;
    let second = app.vote(id).await;
    assert_eq!((second.vote.state, second.vote.round), (VoteState::Open, 2));
    assert_eq!(second.vote.ballots_cast, 1);
    assert_eq!(second.rounds.len(), 2);
    assert!(
        second.rounds[0].ballots.iter().all(|b| b.card.is_some()),
        "earlier rounds stay readable"
    );
    assert!(
        second.rounds[1].ballots.iter().all(|b| b.card.is_none()),
        "the new round is sealed"
    );
    assert!(second.rounds[1].statistics.is_none());
    assert_eq!(
        app.act(id, "rounds", None).await.status,
        StatusCode::CONFLICT,
        "reveal before a new round"
    );
}

#[tokio::test]
async fn close_records_a_size_from_the_deck_and_reveals_the_round() {
    let app = spawn_app().await;
    let vote = app.fibonacci_vote("Export").await;
    let id = &vote.vote.id;
    app.cast_ok(id, "slack:U1", "5").await;
    assert_eq!(
        app.act(id, "close", Some(json!({"final_size": "?"})))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.act(id, "close", Some(json!({"final_size": "4"})))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let reply = app.act(id, "close", Some(json!({"final_size": "5"}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let closed = app.vote(id).await;
    assert_eq!(closed.vote.state, VoteState::Closed);
    assert_eq!(closed.vote.final_size.as_deref(), Some("5"));
    assert!(closed.vote.closed_at.is_some());
    assert_eq!(
        closed.rounds[0].revealed_by,
        Some(asyncvoter_wire::RevealCause::Close)
    );
    assert_eq!(closed.rounds[0].ballots[0].card.as_deref(), Some("5"));
    // A closed vote's final size can be amended (the 2016 API allowed it); it stays closed.
    let reply = app.act(id, "close", Some(json!({"final_size": "8"}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let amended = app.vote(id).await;
    assert_eq!(amended.vote.final_size.as_deref(), Some("8"));
    assert_eq!(amended.vote.state, VoteState::Closed);
    assert_eq!(amended.vote.closed_at, closed.vote.closed_at, "closed once");
    assert_eq!(
        app.act(id, "close", Some(json!({"final_size": "?"})))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an amendment follows the deck's rules too"
    );
    assert_eq!(
        app.act(id, "reveal", None).await.status,
        StatusCode::CONFLICT
    );
    assert!(
        app.list("state=ongoing").await.items.is_empty(),
        "closed votes leave the ongoing list"
    );
}

/// The ids of a list's votes, in order.
fn listed(list: asyncvoter_wire::VoteList) -> Vec<String> {
    list.items.into_iter().map(|v| v.id).collect()
}

#[tokio::test]
async fn a_closed_vote_re_opens_in_a_new_round_without_its_final_size() {
    let app = spawn_app().await;
    let id = app.fibonacci_vote("Re-estimate").await.vote.id;
    app.cast_ok(&id, "slack:U1", "5").await;
    app.act(&id, "close", Some(json!({"final_size": "5"})))
        .await;
    let reply = app.act(&id, "rounds", None).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let reopened = app.vote(&id).await;
    assert_eq!(
        (reopened.vote.state, reopened.vote.round),
        (VoteState::Open, 2)
    );
    assert_eq!(reopened.vote.final_size, None);
    assert_eq!(reopened.vote.closed_at, None);
    assert_eq!(
        reopened.rounds[0].ballots[0].card.as_deref(),
        Some("5"),
        "the first round stays readable"
    );
    assert!(listed(app.list("state=ongoing").await).contains(&id));
    assert!(!listed(app.list("state=closed").await).contains(&id));
    app.cast_ok(&id, "slack:U1", "8").await;
}

#[tokio::test]
async fn a_deleted_vote_is_gone_with_its_ballots_and_the_stream_says_so() {
    let app = spawn_app().await;
    let mut stream = app.events(None).await;
    assert_eq!(stream.expect().await.event, "ready");
    let id = app
        .create_vote(json!({"name": "Mistake", "deck": "custom", "cards": ["ZEBRA", "QUAIL"]}))
        .await
        .vote
        .id;
    app.cast_ok(&id, "slack:U1", "ZEBRA").await;
    let kept = app.fibonacci_vote("Kept").await.vote.id;
    let path = format!("/api/votes/{id}");
    let reply = app.send(As::Bot, Method::DELETE, &path, None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    let gone = app.send(As::Bot, Method::GET, &path, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(
        listed(app.list("state=all").await),
        std::slice::from_ref(&kept)
    );
    let cast = app
        .send(
            As::Bot,
            Method::PUT,
            &ballot_path(&id, "slack:U2"),
            Some(json!({"card": "QUAIL"})),
        )
        .await;
    assert_eq!(cast.status, StatusCode::NOT_FOUND);
    let again = app.send(As::Bot, Method::DELETE, &path, None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(again.json()["error"]["code"], "not_found");
    let mut seen = Vec::new();
    while seen.last().map(String::as_str) != Some("vote_deleted") {
        let event = stream.expect().await;
        assert!(!event.data.contains("ZEBRA"), "sealed: {}", event.data);
        seen.push(event.event);
    }
    assert_eq!(
        seen,
        [
            "vote_created",
            "ballot_cast",
            "vote_created",
            "vote_deleted"
        ]
    );
}

#[tokio::test]
async fn parallel_deletes_of_one_vote_delete_it_once() {
    let app = spawn_app().await;
    let id = app.fibonacci_vote("Raced").await.vote.id;
    for n in 0..20 {
        app.cast_ok(&id, &format!("slack:U{n}"), "3").await;
    }
    let path = format!("/api/votes/{id}");
    let replies =
        futures::future::join_all((0..50).map(|_| app.send(As::Bot, Method::DELETE, &path, None)))
            .await;
    let deleted = replies
        .iter()
        .filter(|r| r.status == StatusCode::NO_CONTENT)
        .count();
    assert_eq!(
        deleted,
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(
        replies
            .iter()
            .all(|r| matches!(r.status, StatusCode::NO_CONTENT | StatusCode::NOT_FOUND)),
        "never a 500"
    );
}
