//! Races the store must settle: concurrent ballots, quorum and deadline reveals.

use std::sync::Arc;

use asyncvoter_server::rules;
use asyncvoter_server::store::{BallotCast, Store};
use asyncvoter_wire::{EventKind, VoteState};
use chrono::Duration;

use crate::backends::{on_every_backend, story};

#[tokio::test]
async fn concurrent_ballots_all_count_and_the_quorum_reveals_once() {
    on_every_backend(|store, backend| async move {
        let before = store.last_event_id().await.unwrap();
        let vote = store
            .create_vote(story("Race", Some(20)), rules::now())
            .await
            .unwrap();
        let casts = (0..30).map(|i| {
            let store = store.clone();
            let vote_id = vote.id.clone();
            tokio::spawn(async move {
                store
                    .cast_ballot(BallotCast {
                        vote_id,
                        voter: format!("slack:U{i}"),
                        card: "5".into(),
                        reason: None,
                        name: None,
                        at: rules::now(),
                    })
                    .await
            })
        });
        let outcomes: Vec<_> = futures::future::join_all(casts).await;
        let accepted = outcomes.iter().filter(|o| matches!(o, Ok(Ok(_)))).count();
        assert_eq!(
            accepted, 20,
            "{backend}: exactly the quorum gets in, the rest find it revealed"
        );
        let history = store.vote(&vote.id).await.unwrap();
        assert_eq!(history.vote.state, VoteState::Revealed);
        assert_eq!(history.ballots.len(), 20);
        assert_eq!(revealed_events(&store, before).await, 1, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn racing_deadline_checks_reveal_each_due_vote_once() {
    on_every_backend(|store, backend| async move {
        let before = store.last_event_id().await.unwrap();
        let mut due = Vec::new();
        for i in 0..10 {
            let mut new = story(&format!("Due {i}"), None);
            new.deadline = Some(rules::now() - Duration::seconds(1));
            due.push(store.create_vote(new, rules::now()).await.unwrap().id);
        }
        let checks = (0..4).map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.reveal_due(rules::now()).await.unwrap() })
        });
        let mut revealed: Vec<String> = futures::future::join_all(checks)
            .await
            .into_iter()
            .flat_map(Result::unwrap)
            .collect();
        revealed.sort();
        due.sort();
        assert_eq!(
            revealed, due,
            "{backend}: each due vote once, across all checks"
        );
        assert_eq!(revealed_events(&store, before).await, 10);
    })
    .await;
}

async fn revealed_events(store: &Arc<dyn Store>, after: i64) -> usize {
    store
        .events_after(after, 1000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.kind == EventKind::Revealed)
        .count()
}

#[tokio::test]
async fn ballots_written_together_fail_alone() {
    on_every_backend(|store, backend| async move {
        let vote = store
            .create_vote(story("Together", None), rules::now())
            .await
            .unwrap();
        // 48 ballots at once, every third for a vote that does not exist: they share
        // transactions with the others, and only they are refused.
        let casts = (0..48).map(|i| {
            let store = store.clone();
            let vote_id = if i % 3 == 0 {
                "no-such-vote".to_owned()
            } else {
                vote.id.clone()
            };
            tokio::spawn(async move {
                let mut ballot = crate::backends::cast(&vote_id, &format!("slack:U{i}"), "8");
                ballot.at = rules::now();
                store.cast_ballot(ballot).await
            })
        });
        let outcomes: Vec<_> = futures::future::join_all(casts).await;
        for (i, outcome) in outcomes.iter().enumerate() {
            let outcome = outcome.as_ref().unwrap();
            if i % 3 == 0 {
                assert!(
                    matches!(
                        outcome,
                        Err(asyncvoter_server::store::StoreError::NotFound(_))
                    ),
                    "{backend} {i}: {outcome:?}"
                );
            } else {
                assert_eq!(
                    outcome.as_ref().unwrap().ballot.voter,
                    format!("slack:U{i}")
                );
            }
        }
        let history = store.vote(&vote.id).await.unwrap();
        assert_eq!(
            history.ballots.len(),
            32,
            "{backend}: every acknowledged ballot"
        );
    })
    .await;
}
