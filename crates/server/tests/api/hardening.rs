//! What an outside review broke, each as it attacked: parallel logins against the limit,
//! a password oracle, sessions that outlive a new password or a logout, cookies parsed
//! two ways, hosts and origins that are not ours, proxies, caches and stored secrets.
//! (The memory and file-descriptor floods against a release process are in `faults`.)

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use asyncvoter_server::{LegacyApi, Settings, Visibility};
use asyncvoter_test_support::TestServer;
use asyncvoter_wire::Role;

use crate::helpers::*;

/// `n` wrong-password logins at once from this machine, each for the account
/// `username(i)`; their statuses.
async fn parallel_logins(
    app: &TestApp,
    username: impl Fn(usize) -> String,
    n: usize,
) -> Vec<StatusCode> {
    let logins = (0..n).map(|i| {
        app.send_with(
            Method::POST,
            "/api/session",
            &[("x-asyncvoter-csrf", "1")],
            Some(json!({"username": username(i), "password": "wrong password"})),
        )
    });
    futures::future::join_all(logins)
        .await
        .into_iter()
        .map(|reply| reply.status)
        .collect()
}

#[tokio::test]
async fn parallel_wrong_logins_cannot_pass_the_limit_together() {
    let app = spawn_app().await;
    app.add_member("ana", Role::Member).await;
    // One account: its password is checked once at a time, the rest refused at once.
    let statuses = parallel_logins(&app, |_| "ana".into(), 60).await;
    let checked = |statuses: &[StatusCode]| {
        statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count()
    };
    let refused = |statuses: &[StatusCode]| {
        statuses
            .iter()
            .filter(|s| matches!(s.as_u16(), 429 | 503))
            .count()
    };
    assert!(checked(&statuses) <= 10, "{statuses:?}");
    assert_eq!(checked(&statuses) + refused(&statuses), 60, "{statuses:?}");

    // Sixty accounts from one address at once: the address's count holds them to ten.
    let app = spawn_app().await;
    let statuses = parallel_logins(&app, |i| format!("user{i}"), 60).await;
    assert!(checked(&statuses) <= 10, "{statuses:?}");
    assert_eq!(checked(&statuses) + refused(&statuses), 60, "{statuses:?}");
}

#[tokio::test]
async fn guessing_the_current_password_is_limited_like_a_login() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let change =
        |current: &str| json!({"current_password": current, "new_password": "a brand new one"});
    for guess in 1..=10 {
        let reply = app
            .send(
                As::Member(&ana),
                Method::PUT,
                "/api/session/password",
                Some(change(&format!("guess {guess}"))),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "guess {guess}");
    }
    let eleventh = app
        .send(
            As::Member(&ana),
            Method::PUT,
            "/api/session/password",
            Some(change("ana-secret-pass")),
        )
        .await;
    assert_eq!(
        (eleventh.status, eleventh.error_code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        "even the right one waits, so the answer tells nothing"
    );
    assert!(eleventh.headers.contains_key("retry-after"));
    let (login, _) = app.log_in_with("ana", "ana-secret-pass").await;
    assert_eq!(
        login.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the account's limit is one"
    );
}

