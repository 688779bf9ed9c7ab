//! Email through a real SMTP server (aiosmtpd): reminders reach the expected voters who
//! have not voted, at each lead before the deadline, once each (the test moves the
//! server's clock, it does not sleep); results after the reveal; the owner hears when
//! everyone has voted; one-click unsubscribe works.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::json;

use asyncvoter_server::LegacyApi;
use asyncvoter_server::clock::Clock;
use asyncvoter_server::notify::Mailer;
use asyncvoter_test_support::{Mail, SmtpServer, TestServer};
use asyncvoter_wire::Role;

use crate::helpers::*;

/// Waits until the server has received `count` emails; they.
async fn mails(smtp: &SmtpServer, count: usize) -> Vec<Mail> {
    eventually(Duration::from_secs(15), "emails to arrive", || async {
        let mails = smtp.mails();
        (mails.len() >= count).then_some(mails)
    })
    .await
}

async fn set_email(app: &TestApp, who: &Session, email: &str) {
    let reply = app
        .send(
            As::Member(who),
            Method::PUT,
            "/api/me/settings",
            Some(json!({"email": email, "reminders": true, "results": true, "all_voted": true})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn reminders_reach_only_the_non_voters_at_each_lead_and_results_follow_the_reveal() {
    let smtp = SmtpServer::start().await;
    let clock = Clock::shiftable();
    let mut settings = TestServer::settings(LegacyApi::Token, None);
    settings.clock = clock.clone();
    settings.notify.mailer = Some(Arc::new(
        Mailer::new(&smtp.url, "AsyncVoter <votes@example.com>").unwrap(),
    ));
    let app = spawn_app_with_settings(settings).await;
    let ana = app.member("ana", Role::Member).await;
    let ben = app.member("ben", Role::Member).await;
    app.member("cleo", Role::Member).await; // no address: nothing to send her
    set_email(&app, &ana, "ana@example.com").await;
    set_email(&app, &ben, "ben@example.com").await;

    let deadline = (Utc::now() + chrono::Duration::hours(13)).to_rfc3339();
    let created = app
        .send(
            As::Member(&ana),
            Method::POST,
            "/api/votes",
            Some(
                json!({"name": "Reminded", "deck": "fibonacci", "deadline": deadline,
                        "expected_voters": ["ana", "ben", "cleo", "slack:T1:U9"]}),
            ),
        )
        .await;
    let id = created.json()["vote"]["id"].as_str().unwrap().to_owned();
    let vote = app
        .send(
            As::Member(&ana),
            Method::PUT,
            &ballot_path(&id, "me"),
            Some(json!({"card": "5"})),
        )
        .await;
    assert_eq!(vote.status, StatusCode::OK);
    let mut events = app.events(None).await;
    assert_eq!(events.expect().await.event, "ready");

    // 12 h before the deadline: ben, who has not voted, and only ben.
    clock.advance(chrono::Duration::hours(1) + chrono::Duration::minutes(1));
    let first = mails(&smtp, 1).await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].to, "\"BEN Tester\" <ben@example.com>");
    assert_eq!(first[0].subject, "Waiting on you: Reminded");
    let link = format!("{}/votes/{id}", app.base);
    assert!(first[0].text.contains(&link), "{}", first[0].text);
    assert!(first[0].html.contains(&link), "{}", first[0].html);
    let reminded = events.expect().await;
    assert_eq!(reminded.event, "reminder_sent");
    assert!(
        reminded.data.contains("\"ben\""),
        "who, never how: {}",
        reminded.data
    );

    // 2 h before: the second reminder, once.
    clock.advance(chrono::Duration::hours(10));
    let second = mails(&smtp, 2).await;
    assert_eq!(second.len(), 2);
    assert!(
        second
            .iter()
            .all(|m| m.subject == "Waiting on you: Reminded" && m.to.contains("ben@"))
    );

    // The link in the email stops reminders, in two steps (a scanner opening it stops nothing).
    let unsubscribe = second[1]
        .unsubscribe
        .clone()
        .expect("a List-Unsubscribe header");
    assert!(second[1].text.contains(&unsubscribe), "{}", second[1].text);
    let page = app.client.get(&unsubscribe).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Stop these emails"), "{page}");
    let settings = |who: &Session| {
        let who = who.clone();
        let app = &app;
        async move {
            app.send(As::Member(&who), Method::GET, "/api/me/settings", None)
                .await
                .json()
        }
    };
    assert_eq!(
        settings(&ben).await["reminders"],
        true,
        "opening the page changed nothing"
    );
    let done = app.client.post(&unsubscribe).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert!(
        done.text()
            .await
            .unwrap()
            .contains("no more reminder emails")
    );
    let after = settings(&ben).await;
    assert_eq!(
        (after["reminders"].clone(), after["results"].clone()),
        (json!(false), json!(true))
    );

    // The deadline passes: the round is revealed and both get the results.
    clock.advance(chrono::Duration::hours(3));
    let all = mails(&smtp, 4).await;
    let mut results: Vec<&str> = all[2..].iter().map(|m| m.to.as_str()).collect();
    results.sort();
    assert_eq!(
        results,
        [
            "\"ANA Tester\" <ana@example.com>",
            "\"BEN Tester\" <ben@example.com>"
        ]
    );
    assert!(
        all[2..]
            .iter()
            .all(|m| m.subject == "Revealed: Reminded" && m.text.contains("1 vote: 1×5"))
    );

    // The owner hears when everyone a vote waits on has voted.
    let owned = app
        .send(
            As::Member(&ana),
            Method::POST,
            "/api/votes",
            Some(
                json!({"name": "All in", "deck": "fibonacci", "expected_voters": ["ben"],
                        "reveal_when_all_voted": false}),
            ),
        )
        .await
        .json()["vote"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.send(
        As::Member(&ben),
        Method::PUT,
        &ballot_path(&owned, "me"),
        Some(json!({"card": "3"})),
    )
    .await;
    let last = mails(&smtp, 5).await;
    assert_eq!(last[4].subject, "Everyone has voted: All in");
    assert!(last[4].to.contains("ana@"));
    assert_eq!(smtp.mails().len(), 5, "and nothing else");
}

#[tokio::test]
async fn email_settings_are_checked_and_a_bad_link_says_so() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    for email in ["ana", "ana@localhost", "a b@x.io"] {
        let reply = app
            .send(
                As::Member(&ana),
                Method::PUT,
                "/api/me/settings",
                Some(json!({"email": email})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
    }
    let cleared = app
        .send(
            As::Member(&ana),
            Method::PUT,
            "/api/me/settings",
            Some(json!({"email": ""})),
        )
        .await;
    assert_eq!(cleared.json()["email"], serde_json::Value::Null);
    for who in [As::Anonymous, As::Bot] {
        let reply = app.send(who, Method::GET, "/api/me/settings", None).await;
        assert!(matches!(reply.status.as_u16(), 401 | 403));
    }
    let bad = app
        .client
        .post(format!("{}/api/unsubscribe?token=nope", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::NOT_FOUND);
}
