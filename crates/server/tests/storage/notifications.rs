//! The outbox and reminders on both backends: written with the change, claimed by one
//! worker at a time, in order per target and vote, retried when asked, reminders once.

use asyncvoter_server::rules;
use asyncvoter_server::store::{DeliveryOutcome, ReminderDue, WebhookRecord};
use chrono::Duration;

use crate::backends::{on_every_backend, story};

fn webhook(id: &str) -> WebhookRecord {
    WebhookRecord {
        id: id.into(),
        url: "https://hooks.example.com/x".into(),
        topics: vec!["*".into()],
        project: None,
        secret: "whsec_AAAA".into(),
        created_at: rules::now(),
        created_by: None,
        delivered: 0,
        failed: 0,
    }
}

#[tokio::test]
async fn parallel_registrations_never_pass_the_cap() {
    on_every_backend(|store, backend| async move {
        let attempts = (0..12).map(|i| {
            let store = store.clone();
            async move { store.create_webhook(&webhook(&format!("wh_{i}")), 5).await }
        });
        let made = futures::future::join_all(attempts)
            .await
            .into_iter()
            .filter(|made| *made.as_ref().unwrap())
            .count();
        assert_eq!(made, 5, "{backend}");
        assert_eq!(store.webhooks().await.unwrap().len(), 5, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn deliveries_are_written_with_the_change_and_claimed_in_order_once() {
    on_every_backend(|store, backend| async move {
        assert!(store.create_webhook(&webhook("wh_1"), 50).await.unwrap());
        let vote = store
            .create_vote(story("Hooked", None), rules::now())
            .await
            .unwrap();
        store
            .reveal(
                &vote.id,
                asyncvoter_server::store::RevealCause::Manual,
                rules::now(),
            )
            .await
            .unwrap();

        let now = rules::now();
        let lease = now + Duration::minutes(2);
        let first = store.claim_deliveries(now, lease, 10).await.unwrap();
        let topics: Vec<&str> = first.iter().map(|d| d.topic.as_str()).collect();
        assert_eq!(
            topics,
            ["vote_created"],
            "{backend}: the reveal waits its turn"
        );
        assert!(
            store
                .claim_deliveries(now, lease, 10)
                .await
                .unwrap()
                .is_empty(),
            "{backend}: held by its worker"
        );
        let again = now + Duration::seconds(10);
        store
            .finish_delivery(
                first[0].id,
                DeliveryOutcome::Retry(again, "503".into()),
                now,
            )
            .await
            .unwrap();
        assert!(
            store
                .claim_deliveries(now, lease, 10)
                .await
                .unwrap()
                .is_empty(),
            "{backend}: not due yet"
        );
        let retried = store
            .claim_deliveries(again, again + Duration::minutes(2), 10)
            .await
            .unwrap();
        assert_eq!((retried.len(), retried[0].attempts), (1, 2), "{backend}");
        store
            .finish_delivery(retried[0].id, DeliveryOutcome::Delivered, again)
            .await
            .unwrap();
        let next = store
            .claim_deliveries(again, again + Duration::minutes(2), 10)
            .await
            .unwrap();
        assert_eq!(next[0].topic, "revealed", "{backend}: now the next one");
        assert_eq!(store.webhooks().await.unwrap()[0].delivered, 1);

        store.delete_webhook("wh_1").await.unwrap();
        let later = again + Duration::minutes(5);
        assert!(
            store
                .claim_deliveries(later, later, 10)
                .await
                .unwrap()
                .is_empty(),
            "{backend}: a removed webhook's deliveries go too"
        );
    })
    .await;
}

#[tokio::test]
async fn each_reminder_is_sent_once_per_lead() {
    on_every_backend(|store, backend| async move {
        let member = asyncvoter_server::store::MemberRecord {
            username: "ben".into(),
            display_name: "Ben".into(),
            role: asyncvoter_wire::Role::Member,
            password_hash: "x".into(),
            email: None,
            disabled: false,
        };
        store.create_member(&member, rules::now()).await.unwrap();
        let mut settings = store.member_settings("ben").await.unwrap();
        settings.email = Some("ben@example.com".into());
        store.save_member_settings("ben", &settings).await.unwrap();
        let mut soon = story("Soon", None);
        soon.deadline = Some(rules::now() + Duration::hours(1));
        soon.expected_voters = vec!["ben".into()];
        let vote = store.create_vote(soon, rules::now()).await.unwrap();
        let due = |leads: Vec<i64>| ReminderDue {
            vote_id: vote.id.clone(),
            round: 1,
            voter: "ben".into(),
            leads_ms: leads,
        };
        let twelve = Duration::hours(12).num_milliseconds();
        let two = Duration::hours(2).num_milliseconds();
        let send = |leads: Vec<i64>| {
            let store = store.clone();
            let due = due(leads);
            async move { store.send_reminders(&[due], rules::now()).await.unwrap() }
        };
        assert_eq!(send(vec![twelve]).await, 1, "{backend}");
        assert_eq!(send(vec![twelve]).await, 0, "{backend}: once");
        assert_eq!(send(vec![twelve, two]).await, 1, "{backend}: the next lead");
        let candidates = store
            .reminder_candidates(rules::now(), Duration::hours(12))
            .await
            .unwrap();
        assert_eq!(candidates.len(), 1, "{backend}");
        let mut sent = candidates[0].sent.clone();
        sent.sort();
        assert_eq!(
            sent,
            [("ben".to_owned(), two), ("ben".to_owned(), twelve)],
            "{backend}: what was sent, so the worker does not ask again"
        );
        let owner = asyncvoter_wire::RevealCause::Manual;
        store.reveal(&vote.id, owner, rules::now()).await.unwrap();
        store.start_round(&vote.id, rules::now()).await.unwrap();
        let candidates = store
            .reminder_candidates(rules::now(), Duration::hours(12))
            .await
            .unwrap();
        assert!(
            candidates[0].sent.is_empty(),
            "{backend}: a new round reminds afresh"
        );
        let now = rules::now();
        let claimed = store.claim_deliveries(now, now, 10).await.unwrap();
        let reminders = claimed.iter().filter(|d| d.topic == "reminder").count();
        assert!(reminders >= 1, "{backend}: written to the outbox");
    })
    .await;
}

#[tokio::test]
async fn idle_workers_check_without_waiting_for_the_write_lock() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("idle.db").display());
    let store = asyncvoter_server::store::open(&url).await.unwrap();
    // Another process holds the write lock, as a busy writer would.
    let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let now = rules::now();
    let quick = std::time::Duration::from_secs(2);
    let revealed = tokio::time::timeout(quick, store.reveal_due(now))
        .await
        .expect("nothing is due: the deadline check does not wait for the lock")
        .unwrap();
    assert!(revealed.is_empty());
    let claimed = tokio::time::timeout(quick, store.claim_deliveries(now, now, 10))
        .await
        .expect("nothing is due: the outbox check does not wait for the lock")
        .unwrap();
    assert!(claimed.is_empty());
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
}
