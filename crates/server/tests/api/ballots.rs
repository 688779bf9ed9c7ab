//! Casting, replacing and withdrawing ballots, and many voters at once.

use reqwest::{Method, StatusCode};

use asyncvoter_wire::VoteState;

use crate::helpers::*;

#[tokio::test]
async fn casting_again_replaces_and_withdrawing_removes() {
    let app = spawn_app().await;
    let id = app.fibonacci_vote("Cache").await.vote.id;
    let first = app.cast_ok(&id, "slack:U1", "3").await;
    assert!(!first.replaced);
    assert_eq!(
        (first.card.as_str(), first.ballots_cast, first.round),
        ("3", 1, 1)
    );
    let second = app.cast_ok(&id, "slack:U1", "5").await;
    assert!(second.replaced);
    assert_eq!(second.ballots_cast, 1, "one ballot per voter per round");

    let reply = app
        .send(As::Bot, Method::DELETE, &ballot_path(&id, "slack:U1"), None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    assert_eq!(app.vote(&id).await.vote.ballots_cast, 0);
    let again = app
        .send(As::Bot, Method::DELETE, &ballot_path(&id, "slack:U1"), None)
        .await;
    assert_eq!(
        (again.status, again.error_code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

#[tokio::test]
async fn hundred_voters_at_once_and_fifty_recasts_leave_exactly_the_last_values() {
    let app = spawn_app().await;
    let id = app.fibonacci_vote("Concurrency").await.vote.id;
    // 100 voters cast at once; voters 0..50 re-cast as soon as their first ballot lands.
    let voters = (0..100).map(|n| {
        let app = &app;
        let id = &id;
        async move {
            let voter = format!("slack:U{n}");
            let mut replies = vec![app.cast(id, &voter, "3").await];
            if n < 50 {
                replies.push(app.cast(id, &voter, "13").await);
            }
            replies
        }
    });
    let replies: Vec<Reply> = futures::future::join_all(voters)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(replies.len(), 150);
    for reply in &replies {
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(!reply.body.contains("locked"), "{}", reply.body);
    }
    assert_eq!(app.act(&id, "reveal", None).await.status, StatusCode::OK);
    let vote = app.vote(&id).await;
    let ballots = &vote.rounds[0].ballots;
    assert_eq!(ballots.len(), 100);
    for ballot in ballots {
        let n: u32 = ballot
            .voter
            .id
            .trim_start_matches("slack:U")
            .parse()
            .unwrap();
        let expected = if n < 50 { "13" } else { "3" };
        assert_eq!(
            ballot.card.as_deref(),
            Some(expected),
            "{}",
            ballot.voter.id
        );
    }
    assert_eq!(vote.vote.state, VoteState::Revealed);
}

/// Casts a first ballot for each of `voters` on `id`, 32 at a time; the statuses.
async fn cast_for(app: &TestApp, id: &str, voters: impl Iterator<Item = String>) -> Vec<Reply> {
    use futures::StreamExt;
    futures::stream::iter(voters)
        .map(|voter| async move { app.cast(id, &voter, "3").await })
        .buffer_unordered(32)
        .collect()
        .await
}

#[tokio::test]
async fn a_round_takes_a_thousand_ballots_and_then_only_replacements() {
    let app = spawn_app_with(asyncvoter_server::LegacyApi::Open).await;
    let id = app.fibonacci_vote("Flooded").await.vote.id;
    let filled = cast_for(&app, &id, (0..1000).map(|n| format!("slack:U{n}"))).await;
    assert!(filled.iter().all(|r| r.status == StatusCode::OK));

    // New voters racing each other and replacements of cast ballots, all at once.
    let new = cast_for(&app, &id, (1000..1020).map(|n| format!("slack:U{n}")));
    let replaced = futures::future::join_all((0..5).map(|n| {
        let (app, id) = (&app, &id);
        async move { app.cast(id, &format!("slack:U{n}"), "8").await }
    }));
    let story_votes = format!("/stories/{id}/votes");
    let legacy = app.send(
        As::Anonymous,
        Method::POST,
        &story_votes,
        Some(serde_json::json!({"size": "5"})),
    );
    let (new, replaced, legacy) = tokio::join!(new, replaced, legacy);
    for reply in new.iter().chain([&legacy]) {
        assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
        assert!(reply.body.contains("1000 ballots"), "{}", reply.body);
    }
    assert!(replaced.iter().all(|r| r.status == StatusCode::OK));
    let vote = app.vote(&id).await;
    assert_eq!(
        vote.vote.ballots_cast, 1000,
        "the refused ballots left nothing"
    );

    // A withdrawn ballot makes room for one new voter.
    let path = ballot_path(&id, "slack:U999");
    let withdrawn = app.send(As::Bot, Method::DELETE, &path, None).await;
    assert_eq!(withdrawn.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.cast_ok(&id, "slack:U1000", "5").await.ballots_cast,
        1000
    );
    assert_eq!(
        app.cast(&id, "slack:U1001", "5").await.status,
        StatusCode::CONFLICT
    );

    assert_eq!(app.act(&id, "reveal", None).await.status, StatusCode::OK);
    let vote = app.vote(&id).await;
    let voters: Vec<&str> = vote.rounds[0]
        .ballots
        .iter()
        .map(|b| b.voter.id.as_str())
        .collect();
    assert_eq!(voters.len(), 1000);
    assert!(voters.contains(&"slack:U1000") && !voters.contains(&"slack:U999"));
    let recast = vote.rounds[0]
        .ballots
        .iter()
        .filter(|b| b.card.as_deref() == Some("8"));
    assert_eq!(recast.count(), 5);
}
