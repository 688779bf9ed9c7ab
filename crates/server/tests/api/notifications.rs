//! Notifications, from the other end: webhooks signed the Standard Webhooks way, retried
//! until they arrive, once each and in order; chat channels told three times per vote;
//! what failed shown to admins.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use asyncvoter_test_support::{Received, Receiver};
use asyncvoter_wire::{Role, WebhookPayload};

use crate::helpers::*;

/// Registers a webhook as `admin`; its id and secret.
async fn register(app: &TestApp, admin: &Session, body: Value) -> (String, String) {
    let reply = app
        .send(As::Member(admin), Method::POST, "/api/webhooks", Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created = reply.json();
    (
        created["webhook"]["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

/// Waits until `receiver` has accepted `count` requests; they.
async fn accepted(receiver: &Receiver, count: usize) -> Vec<Received> {
    eventually(Duration::from_secs(15), "deliveries to arrive", || async {
        let accepted = receiver.accepted();
        (accepted.len() >= count).then_some(accepted)
    })
    .await
}

#[tokio::test]
async fn webhooks_are_signed_retried_and_arrive_once_each_in_order() {
    let app = spawn_app().await;
    let admin = app.member("root", Role::Admin).await;
    // The receiver fails the first three attempts.
    let receiver = Receiver::start(3).await;
    let (_, secret) = register(
        &app,
        &admin,
        json!({"url": format!("{}/hooks", receiver.base)}),
    )
    .await;
    let verifier = standardwebhooks::Webhook::new(&secret).unwrap();

    let id = app
        .create_vote(json!({"name": "Hooked", "deck": "custom", "cards": ["ZEBRA", "QUAIL"]}))
        .await
        .vote
        .id;
    app.cast_ok(&id, "slack:A", "ZEBRA").await;
    app.cast_ok(&id, "slack:B", "QUAIL").await;
    app.act(&id, "reveal", None).await;
    app.act(&id, "close", Some(json!({"final_size": "QUAIL"})))
        .await;

    let delivered = accepted(&receiver, 5).await;
    let kinds: Vec<String> = delivered
        .iter()
        .map(|r| {
            verifier
                .verify(r.body.as_bytes(), &r.headers)
                .unwrap_or_else(|e| panic!("a bad signature ({e}): {r:?}"));
            let payload: WebhookPayload = serde_json::from_str(&r.body).unwrap();
            payload.kind
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "vote_created",
            "ballot_cast",
            "ballot_cast",
            "revealed",
            "closed"
        ],
        "in the order they happened"
    );
    let ids: Vec<&str> = delivered
        .iter()
        .map(|r| r.headers["webhook-id"].to_str().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each arrived once: {ids:?}");
    let all = receiver.received();
    assert_eq!(all.len(), 8, "three refused, then five accepted");
    assert!(
        all[..3]
            .iter()
            .all(|r| r.headers["webhook-id"] == all[3].headers["webhook-id"]),
        "a retry keeps its id, so a subscriber can tell it from a new event"
    );
    // Cards only once the round is revealed.
    for r in &delivered[..3] {
        assert!(!r.body.contains("ZEBRA"), "sealed: {}", r.body);
    }
    let revealed: Value = serde_json::from_str(&delivered[3].body).unwrap();
    assert_eq!(
        revealed["data"]["results"]["ballots"][0]["card"], "ZEBRA",
        "{revealed}"
    );

    // Nothing is left to send: once each.
    let log = app
        .send(As::Member(&admin), Method::GET, "/api/notifications", None)
        .await
        .json();
    let statuses: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["delivered"; 5], "{log}");
    assert_eq!(log[4]["attempts"], 4, "the first took four attempts");
}

#[tokio::test]
async fn a_chat_channel_hears_of_a_vote_three_times_and_never_of_a_ballot() {
    let app = spawn_app().await;
    let admin = app.member("root", Role::Admin).await;
    let chat = Receiver::start(0).await;
    let set = app
        .send(
            As::Member(&admin),
            Method::PUT,
            "/api/projects/web",
            Some(json!({"chat_webhook_url": format!("{}/slack", chat.base)})),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK);
    let id = app
        .create_vote(json!({"name": "Announced", "deck": "fibonacci", "project": "web"}))
        .await
        .vote
        .id;
    app.create_vote(json!({"name": "Elsewhere", "deck": "fibonacci", "project": "api"}))
        .await;
    for (voter, card) in [("slack:A", "5"), ("slack:B", "5"), ("slack:C", "8")] {
        app.cast_ok(&id, voter, card).await;
    }
    app.act(&id, "reveal", None).await;
    app.act(&id, "close", Some(json!({"final_size": "5"})))
        .await;

    let messages = accepted(&chat, 3).await;
    let texts: Vec<String> = messages
        .iter()
        .map(|m| {
            serde_json::from_str::<Value>(&m.body).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let link = format!("{}/votes/{id}", app.base);
    assert!(
        texts[0].starts_with("New vote: *Announced*") && texts[0].contains(&link),
        "{texts:?}"
    );
    assert!(
        texts[1].contains("Revealed: *Announced*, 3 votes: 2×5, 1×8 · most chosen 5 (67 %)"),
        "{texts:?}"
    );
    assert!(
        texts[2].contains("Closed: *Announced*, final size 5"),
        "{texts:?}"
    );
    // The outbox is written with each change, so by now it holds every chat message there
    // will be: three, all delivered once the worker records the receiver's answers.
    let chat_log = eventually(
        Duration::from_secs(10),
        "three chat messages delivered",
        || async {
            let log = app
                .send(As::Member(&admin), Method::GET, "/api/notifications", None)
                .await
                .json();
            let chat_log: Vec<Value> = log
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["channel"] == "chat")
                .cloned()
                .collect();
            chat_log
                .iter()
                .all(|d| d["status"] == "delivered")
                .then_some(chat_log)
        },
    )
    .await;
    assert_eq!(
        chat_log.len(),
        3,
        "never one per ballot, nothing for another project: {chat_log:?}"
    );
    assert_eq!(chat.received().len(), 3);
}

#[tokio::test]
async fn admins_see_what_failed_with_its_error_and_can_send_a_test() {
    let app = spawn_app().await;
    let admin = app.member("root", Role::Admin).await;
    let member = app.member("ana", Role::Member).await;
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (dead, _) = register(
        &app,
        &admin,
        json!({"url": format!("http://{closed}/x"), "events": ["vote_created"]}),
    )
    .await;
    app.fibonacci_vote("Fails").await;
    let failed = eventually(Duration::from_secs(10), "a failed attempt", || async {
        let log = app
            .send(
                As::Member(&admin),
                Method::GET,
                "/api/notifications?failed=true",
                None,
            )
            .await
            .json();
        (!log.as_array().unwrap().is_empty()).then_some(log)
    })
    .await;
    assert_eq!(failed[0]["target"], dead.as_str());
    assert_eq!(
        failed[0]["status"], "pending",
        "retried for a day before it is given up"
    );
    assert!(
        failed[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("could not reach"),
        "{failed}"
    );

    let receiver = Receiver::start(0).await;
    let (live, _) = register(
        &app,
        &admin,
        json!({"url": receiver.base, "events": ["revealed"]}),
    )
    .await;
    let test = app
        .send(
            As::Member(&admin),
            Method::POST,
            &format!("/api/webhooks/{live}/test"),
            None,
        )
        .await;
    assert_eq!(test.status, StatusCode::ACCEPTED);
    let ping = accepted(&receiver, 1).await;
    assert_eq!(
        serde_json::from_str::<Value>(&ping[0].body).unwrap()["type"],
        "ping"
    );
    // The receiver answers before the worker records the answer: wait for the record.
    eventually(
        Duration::from_secs(10),
        "the ping recorded as delivered",
        || async {
            let log = app
                .send(
                    As::Member(&admin),
                    Method::GET,
                    &format!("/api/webhooks/{live}/deliveries"),
                    None,
                )
                .await
                .json();
            (log[0]["status"] == "delivered").then_some(())
        },
    )
    .await;
    let listed = app
        .send(As::Member(&admin), Method::GET, "/api/webhooks", None)
        .await;
    assert!(!listed.body.contains("whsec_"), "secrets are shown once");

    for (who, status) in [
        (As::Anonymous, StatusCode::UNAUTHORIZED),
        (As::Member(&member), StatusCode::FORBIDDEN),
        (As::Bot, StatusCode::FORBIDDEN),
    ] {
        for (method, path) in [
            (Method::GET, "/api/webhooks".to_owned()),
            (Method::POST, "/api/webhooks".to_owned()),
            (Method::DELETE, format!("/api/webhooks/{live}")),
            (Method::POST, format!("/api/webhooks/{live}/test")),
            (Method::GET, "/api/notifications".to_owned()),
        ] {
            let reply = app
                .send(
                    who,
                    method.clone(),
                    &path,
                    Some(json!({"url": "https://x.example"})),
                )
                .await;
            assert_eq!(reply.status, status, "{method} {path} as {who:?}");
        }
    }
    for (body, why) in [
        (json!({"url": "ftp://x"}), "not http"),
        (
            json!({"url": "https://x.example", "events": ["nope"]}),
            "an unknown event",
        ),
    ] {
        let reply = app
            .send(
                As::Member(&admin),
                Method::POST,
                "/api/webhooks",
                Some(body),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
    }
    let removed = app
        .send(
            As::Member(&admin),
            Method::DELETE,
            &format!("/api/webhooks/{dead}"),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_deleted_vote_is_announced_to_webhooks_by_its_id() {
    let app = spawn_app().await;
    let admin = app.member("root", Role::Admin).await;
    let receiver = Receiver::start(0).await;
    register(
        &app,
        &admin,
        json!({"url": format!("{}/hooks", receiver.base)}),
    )
    .await;
    let id = app.fibonacci_vote("Gone soon").await.vote.id;
    let path = format!("/api/votes/{id}");
    let reply = app.send(As::Bot, Method::DELETE, &path, None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let delivered = accepted(&receiver, 2).await;
    let payloads: Vec<Value> = delivered
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert_eq!(payloads[0]["type"], "vote_created", "{payloads:?}");
    assert_eq!(payloads[1]["type"], "vote_deleted", "{payloads:?}");
    assert_eq!(payloads[1]["data"]["vote_id"], id.as_str());
    assert_eq!(payloads[1]["data"]["vote"], Value::Null);
}

/// A test server's settings with webhooks to private addresses allowed or not.
fn private_webhooks(allowed: bool) -> asyncvoter_server::Settings {
    let mut settings =
        asyncvoter_test_support::TestServer::settings(asyncvoter_server::LegacyApi::Token, None);
    settings.notify.allow_private_webhooks = allowed;
    settings
}

#[tokio::test]
async fn webhooks_and_chats_go_only_to_public_addresses_unless_the_server_allows_private_ones() {
    let app = spawn_app_with_settings(private_webhooks(true)).await;
    let admin = app.member("root", Role::Admin).await;
    let receiver = Receiver::start(0).await;
    // Saved while the server allowed private addresses; then it is started without.
    let (saved, _) = register(&app, &admin, json!({"url": receiver.base})).await;
    let app = app.restart(private_webhooks(false)).await;
    let admin = app.member("admin2", Role::Admin).await;

    for url in [
        receiver.base.clone(),
        "http://localhost:9/x".into(),
        "http://api.localhost/x".into(),
        "http://[::1]:9/".into(),
        "http://[::ffff:127.0.0.1]/".into(),
        "http://0x7f000001/".into(),
        "http://10.0.0.5/hook".into(),
        "http://169.254.169.254/latest/meta-data/".into(),
    ] {
        let refused = app
            .send(
                As::Member(&admin),
                Method::POST,
                "/api/webhooks",
                Some(json!({ "url": url })),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(
            refused.body.contains("private network"),
            "{url}: {}",
            refused.body
        );
        let chat = app
            .send(
                As::Member(&admin),
                Method::PUT,
                "/api/projects/web",
                Some(json!({ "chat_webhook_url": url })),
            )
            .await;
        assert_eq!(chat.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
    }
    let listed = app
        .send(As::Member(&admin), Method::GET, "/api/webhooks", None)
        .await
        .json();
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "only the one saved before"
    );

    // The one saved before is refused when it is sent to, and given up at once.
    let test = app
        .send(
            As::Member(&admin),
            Method::POST,
            &format!("/api/webhooks/{saved}/test"),
            None,
        )
        .await;
    assert_eq!(test.status, StatusCode::ACCEPTED);
    let log = eventually(Duration::from_secs(10), "the ping given up", || async {
        let log = app
            .send(
                As::Member(&admin),
                Method::GET,
                &format!("/api/webhooks/{saved}/deliveries"),
                None,
            )
            .await
            .json();
        (log[0]["status"] == "failed").then_some(log)
    })
    .await;
    assert!(
        log[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("private network"),
        "{log}"
    );
    assert!(
        receiver.received().is_empty(),
        "nothing reached the receiver"
    );
}
