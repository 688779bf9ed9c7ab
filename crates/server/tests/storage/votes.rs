//! A vote's life through the store: lists, ballots, reveals, rounds, closing, overview.

use asyncvoter_server::rules;
use asyncvoter_server::store::{BallotCast, RevealCause, StateFilter, StoreError, VoteQuery};
use asyncvoter_wire::VoteState;
use chrono::Duration;

use crate::backends::{cast, on_every_backend, story};

#[tokio::test]
async fn a_vote_goes_from_open_to_closed_with_its_ballots_sealed_per_round() {
    on_every_backend(|store, backend| async move {
        let now = rules::now();
        let vote = store
            .create_vote(story("Search", Some(3)), now)
            .await
            .unwrap();
        assert_eq!((vote.state, vote.round), (VoteState::Open, 1), "{backend}");

        let first = store
            .cast_ballot(cast(&vote.id, "slack:A", "3"))
            .await
            .unwrap();
        assert!(!first.replaced);
        let again = store
            .cast_ballot(cast(&vote.id, "slack:A", "5"))
            .await
            .unwrap();
        assert!(
            again.replaced && again.ballots_cast == 1,
            "{backend}: replaced, not added"
        );
        store
            .cast_ballot(cast(&vote.id, "slack:B", "8"))
            .await
            .unwrap();
        store
            .withdraw_ballot(&vote.id, "slack:B", rules::now())
            .await
            .unwrap();
        assert!(matches!(
            store
                .withdraw_ballot(&vote.id, "slack:B", rules::now())
                .await,
            Err(StoreError::NotFound(_))
        ));
        store
            .cast_ballot(cast(&vote.id, "slack:B", "8"))
            .await
            .unwrap();
        let third = store
            .cast_ballot(cast(&vote.id, "slack:C", "8"))
            .await
            .unwrap();
        assert_eq!(
            third.state,
            VoteState::Revealed,
            "{backend}: the quorum reveals at once"
        );
        assert!(matches!(
            store.cast_ballot(cast(&vote.id, "slack:D", "1")).await,
            Err(StoreError::Conflict(_))
        ));

        store.start_round(&vote.id, rules::now()).await.unwrap();
        store
            .cast_ballot(cast(&vote.id, "slack:A", "8"))
            .await
            .unwrap();
        store
            .reveal(&vote.id, RevealCause::Manual, rules::now())
            .await
            .unwrap();
        store.close(&vote.id, "5", rules::now()).await.unwrap();
        let closed_at = store.vote_record(&vote.id).await.unwrap().closed_at;
        // Closing a closed vote changes its final size only.
        store.close(&vote.id, "8", rules::now()).await.unwrap();

        let history = store.vote(&vote.id).await.unwrap();
        assert_eq!(history.vote.state, VoteState::Closed);
        assert_eq!(history.vote.final_size.as_deref(), Some("8"), "{backend}");
        assert_eq!(history.vote.closed_at, closed_at, "{backend}: closed once");
        assert_eq!(history.rounds.len(), 2);
        let causes: Vec<_> = history.rounds.iter().map(|r| r.revealed_by).collect();
        assert_eq!(
            causes,
            [Some(RevealCause::Quorum), Some(RevealCause::Manual)]
        );
        let mut round_one: Vec<(&str, &str)> = history
            .ballots
            .iter()
            .filter(|b| b.round == 1)
            .map(|b| (b.voter.as_str(), b.card.as_str()))
            .collect();
        round_one.sort();
        assert_eq!(
            round_one,
            [("slack:A", "5"), ("slack:B", "8"), ("slack:C", "8")]
        );
        assert!(matches!(
            store.vote("nope").await,
            Err(StoreError::NotFound(_))
        ));
        // The vote alone is the same record, without the reads of rounds and ballots.
        assert_eq!(store.vote_record(&vote.id).await.unwrap(), history.vote);
        assert!(matches!(
            store.vote_record("nope").await,
            Err(StoreError::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn lists_page_by_activity_and_filter_by_state_project_and_name() {
    on_every_backend(|store, backend| async move {
        let start = rules::now() - Duration::minutes(10);
        let mut ids = Vec::new();
        for (i, (name, project)) in [
            ("Checkout 100%", Some("web")),
            ("Search_box", Some("web")),
            ("Login", Some("mobile")),
            ("Export", None),
        ]
        .into_iter()
        .enumerate()
        {
            let mut new = story(name, None);
            new.project = project.map(str::to_owned);
            let at = start + Duration::minutes(i as i64);
            ids.push(store.create_vote(new, at).await.unwrap().id);
        }
        store
            .close(&ids[3], "5", start + Duration::minutes(5))
            .await
            .unwrap();

        let mut query = VoteQuery {
            state: StateFilter::Ongoing,
            limit: 2,
            ..VoteQuery::default()
        };
        let page = store.list_votes(&query).await.unwrap();
        let names: Vec<&str> = page.iter().map(|l| l.vote.name.as_str()).collect();
        assert_eq!(
            names,
            ["Login", "Search_box", "Checkout 100%"],
            "{backend}: limit + 1"
        );
        query.after = Some(asyncvoter_server::store::ListCursor {
            updated_at_ms: page[1].vote.updated_at.timestamp_millis(),
            id: page[1].vote.id.clone(),
        });
        let next = store.list_votes(&query).await.unwrap();
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].vote.name, "Checkout 100%");

        let only = |state, project: Option<&str>, name: Option<&str>| VoteQuery {
            state,
            project: project.map(str::to_owned),
            name_contains: name.map(str::to_owned),
            limit: 50,
            ..VoteQuery::default()
        };
        let web = store
            .list_votes(&only(StateFilter::All, Some("web"), None))
            .await
            .unwrap();
        assert_eq!(web.len(), 2, "{backend}");
        // `%` and `_` are matched literally.
        let percent = store
            .list_votes(&only(StateFilter::All, None, Some("100%")))
            .await
            .unwrap();
        assert_eq!(percent.len(), 1, "{backend}");
        let underscore = store
            .list_votes(&only(StateFilter::All, None, Some("h_b")))
            .await
            .unwrap();
        assert_eq!(underscore.len(), 1, "{backend}: Search_box only");
        // ASCII letters match whatever their case, others only as written: one rule on
        // every backend (and in the dashboard's live filter).
        let any_case = store
            .list_votes(&only(StateFilter::All, None, Some("cHECKOUT")))
            .await
            .unwrap();
        assert_eq!(any_case.len(), 1, "{backend}: Checkout 100%");
        store
            .create_vote(story("ÉCOLE rentrée", None), rules::now())
            .await
            .unwrap();
        for (part, found) in [
            ("école", 0),
            ("ÉCOLE", 1),
            ("École", 1),
            ("RENTRÉE", 0),
            ("rentrée", 1),
            ("Éc", 1),
        ] {
            let matches = store
                .list_votes(&only(StateFilter::All, None, Some(part)))
                .await
                .unwrap()
                .len();
            assert_eq!(matches, found, "{backend}: {part}");
        }
        let closed = store
            .list_votes(&only(StateFilter::Only(VoteState::Closed), None, None))
            .await
            .unwrap();
        assert_eq!(closed.len(), 1);

        // Each listed vote names its current round's voters, in the order they cast.
        for (minute, voter) in [(6, "slack:B"), (7, "slack:A")] {
            store
                .cast_ballot(BallotCast {
                    vote_id: ids[2].clone(),
                    voter: voter.to_owned(),
                    card: "5".to_owned(),
                    reason: None,
                    name: None,
                    at: start + Duration::minutes(minute),
                })
                .await
                .unwrap();
        }
        let listed = store
            .list_votes(&only(StateFilter::Ongoing, None, None))
            .await
            .unwrap();
        let voters = |name: &str| {
            listed
                .iter()
                .find(|l| l.vote.name == name)
                .map(|l| l.voters.clone())
                .unwrap()
        };
        assert_eq!(voters("Login"), ["slack:B", "slack:A"], "{backend}");
        assert!(voters("Search_box").is_empty(), "{backend}");
        assert_eq!(closed[0].vote.final_size.as_deref(), Some("5"));
    })
    .await;
}

#[tokio::test]
async fn the_overview_counts_in_the_database() {
    on_every_backend(|store, backend| async move {
        let now = rules::now();
        let mut open = story("Open", None);
        open.project = Some("web".into());
        let open = store.create_vote(open, now).await.unwrap();
        store.cast_ballot(cast(&open.id, "ana", "5")).await.unwrap();
        let sized = store
            .create_vote(story("Sized", None), now - Duration::hours(3))
            .await
            .unwrap();
        store
            .reveal(&sized.id, RevealCause::Manual, now - Duration::hours(1))
            .await
            .unwrap();
        store.close(&sized.id, "8", now).await.unwrap();

        let overview = store.overview(now - Duration::days(30), 20).await.unwrap();
        assert_eq!(
            overview.ongoing,
            [(Some("web".into()), VoteState::Open, 1)],
            "{backend}"
        );
        assert_eq!(
            overview.final_sizes,
            [(asyncvoter_wire::DeckKind::Fibonacci, "8".into(), 1)]
        );
        assert_eq!(overview.ballots_by_voter, [("ana".into(), 1)]);
        assert_eq!(overview.voters, 1);
        assert_eq!(
            overview.reveal_buckets,
            [0, 1, 0, 0, 0],
            "{backend}: 2 h sealed"
        );
        assert_eq!(overview.reveal_median_ms, Some(2 * 3_600_000));
    })
    .await;
}

#[tokio::test]
async fn the_median_time_to_reveal_is_the_middle_of_an_even_count_too() {
    on_every_backend(|store, backend| async move {
        let now = rules::now();
        // Sealed for 1 minute, then 5 h: the median is their mean, not the shorter one.
        for (name, sealed) in [
            ("Quick", Duration::minutes(1)),
            ("Slow", Duration::hours(5)),
        ] {
            let vote = store
                .create_vote(story(name, None), now - sealed)
                .await
                .unwrap();
            store
                .reveal(&vote.id, RevealCause::Manual, now)
                .await
                .unwrap();
        }
        let overview = store.overview(now - Duration::days(30), 20).await.unwrap();
        let mean = (Duration::minutes(1) + Duration::hours(5)).num_milliseconds() / 2;
        assert_eq!(overview.reveal_median_ms, Some(mean), "{backend}");
        let third = store
            .create_vote(story("Middling", None), now - Duration::hours(2))
            .await
            .unwrap();
        store
            .reveal(&third.id, RevealCause::Manual, now)
            .await
            .unwrap();
        let overview = store.overview(now - Duration::days(30), 20).await.unwrap();
        assert_eq!(
            overview.reveal_median_ms,
            Some(2 * 3_600_000),
            "{backend}: odd"
        );
    })
    .await;
}

#[tokio::test]
async fn expected_voters_waiting_lists_changes_and_projects_on_every_backend() {
    on_every_backend(|store, backend| async move {
        let mut new = story("Team", None);
        new.expected_voters = vec!["ana".into(), "slack:T1:U2".into()];
        new.reveal_when_all_voted = true;
        new.deadline = Some(rules::now() + Duration::hours(5));
        let vote = store.create_vote(new, rules::now()).await.unwrap();
        let mut other = story("Other", None);
        other.expected_voters = vec!["ben".into()];
        store.create_vote(other, rules::now()).await.unwrap();

        let waiting = |voter: &str| VoteQuery {
            limit: 10,
            waiting_for: Some(voter.to_owned()),
            ..VoteQuery::default()
        };
        let for_ana = store.list_votes(&waiting("ana")).await.unwrap();
        assert_eq!(for_ana.len(), 1, "{backend}");
        assert_eq!(for_ana[0].vote.expected_voters, ["ana", "slack:T1:U2"]);
        assert!(
            store.list_votes(&waiting("an")).await.unwrap().is_empty(),
            "{backend}: whole ids only"
        );

        let mut with_reason = cast(&vote.id, "ana", "5");
        with_reason.reason = Some("because".into());
        store.cast_ballot(with_reason).await.unwrap();
        assert!(
            store.list_votes(&waiting("ana")).await.unwrap().is_empty(),
            "{backend}: ana voted"
        );
        let history = store.vote(&vote.id).await.unwrap();
        assert_eq!(history.ballots[0].reason.as_deref(), Some("because"));

        // Changing the expected voters to those who voted reveals the round.
        let changes = asyncvoter_server::store::VoteChanges {
            name: Some("Team, renamed".into()),
            expected_voters: Some(vec!["ana".into()]),
            ..Default::default()
        };
        store
            .update_vote(&vote.id, changes, rules::now())
            .await
            .unwrap();
        let changed = store.vote(&vote.id).await.unwrap();
        assert_eq!(changed.vote.name, "Team, renamed", "{backend}");
        assert_eq!(changed.vote.state, VoteState::Revealed, "{backend}");
        assert_eq!(changed.rounds[0].revealed_by, Some(RevealCause::AllVoted));

        let project = asyncvoter_server::store::ProjectRecord {
            name: "web".into(),
            default_voters: vec!["ana".into(), "slack:T1:U2".into()],
            chat_webhook_url: Some("https://chat.example.com/h".into()),
        };
        store.save_project(&project, rules::now()).await.unwrap();
        assert_eq!(
            store.project("web").await.unwrap(),
            Some(project),
            "{backend}"
        );
        assert_eq!(store.project("nope").await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn disabling_a_member_takes_them_off_every_open_votes_expected_voters() {
    on_every_backend(|store, backend| async move {
        for name in ["ana", "ana_b"] {
            let record = asyncvoter_server::store::MemberRecord {
                username: name.into(),
                display_name: name.into(),
                role: asyncvoter_wire::Role::Member,
                password_hash: "$argon2id$fake".into(),
                email: None,
                disabled: false,
            };
            store.create_member(&record, rules::now()).await.unwrap();
        }
        let mut held_back = story("Held back by ana", None);
        held_back.expected_voters = vec!["ana".into(), "ben".into()];
        held_back.reveal_when_all_voted = true;
        let held_back = store.create_vote(held_back, rules::now()).await.unwrap();
        store
            .cast_ballot(cast(&held_back.id, "ben", "8"))
            .await
            .unwrap();
        // `_` is a LIKE wildcard: "ana_b" must not match a search for "ana".
        let mut lookalike = story("Waits on ana_b", None);
        lookalike.expected_voters = vec!["ana_b".into(), "slack:T1:U2".into()];
        let lookalike = store.create_vote(lookalike, rules::now()).await.unwrap();

        let disable = asyncvoter_server::store::MemberChanges {
            disabled: Some(true),
            ..Default::default()
        };
        store
            .update_member("ana", &disable, rules::now())
            .await
            .unwrap();
        let revealed = store.vote(&held_back.id).await.unwrap();
        assert_eq!(revealed.vote.expected_voters, ["ben"], "{backend}");
        assert_eq!(revealed.vote.state, VoteState::Revealed, "{backend}");
        assert_eq!(revealed.rounds[0].revealed_by, Some(RevealCause::AllVoted));
        let untouched = store.vote(&lookalike.id).await.unwrap();
        assert_eq!(
            untouched.vote.expected_voters,
            ["ana_b", "slack:T1:U2"],
            "{backend}"
        );
        assert_eq!(untouched.vote.state, VoteState::Open);
    })
    .await;
}

#[tokio::test]
async fn deleting_a_vote_takes_its_rounds_ballots_slack_message_and_pending_messages() {
    on_every_backend(|store, backend| async move {
        let mut new = story("Deleted", None);
        new.slack = Some(asyncvoter_server::store::SlackPlace {
            team: "T1".into(),
            channel: "C1".into(),
        });
        let vote = store.create_vote(new, rules::now()).await.unwrap();
        store
            .cast_ballot(cast(&vote.id, "slack:T1:U1", "5"))
            .await
            .unwrap();
        store
            .reveal(&vote.id, RevealCause::Manual, rules::now())
            .await
            .unwrap();
        store.start_round(&vote.id, rules::now()).await.unwrap();
        let kept = store
            .create_vote(story("Kept", None), rules::now())
            .await
            .unwrap();
        store.delete_vote(&vote.id, rules::now()).await.unwrap();
        assert!(
            matches!(
                store.vote_record(&vote.id).await,
                Err(StoreError::NotFound(_))
            ),
            "{backend}"
        );
        assert!(
            store.slack_message(&vote.id).await.unwrap().is_none(),
            "{backend}"
        );
        let now = rules::now();
        let pending = store
            .claim_deliveries(now, now + Duration::minutes(2), 64)
            .await
            .unwrap();
        assert!(
            pending
                .iter()
                .all(|d| d.vote_id.as_deref() != Some(&vote.id)),
            "{backend}: nothing left to send about a deleted vote"
        );
        let events = store.events_after(0, 100).await.unwrap();
        let last = events.iter().rfind(|e| e.vote_id == vote.id).unwrap();
        assert_eq!(
            last.kind,
            asyncvoter_wire::EventKind::VoteDeleted,
            "{backend}"
        );
        assert!(matches!(
            store.delete_vote(&vote.id, rules::now()).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(store.vote_record(&kept.id).await.is_ok(), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_project_keeps_its_first_spelling_whatever_the_case_on_every_backend() {
    on_every_backend(|store, backend| async move {
        let mut first = story("First", None);
        first.project = Some("Platform".into());
        store.create_vote(first, rules::now()).await.unwrap();
        let mut second = story("Second", None);
        second.project = Some("PLATFORM".into());
        let second = store.create_vote(second, rules::now()).await.unwrap();
        assert_eq!(second.project.as_deref(), Some("Platform"), "{backend}");
        let listed = store
            .list_votes(&VoteQuery {
                project: Some("platform".into()),
                limit: 10,
                ..VoteQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(listed.len(), 2, "{backend}");
        store
            .save_project(
                &asyncvoter_server::store::ProjectRecord {
                    name: "mobile".into(),
                    ..Default::default()
                },
                rules::now(),
            )
            .await
            .unwrap();
        assert_eq!(
            store.project_names().await.unwrap(),
            ["mobile", "Platform"],
            "{backend}"
        );
        assert!(
            store.project("MOBILE").await.unwrap().is_some(),
            "{backend}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_full_round_refuses_a_new_voter_and_keeps_nothing_of_the_ballot() {
    use asyncvoter_server::domain::lifecycle::MAX_BALLOTS_PER_ROUND;
    on_every_backend(|store, backend| async move {
        let vote = store
            .create_vote(story("Full", None), rules::now())
            .await
            .unwrap();
        let casts = (0..MAX_BALLOTS_PER_ROUND)
            .map(|n| store.cast_ballot(cast(&vote.id, &format!("slack:U{n}"), "3")));
        for cast in futures::future::join_all(casts).await {
            cast.unwrap();
        }
        let events = store.last_event_id().await.unwrap();
        let mut named = cast(&vote.id, "slack:NEW", "5");
        named.name = Some("Newcomer".into());
        let refused = store.cast_ballot(named).await;
        assert!(
            matches!(&refused, Err(StoreError::Conflict(m)) if m.contains("1000 ballots")),
            "{backend}: {refused:?}"
        );
        let replaced = store.cast_ballot(cast(&vote.id, "slack:U7", "8")).await;
        assert!(replaced.unwrap().replaced, "{backend}");
        let history = store.vote(&vote.id).await.unwrap();
        let ballots = &history.ballots;
        assert_eq!(ballots.len(), MAX_BALLOTS_PER_ROUND, "{backend}");
        assert!(ballots.iter().all(|b| b.voter != "slack:NEW"), "{backend}");
        let names = store.external_names(&["slack:NEW".into()]).await.unwrap();
        assert!(
            names.is_empty(),
            "{backend}: the refused ballot's name was not kept"
        );
        assert_eq!(
            store.last_event_id().await.unwrap(),
            events + 1,
            "{backend}: only the replacement is an event"
        );
    })
    .await;
}