#[tokio::test]
async fn a_new_password_ends_every_other_session_and_renews_this_one() {
    let app = spawn_app().await;
    let password = app.add_member("ana", Role::Member).await;
    let (_, laptop) = app.log_in_with("ana", &password).await;
    let (_, phone) = app.log_in_with("ana", &password).await;
    let (laptop, phone) = (laptop.unwrap(), phone.unwrap());
    let reply = app
        .send(
            As::Member(&laptop),
            Method::PUT,
            "/api/session/password",
            Some(json!({"current_password": password, "new_password": "a brand new one"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    let renewed = Session {
        cookie: session_cookie(&reply.headers).expect("this session goes on under a new id"),
    };
    assert_ne!(renewed.cookie, laptop.cookie);
    let status = |session: &Session| {
        let session = session.clone();
        let app = &app;
        async move {
            app.send(As::Member(&session), Method::GET, "/api/session", None)
                .await
                .status
        }
    };
    assert_eq!(
        status(&phone).await,
        StatusCode::NO_CONTENT,
        "the phone is out"
    );
    assert_eq!(
        status(&laptop).await,
        StatusCode::NO_CONTENT,
        "the old id is dead"
    );
    assert_eq!(
        status(&renewed).await,
        StatusCode::OK,
        "the changer stays in"
    );

    // An admin's reset ends all of the member's sessions.
    let admin = app.member("root", Role::Admin).await;
    let reset = app
        .send(
            As::Member(&admin),
            Method::PUT,
            "/api/members/ana/password",
            Some(json!({"password": "set by the admin"})),
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    assert_eq!(status(&renewed).await, StatusCode::NO_CONTENT);
    assert_eq!(
        status(&admin).await,
        StatusCode::OK,
        "the admin's own is untouched"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_limit_counts_the_forwarded_client() {
    let settings = Settings {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let app = spawn_app_with_settings(settings).await;
    let login = |client: &'static str, user: String| {
        let app = &app;
        async move {
            app.send_with(
                Method::POST,
                "/api/session",
                &[("x-asyncvoter-csrf", "1"), ("x-forwarded-for", client)],
                Some(json!({"username": user, "password": "guess-guess"})),
            )
            .await
            .status
        }
    };
    for n in 0..10 {
        assert_eq!(
            login("198.51.100.7", format!("user{n}")).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login("198.51.100.7", "other".into()).await,
        StatusCode::TOO_MANY_REQUESTS,
        "that client is limited"
    );
    assert_eq!(
        login("203.0.113.9", "other".into()).await,
        StatusCode::UNAUTHORIZED,
        "another client behind the same proxy is not"
    );

    // Without the setting, the header is anyone's to write and changes nothing.
    let app = spawn_app().await;
    for n in 0..10 {
        let forged: &'static str = ["10.0.0.1", "10.0.0.2"][n % 2];
        let reply = app
            .send_with(
                Method::POST,
                "/api/session",
                &[("x-asyncvoter-csrf", "1"), ("x-forwarded-for", forged)],
                Some(json!({"username": format!("user{n}"), "password": "guess-guess"})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let (reply, _) = app.log_in_with("someone", "guess-guess").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn session_ids_are_stored_hashed_in_a_file_only_its_owner_reads() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let id = ana.cookie.split_once('=').unwrap().1.to_owned();
    let bytes = std::fs::read(&app.db_path).unwrap();
    let wal = std::fs::read(app.db_path.with_extension("db-wal")).unwrap_or_default();
    for (file, content) in [("database", &bytes), ("WAL", &wal)] {
        assert!(
            !content.windows(id.len()).any(|w| w == id.as_bytes()),
            "the session id is in the {file} in clear"
        );
    }
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", app.db_path.display());
        if let Ok(meta) = std::fs::metadata(&path) {
            assert_eq!(
                meta.permissions().mode() & 0o777,
                0o600,
                "{path} is readable by others"
            );
        }
    }
}

#[tokio::test]
async fn a_cookie_the_session_layer_reads_always_gets_the_csrf_check() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let id = ana.cookie.split_once('=').unwrap().1;
    for cookie in [
        format!("asyncvoter ={id}"),
        format!(" asyncvoter={id}"),
        format!("other=1; asyncvoter ={id}"),
    ] {
        let reply = app
            .send_with(
                Method::POST,
                "/api/votes",
                &[("cookie", &cookie)],
                Some(json!({"name": "forged", "deck": "fibonacci"})),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{cookie}: {}",
            reply.body
        );
    }
    assert!(app.list("").await.items.is_empty(), "nothing was created");
}

#[tokio::test]
async fn hosts_and_origins_that_are_not_this_server_are_refused() {
    let app = spawn_app_with(LegacyApi::Open).await;
    // DNS rebinding: a page on evil.example whose name now points at this server.
    for path in ["/api/health", "/stories", "/"] {
        let reply = app
            .send_with(Method::GET, path, &[("host", "evil.example:8080")], None)
            .await;
        assert_eq!(reply.status, StatusCode::MISDIRECTED_REQUEST, "{path}");
        assert_eq!(reply.error_code(), "misdirected");
    }
    for ours in ["localhost:8080", "127.0.0.1", "[::1]:9"] {
        let reply = app
            .send_with(Method::GET, "/api/health", &[("host", ours)], None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{ours}");
    }
    // The scheme is part of the origin.
    let ana = app.member("ana", Role::Member).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let forged = app
        .send_with(
            Method::POST,
            "/api/votes",
            &[
                ("cookie", &ana.cookie),
                ("x-asyncvoter-csrf", "1"),
                ("origin", &format!("https://{host}")),
            ],
            Some(json!({"name": "x", "deck": "fibonacci"})),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let settings = Settings {
        public_url: Some("https://votes.example.com".into()),
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let app = spawn_app_with_settings(settings).await;
    let named = |host: &'static str| {
        let app = &app;
        async move {
            app.send_with(Method::GET, "/api/health", &[("host", host)], None)
                .await
                .status
        }
    };
    assert_eq!(named("votes.example.com").await, StatusCode::OK);
    assert_eq!(
        named("votes.example.com:8443").await,
        StatusCode::MISDIRECTED_REQUEST
    );
    assert_eq!(named("localhost").await, StatusCode::MISDIRECTED_REQUEST);
}

#[tokio::test]
async fn api_answers_are_never_cached() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let id = app.fibonacci_vote("cached?").await.vote.id;
    for (who, path) in [
        (As::Member(&ana), "/api/session".to_owned()),
        (As::Member(&ana), format!("/api/votes/{id}")),
        (As::Anonymous, "/api/votes".to_owned()),
        (As::Anonymous, "/api/nope".to_owned()),
    ] {
        let reply = app.send(who, Method::GET, &path, None).await;
        assert_eq!(
            reply
                .headers
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_members_only_stream_ends_when_its_session_logs_out() {
    let settings = Settings {
        visibility: Visibility::Members,
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let app = spawn_app_with_settings(settings).await;
    let ana = app.member("ana", Role::Member).await;
    let response = app
        .client
        .get(format!("{}/api/events", app.base))
        .header("cookie", &ana.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut stream = EventStream::from(response);
    assert_eq!(stream.expect().await.event, "ready");
    let logout = app
        .send(As::Member(&ana), Method::DELETE, "/api/session", None)
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    assert!(
        stream.ended_within(Duration::from_secs(2)).await,
        "the stream outlived the logout"
    );
}

#[tokio::test]
async fn members_only_streams_end_within_seconds_when_another_process_disables_or_revokes() {
    let settings = Settings {
        visibility: Visibility::Members,
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let app = spawn_app_with_settings(settings).await;
    let binary = env!("CARGO_BIN_EXE_asyncvoter");
    let url = format!("sqlite://{}", app.db_path.display());
    app.member("root", Role::Admin).await;
    let ana = app.member("ana", Role::Member).await;
    let bob = app.member("bob", Role::Member).await;
    let bot = asyncvoter_test_support::create_token(binary, &url, "bot").await;
    let open = |credential: (&'static str, String)| {
        let request = app
            .client
            .get(format!("{}/api/events", app.base))
            .header(credential.0, credential.1);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let mut stream = EventStream::from(response);
            assert_eq!(stream.expect().await.event, "ready");
            stream
        }
    };
    let mut anas = open(("cookie", ana.cookie.clone())).await;
    let mut bobs = open(("cookie", bob.cookie.clone())).await;
    let mut bots = open(("authorization", format!("Bearer {bot}"))).await;

    // The command line is another process: this server hears of it only through the store.
    let run = |args: &'static [&'static str]| {
        let url = url.clone();
        async move {
            let done = tokio::process::Command::new(binary)
                .args(args)
                .args(["--database-url", &url])
                .output()
                .await
                .unwrap();
            assert!(
                done.status.success(),
                "{}",
                String::from_utf8_lossy(&done.stderr)
            );
        }
    };
    run(&["member", "disable", "ana"]).await;
    assert!(
        anas.ended_within(Duration::from_secs(3)).await,
        "a disabled member's stream stayed open"
    );
    run(&["token", "revoke", "bot"]).await;
    assert!(
        bots.ended_within(Duration::from_secs(3)).await,
        "a revoked token's stream stayed open"
    );
    assert!(
        !bobs.ended_within(Duration::from_millis(1500)).await,
        "another member's stream ended with them"
    );
}

#[tokio::test]
async fn event_streams_are_capped_per_client_and_free_their_place_when_closed() {
    let mut settings = TestServer::settings(LegacyApi::Token, None);
    settings.events.max_streams_per_client = 2;
    let app = spawn_app_with_settings(settings).await;
    let first = app.events(None).await;
    let _second = app.events(None).await;
    let third = app
        .client
        .get(format!("{}/api/events", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(third.headers().contains_key("retry-after"));
    assert_eq!(
        third
            .headers()
            .get("connection")
            .map(|v| v.to_str().unwrap()),
        Some("close"),
        "a refused stream gives its connection back"
    );
    drop(first);
    eventually(Duration::from_secs(5), "a place to free up", || async {
        let again = app
            .client
            .get(format!("{}/api/events", app.base))
            .send()
            .await
            .unwrap();
        (again.status() == StatusCode::OK).then_some(())
    })
    .await;
}
