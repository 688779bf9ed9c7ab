//! The event log: one entry per change, in commit order, with who but never what.

use std::time::Duration;

use asyncvoter_server::rules;
use asyncvoter_server::store::{BallotCast, RevealCause};
use asyncvoter_wire::EventKind;

use crate::backends::{on_every_backend, story};

#[tokio::test]
async fn every_change_appends_one_event_in_order_and_wakes_the_hub() {
    on_every_backend(|store, backend| async move {
        let appended = store.appended();
        let before = store.last_event_id().await.unwrap();
        let vote = store
            .create_vote(story("Log", Some(2)), rules::now())
            .await
            .unwrap();
        tokio::time::timeout(Duration::from_secs(2), appended.notified())
            .await
            .unwrap_or_else(|_| panic!("{backend}: the hub is woken after a commit"));
        for (voter, card) in [("slack:A", "3"), ("slack:B", "5")] {
            let ballot = BallotCast {
                vote_id: vote.id.clone(),
                voter: voter.into(),
                card: card.into(),
                reason: None,
                name: None,
                at: rules::now(),
            };
            store.cast_ballot(ballot).await.unwrap();
        }
        store.start_round(&vote.id, rules::now()).await.unwrap();
        store
            .reveal(&vote.id, RevealCause::Manual, rules::now())
            .await
            .unwrap();
        store.close(&vote.id, "5", rules::now()).await.unwrap();

        let events = store.events_after(before, 100).await.unwrap();
        let seen: Vec<(EventKind, Option<&str>, u32)> = events
            .iter()
            .map(|e| (e.kind, e.voter.as_deref(), e.round))
            .collect();
        assert_eq!(
            seen,
            [
                (EventKind::VoteCreated, None, 1),
                (EventKind::BallotCast, Some("slack:A"), 1),
                (EventKind::BallotCast, Some("slack:B"), 1),
                (EventKind::Revealed, None, 1),
                (EventKind::RoundStarted, None, 2),
                (EventKind::Revealed, None, 2),
                (EventKind::Closed, None, 2),
            ],
            "{backend}"
        );
        assert!(events.windows(2).all(|w| w[0].id < w[1].id));
        assert_eq!(
            store.last_event_id().await.unwrap(),
            events.last().unwrap().id
        );
        let tail = store.events_after(events[4].id, 100).await.unwrap();
        assert_eq!(tail.len(), 2, "{backend}: only what follows the id");
        assert_eq!(
            store.events_after(before, 3).await.unwrap().len(),
            3,
            "limited"
        );
    })
    .await;
}
