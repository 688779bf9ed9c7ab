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
