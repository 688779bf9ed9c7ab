//! Session cookies, CSRF, login rate limits and members-only visibility.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use asyncvoter_server::{LegacyApi, Settings, Visibility};
use asyncvoter_test_support::TestServer;
use asyncvoter_wire::Role;

use crate::helpers::*;

fn set_cookie(reply: &Reply) -> String {
    reply
        .headers
        .get("set-cookie")
        .expect("a cookie is set")
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_lax_and_not_secure_over_http() {
    let app = spawn_app().await;
    let password = app.add_member("ana", Role::Member).await;
    let (reply, _) = app.log_in_with("ana", &password).await;
    let cookie = set_cookie(&reply);
    assert!(cookie.starts_with("asyncvoter="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_host_prefixed() {
    let settings = Settings {
        public_url: Some("https://votes.example.com".into()),
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let app = spawn_app_with_settings(settings).await;
    let password = app.add_member("ana", Role::Member).await;
    let (reply, session) = app.log_in_with("ana", &password).await;
    let cookie = set_cookie(&reply);
    assert!(cookie.starts_with("__Host-asyncvoter="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let me = app
        .send(
            As::Member(&session.unwrap()),
            Method::GET,
            "/api/session",
            None,
        )
        .await;
    assert_eq!(me.status, StatusCode::OK);
}

#[tokio::test]
async fn logging_in_issues_a_new_session_id_and_the_old_one_is_dead() {
    let app = spawn_app().await;
    let password = app.add_member("ana", Role::Member).await;
    let (_, first) = app.log_in_with("ana", &password).await;
    let first = first.unwrap();
    // Log in again from the browser that holds the first cookie.
    let again = app
        .send_with(
            Method::POST,
            "/api/session",
            &[("cookie", &first.cookie), ("x-asyncvoter-csrf", "1")],
            Some(json!({"username": "ana", "password": password})),
        )
        .await;
    let second = session_cookie(&again.headers).expect("a new cookie");
    assert_ne!(second, first.cookie, "the session id changes at login");
    let old = app
        .send(As::Member(&first), Method::GET, "/api/session", None)
        .await;
    assert_eq!(
        old.status,
        StatusCode::NO_CONTENT,
        "the pre-login id is useless"
    );
}

#[tokio::test]
async fn logout_kills_the_session_on_the_server() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let id = app.fibonacci_vote("after logout").await.vote.id;
    assert_eq!(
        app.send(As::Member(&ana), Method::DELETE, "/api/session", None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // A copy of the cookie kept by an attacker is worthless now.
    assert_eq!(
        app.send(As::Member(&ana), Method::GET, "/api/session", None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let cast = app
        .send(
            As::Member(&ana),
            Method::PUT,
            &ballot_path(&id, "me"),
            Some(json!({"card": "3"})),
        )
        .await;
    assert_eq!(cast.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_end_after_the_idle_timeout() {
    let settings = Settings {
        session_idle: Duration::from_secs(1),
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let app = spawn_app_with_settings(settings).await;
    let ana = app.member("ana", Role::Member).await;
    assert_eq!(
        app.send(As::Member(&ana), Method::GET, "/api/session", None)
            .await
            .status,
        StatusCode::OK
    );
    eventually(
        Duration::from_secs(10),
        "the idle session to expire",
        || async {
            let status = app
                .send(As::Member(&ana), Method::GET, "/api/session", None)
                .await
                .status;
            (status == StatusCode::NO_CONTENT).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn sessions_survive_a_server_restart() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let app = app
        .restart(TestServer::settings(LegacyApi::Token, None))
        .await;
    let me = app
        .send(As::Member(&ana), Method::GET, "/api/session", None)
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
}

#[tokio::test]
async fn cross_site_state_changes_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let body = json!({"name": "forged", "deck": "fibonacci"});
    let cases: [(&str, Vec<(&str, &str)>); 4] = [
        (
            "another origin",
            vec![
                ("cookie", &ana.cookie),
                ("x-asyncvoter-csrf", "1"),
                ("origin", "https://evil.example"),
            ],
        ),
        (
            "another site",
            vec![
                ("cookie", &ana.cookie),
                ("x-asyncvoter-csrf", "1"),
                ("sec-fetch-site", "cross-site"),
            ],
        ),
        ("no CSRF header", vec![("cookie", &ana.cookie)]),
        (
            "a plain form post",
            vec![
                ("cookie", &ana.cookie),
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
        ),
    ];
    for (why, headers) in cases {
        let reply = app
            .send_with(Method::POST, "/api/votes", &headers, Some(body.clone()))
            .await;
        assert_eq!(
            (reply.status, reply.error_code().as_str()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{why}"
        );
    }
    let form = app
        .client
        .post(format!("{}/api/votes", app.base))
        .header("cookie", &ana.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=forged&deck=fibonacci")
        .send()
        .await
        .unwrap();
    assert_eq!(
        form.status(),
        StatusCode::FORBIDDEN,
        "an HTML form cannot post into the API"
    );
    assert!(app.list("").await.items.is_empty(), "nothing was created");
    let same_origin = app
        .send_with(
            Method::POST,
            "/api/votes",
            &[
                ("cookie", &ana.cookie),
                ("x-asyncvoter-csrf", "1"),
                ("origin", &app.base),
                ("sec-fetch-site", "same-origin"),
            ],
            Some(body),
        )
        .await;
    assert_eq!(
        same_origin.status,
        StatusCode::CREATED,
        "{}",
        same_origin.body
    );
}

#[tokio::test]
async fn the_eleventh_failed_login_within_a_minute_gets_429_with_retry_after() {
    let app = spawn_app().await;
    let password = app.add_member("ana", Role::Member).await;
    for attempt in 1..=10 {
        let (reply, _) = app.log_in_with("ana", "wrong password").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let (eleventh, _) = app.log_in_with("ana", "wrong password").await;
    assert_eq!(
        (eleventh.status, eleventh.error_code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let wait: u64 = eleventh
        .headers
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let (right, session) = app.log_in_with("ana", &password).await;
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(session.is_none());
}

#[tokio::test]
async fn failures_from_one_address_across_accounts_are_limited_too() {
    let app = spawn_app().await;
    for n in 0..10 {
        let (reply, _) = app.log_in_with(&format!("user{n}"), "guess-guess").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let (reply, _) = app.log_in_with("someone-else", "guess-guess").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn members_visibility_hides_reads_from_anonymous_callers_only() {
    let settings = Settings {
        visibility: Visibility::Members,
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let app = spawn_app_with_settings(settings).await;
    let id = app.fibonacci_vote("Secret roadmap").await.vote.id;
    for path in [
        "/api/votes".to_owned(),
        format!("/api/votes/{id}"),
        "/api/openapi.json".to_owned(),
    ] {
        let reply = app.send(As::Anonymous, Method::GET, &path, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            !reply.body.contains("Secret roadmap"),
            "{path} leaks the name"
        );
    }
    assert_eq!(
        app.send(As::Anonymous, Method::GET, "/api/health", None)
            .await
            .status,
        StatusCode::OK
    );
    let ana = app.member("ana", Role::Member).await;
    assert_eq!(
        app.send(
            As::Member(&ana),
            Method::GET,
            &format!("/api/votes/{id}"),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        app.send(As::Bot, Method::GET, "/api/votes", None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_members_only_server_refuses_to_open_the_2016_api_to_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_asyncvoter"))
        .args(["serve", "--bind", "127.0.0.1:0", "--visibility", "members"])
        .args(["--legacy-api", "open", "--database-url"])
        .arg(format!("sqlite://{}", dir.path().join("x.db").display()))
        .output()
        .await
        .unwrap();
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it must not start");
    assert!(
        error.contains("--legacy-api open") && error.contains("--legacy-api token"),
        "says why and what to do instead: {error}"
    );
}
