//! Slack's records on both backends: a vote's one channel message, a replayed request
//! noticed on every instance, a one-time link used once, and linking that hands a Slack
//! user's unrevealed ballots and expected places to the member.

use asyncvoter_server::rules;
use asyncvoter_server::store::{MemberRecord, RevealCause, SlackPlace};
use asyncvoter_wire::{EventKind, Role};
use chrono::Duration;

use crate::backends::{cast, on_every_backend, story};

#[tokio::test]
async fn a_vote_started_in_slack_keeps_its_message_and_changes_queue_one_redraw() {
    on_every_backend(|store, backend| async move {
        let mut new = story("From Slack", None);
        new.slack = Some(SlackPlace {
            team: "T1".into(),
            channel: "C1".into(),
        });
        let vote = store.create_vote(new, rules::now()).await.unwrap();
        let message = store.slack_message(&vote.id).await.unwrap().unwrap();
        assert_eq!(
            (message.place.channel.as_str(), message.ts),
            ("C1", None),
            "{backend}"
        );
        for voter in ["slack:T1:U1", "slack:T1:U2", "slack:T1:U3"] {
            store.cast_ballot(cast(&vote.id, voter, "5")).await.unwrap();
        }
        let now = rules::now();
        let claimed = store
            .claim_deliveries(now, now + Duration::minutes(2), 16)
            .await
            .unwrap();
        let redraws = claimed
            .iter()
            .filter(|d| d.channel.as_str() == "slack")
            .count();
        assert_eq!(
            redraws, 1,
            "one waiting redraw stands for every change: {backend}"
        );
        store
            .set_slack_ts(&vote.id, "1700000000.000001")
            .await
            .unwrap();
        let message = store.slack_message(&vote.id).await.unwrap().unwrap();
        assert_eq!(
            message.ts.as_deref(),
            Some("1700000000.000001"),
            "{backend}"
        );
        let plain = store
            .create_vote(story("Browser", None), rules::now())
            .await
            .unwrap();
        assert!(
            store.slack_message(&plain.id).await.unwrap().is_none(),
            "{backend}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_signature_is_served_once_and_a_link_ties_the_user_once() {
    on_every_backend(|store, backend| async move {
        let now = rules::now();
        let forget = now - Duration::minutes(10);
        assert!(
            store
                .first_slack_request("v0=abc", now, forget)
                .await
                .unwrap(),
            "{backend}"
        );
        assert!(
            !store
                .first_slack_request("v0=abc", now, forget)
                .await
                .unwrap(),
            "{backend}"
        );

        let ben = MemberRecord {
            username: "ben".into(),
            display_name: "Ben".into(),
            role: Role::Member,
            password_hash: "x".into(),
            email: None,
            disabled: false,
        };
        store.create_member(&ben, now).await.unwrap();
        let mut new = story("Expecting U2", None);
        new.expected_voters = vec!["slack:T1:U2".into(), "ana".into()];
        let open = store.create_vote(new, now).await.unwrap();
        store
            .cast_ballot(cast(&open.id, "slack:T1:U2", "8"))
            .await
            .unwrap();
        let revealed = store
            .create_vote(story("Revealed", None), now)
            .await
            .unwrap();
        store
            .cast_ballot(cast(&revealed.id, "slack:T1:U2", "3"))
            .await
            .unwrap();
        store
            .reveal(&revealed.id, RevealCause::Manual, now)
            .await
            .unwrap();

        store
            .create_slack_link("hash-1", "T1", "U2", now + Duration::hours(1))
            .await
            .unwrap();
        store
            .create_slack_link("hash-old", "T1", "U9", now - Duration::seconds(1))
            .await
            .unwrap();
        assert_eq!(
            store.use_slack_link("hash-old", "ben", now).await.unwrap(),
            None,
            "expired: {backend}"
        );
        let before = store.last_event_id().await.unwrap();
        let linked = store.use_slack_link("hash-1", "ben", now).await.unwrap();
        assert_eq!(
            linked,
            Some(("T1".to_owned(), "U2".to_owned())),
            "{backend}"
        );
        assert_eq!(
            store.use_slack_link("hash-1", "ben", now).await.unwrap(),
            None,
            "once: {backend}"
        );
        assert_eq!(
            store.slack_users_of("ben").await.unwrap(),
            [("T1".to_owned(), "U2".to_owned())]
        );
        assert_eq!(
            store
                .slack_user("T1", "U2")
                .await
                .unwrap()
                .unwrap()
                .member
                .as_deref(),
            Some("ben")
        );

        let open = store.vote(&open.id).await.unwrap();
        let voters: Vec<&str> = open.ballots.iter().map(|b| b.voter.as_str()).collect();
        assert_eq!(
            voters,
            ["ben"],
            "the unrevealed ballot is ben's now: {backend}"
        );
        assert_eq!(open.vote.expected_voters, ["ben", "ana"], "{backend}");
        let revealed = store.vote(&revealed.id).await.unwrap();
        assert_eq!(
            revealed.ballots[0].voter, "slack:T1:U2",
            "revealed rounds stay as cast: {backend}"
        );
        // The open vote, whose ballot and expected voter changed, says so once: its pages
        // show ben, and reads kept from before are read again. The revealed one did not
        // change.
        let told: Vec<(String, EventKind)> = store
            .events_after(before, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|event| (event.vote_id, event.kind))
            .collect();
        assert_eq!(
            told,
            [(open.vote.id.clone(), EventKind::VoteUpdated)],
            "{backend}"
        );
    })
    .await;
}
