//! Two `asyncvoter` processes on one PostgreSQL database, as behind a load balancer:
//! events cross instances (and survive a killed listener), deadline reveals happen once,
//! a login on one instance works on the other, a token revoked or a member disabled
//! through one is refused by the other on its next request, and a logout or revocation
//! through one ends the other's members-only event streams within seconds.
//!
//! Needs `ASYNCVOTER_TEST_POSTGRES` (the test command sets it); without it each test says
//! so and passes, so a machine without PostgreSQL can still run the rest.

use std::process::Stdio;
use std::time::{Duration, Instant};

use asyncvoter_test_support::{
    FreshPostgres, POSTGRES_ENV, ServerProcess, SseEvent, SseParser, create_token,
};
use asyncvoter_wire::VoteEvent;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const BINARY: &str = env!("CARGO_BIN_EXE_asyncvoter");

/// A fresh database, a token, and two server processes on it.
struct Cluster {
    database: FreshPostgres,
    token: String,
    a: Instance,
    b: Instance,
}

/// One instance: the real binary in its own process.
type Instance = ServerProcess;

impl Cluster {
    async fn start() -> Option<Cluster> {
        Cluster::start_with(&[]).await
    }

    /// Like [`Cluster::start`], with more arguments to both instances' `serve`.
    async fn start_with(args: &[&str]) -> Option<Cluster> {
        let Ok(admin) = std::env::var(POSTGRES_ENV) else {
            eprintln!("{POSTGRES_ENV} is not set: the multi-instance test is skipped");
            return None;
        };
        let database = FreshPostgres::create(&admin).await;
        let token = create_token(BINARY, &database.url, "bot").await;
        let a = ServerProcess::start_with(BINARY, &database.url, args, None).await;
        let b = ServerProcess::start_with(BINARY, &database.url, args, None).await;
        Some(Cluster {
            database,
            token,
            a,
            b,
        })
    }

    /// Calls an instance's API as the integration.
    async fn call(&self, on: &Instance, method: reqwest::Method, path: &str, body: Value) -> Value {
        let response = reqwest::Client::new()
            .request(method, format!("{}{path}", on.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Polls `SELECT COUNT(*) …` (with `bind` as `$1` when given) every 100 ms until it is
    /// `expected`; panics with `what` after 10 s.
    async fn wait_for_count(&self, sql: &str, bind: Option<&str>, expected: i64, what: &str) {
        let mut admin = self.admin().await;
        let started = Instant::now();
        loop {
            let mut query = sqlx::query_scalar::<_, i64>(sql);
            if let Some(value) = bind {
                query = query.bind(value);
            }
            if query.fetch_one(&mut admin).await.unwrap() == expected {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "{what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn admin(&self) -> sqlx::PgConnection {
        sqlx::PgConnection::connect(&self.database.url)
            .await
            .unwrap()
    }

    async fn stop(mut self) {
        let _ = self.a.child.kill().await;
        let _ = self.b.child.kill().await;
        self.database.drop_it().await;
    }
}

/// An open event stream on one instance.
struct Stream {
    response: reqwest::Response,
    parser: SseParser,
    ready: std::collections::VecDeque<SseEvent>,
}

impl Stream {
    async fn open(on: &Instance) -> Stream {
        Stream::open_as(on, None).await
    }

    /// Opens a stream with a request header (`cookie`, `authorization`) when given.
    async fn open_as(on: &Instance, credential: Option<(&str, &str)>) -> Stream {
        let mut request = reqwest::Client::new().get(format!("{}/api/events", on.base));
        if let Some((name, value)) = credential {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let mut stream = Stream {
            response,
            parser: SseParser::default(),
            ready: Default::default(),
        };
        assert_eq!(
            stream.next(Duration::from_secs(2)).await.unwrap().event,
            "ready"
        );
        stream
    }

    async fn next(&mut self, limit: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(event);
            }
            let bytes = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.ready.extend(self.parser.feed(&bytes));
        }
    }

    /// Whether the server ends the stream within `limit`.
    async fn ended_within(&mut self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(_))) => continue,
                Ok(Ok(None) | Err(_)) => return true,
            }
        }
    }

    async fn change(&mut self, limit: Duration) -> VoteEvent {
        let event = self.next(limit).await.expect("an event in time");
        serde_json::from_str(&event.data).unwrap_or_else(|e| panic!("{e}: {event:?}"))
    }
}

#[tokio::test]
async fn a_ballot_through_one_instance_reaches_streams_of_the_other_even_after_its_listener_dies() {
    let Some(cluster) = Cluster::start().await else {
        return;
    };
    let vote = cluster
        .call(
            &cluster.a,
            reqwest::Method::POST,
            "/api/votes",
            json!({"name": "Across", "deck": "fibonacci"}),
        )
        .await;
    let id = vote["vote"]["id"].as_str().unwrap().to_owned();
    let mut on_b = Stream::open(&cluster.b).await;

    let sent = Instant::now();
    cluster
        .call(
            &cluster.a,
            reqwest::Method::PUT,
            &format!("/api/votes/{id}/ballots/slack:Ana"),
            json!({"card": "5"}),
        )
        .await;
    let first = on_b.change(Duration::from_secs(1)).await;
    println!("A → B in {:?}", sent.elapsed());
    assert_eq!(
        (first.kind.as_str(), first.voter.unwrap().name.as_str()),
        ("ballot_cast", "Ana · Slack")
    );

    // Kill B's LISTEN connection, then keep voting through A.
    let mut admin = cluster.admin().await;
    let listener = format!("asyncvoter-listener-{}", cluster.b.pid());
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
    )
    .bind(&listener)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(
        killed,
        [true],
        "B's listener connection was found and terminated"
    );
    for voter in ["Ben", "Chloé", "Dev"] {
        cluster
            .call(
                &cluster.a,
                reqwest::Method::PUT,
                &format!("/api/votes/{id}/ballots/slack:{voter}"),
                json!({"card": "8"}),
            )
            .await;
    }
    let mut ids = vec![first.id];
    let mut voters = Vec::new();
    for _ in 0..3 {
        let event = on_b.change(Duration::from_secs(5)).await;
        ids.push(event.id);
        voters.push(event.voter.unwrap().id);
    }
    assert_eq!(
        voters,
        ["slack:Ben", "slack:Chloé", "slack:Dev"],
        "nothing missed, nothing repeated"
    );
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "consecutive ids: {ids:?}"
    );
    assert!(on_b.next(Duration::from_millis(300)).await.is_none());

    // The listener came back by itself.
    cluster
        .wait_for_count(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1",
            Some(&listener),
            1,
            "B listens again",
        )
        .await;
    drop(admin);
    cluster.stop().await;
}

#[tokio::test]
async fn both_instances_race_due_deadlines_and_each_vote_is_revealed_once() {
    let Some(cluster) = Cluster::start().await else {
        return;
    };
    let deadline = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let mut ids = Vec::new();
    for i in 0..10 {
        let vote = cluster
            .call(
                &cluster.a,
                reqwest::Method::POST,
                "/api/votes",
                json!({"name": format!("Due {i}"), "deck": "fibonacci", "deadline": deadline}),
            )
            .await;
        ids.push(vote["vote"]["id"].as_str().unwrap().to_owned());
    }
    cluster
        .wait_for_count(
            "SELECT COUNT(*) FROM votes WHERE state = 'open'",
            None,
            0,
            "the deadlines pass",
        )
        .await;
    let mut admin = cluster.admin().await;
    // Both instances check every 500 ms; give the slower one a chance to reveal again.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let reveals: Vec<(String, i64)> = sqlx::query_as(
        "SELECT vote_id, COUNT(*) FROM events WHERE kind = 'revealed' GROUP BY vote_id",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    let mut revealed: Vec<&str> = reveals.iter().map(|(id, _)| id.as_str()).collect();
    revealed.sort();
    ids.sort();
    assert_eq!(revealed, ids, "every due vote was revealed");
    assert!(
        reveals.iter().all(|(_, n)| *n == 1),
        "one reveal event per vote: {reveals:?}"
    );
    let rounds: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM rounds WHERE revealed_by = 'deadline'")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert_eq!(rounds, 10);
    drop(admin);
    cluster.stop().await;
}

#[tokio::test]
async fn a_login_on_one_instance_votes_through_the_other_and_failures_count_on_both() {
    let Some(cluster) = Cluster::start().await else {
        return;
    };
    let mut add = Command::new(BINARY)
        .args([
            "member",
            "add",
            "ana",
            "--database-url",
            &cluster.database.url,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery\n")
        .await
        .unwrap();
    assert!(add.wait().await.unwrap().success());
    let vote = cluster
        .call(
            &cluster.a,
            reqwest::Method::POST,
            "/api/votes",
            json!({"name": "Shared", "deck": "tshirt"}),
        )
        .await;
    let id = vote["vote"]["id"].as_str().unwrap();

    let http = reqwest::Client::new();
    let cookie = session_on(&cluster.a, "ana", "correct horse battery").await;
    let cast = http
        .put(format!("{}/api/votes/{id}/ballots/me", cluster.b.base))
        .header("cookie", &cookie)
        .header("x-asyncvoter-csrf", "1")
        .json(&json!({"card": "M"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        cast.status(),
        StatusCode::OK,
        "{}",
        cast.text().await.unwrap()
    );
    let me: Value = http
        .get(format!("{}/api/session", cluster.b.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "ana");

    // Ten failures spread over both instances; the eleventh is refused on either.
    for attempt in 0..10 {
        let on = if attempt % 2 == 0 {
            &cluster.a
        } else {
            &cluster.b
        };
        let wrong = http
            .post(format!("{}/api/session", on.base))
            .header("x-asyncvoter-csrf", "1")
            .json(&json!({"username": "ana", "password": "wrong"}))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = http
        .post(format!("{}/api/session", cluster.a.base))
        .header("x-asyncvoter-csrf", "1")
        .json(&json!({"username": "ana", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    cluster.stop().await;
}

#[tokio::test]
async fn two_instances_deliver_each_notification_once_and_in_order() {
    // The receiver listens on loopback.
    let Some(cluster) = Cluster::start_with(&["--allow-private-webhooks"]).await else {
        return;
    };
    asyncvoter_test_support::add_member(
        BINARY,
        &cluster.database.url,
        "root",
        "root password",
        true,
    )
    .await;
    let client = reqwest::Client::new();
    let login = client
        .post(format!("{}/api/session", cluster.a.base))
        .header("x-asyncvoter-csrf", "1")
        .json(&json!({"username": "root", "password": "root password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let receiver = asyncvoter_test_support::Receiver::start(0).await;
    let registered = client
        .post(format!("{}/api/webhooks", cluster.a.base))
        .header("x-asyncvoter-csrf", "1")
        .header("cookie", cookie)
        .json(&json!({"url": receiver.base}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);

    let vote = cluster
        .call(
            &cluster.a,
            reqwest::Method::POST,
            "/api/votes",
            json!({"name": "Fan-out", "deck": "fibonacci"}),
        )
        .await;
    let id = vote["vote"]["id"].as_str().unwrap().to_owned();
    for n in 0..10 {
        let on = if n % 2 == 0 { &cluster.a } else { &cluster.b };
        cluster
            .call(
                on,
                reqwest::Method::PUT,
                &format!("/api/votes/{id}/ballots/slack:U{n}"),
                json!({"card": "5"}),
            )
            .await;
    }
    cluster
        .call(
            &cluster.b,
            reqwest::Method::POST,
            &format!("/api/votes/{id}/reveal"),
            json!(null),
        )
        .await;
    cluster
        .call(
            &cluster.a,
            reqwest::Method::POST,
            &format!("/api/votes/{id}/close"),
            json!({"final_size": "5"}),
        )
        .await;

    // 13 changes: started, ten ballots, revealed, closed; both instances' workers compete.
    cluster
        .wait_for_count(
            "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL",
            None,
            13,
            "every notification delivered",
        )
        .await;
    let received = receiver.received();
    assert_eq!(received.len(), 13, "each once: {received:?}");
    let event_ids: Vec<u64> = received
        .iter()
        .map(|r| {
            let payload: asyncvoter_wire::WebhookPayload = serde_json::from_str(&r.body).unwrap();
            payload.data.event_id.unwrap()
        })
        .collect();
    assert!(
        event_ids.windows(2).all(|w| w[0] < w[1]),
        "in order: {event_ids:?}"
    );
    cluster.stop().await;
}

/// Logs `name` in on instance `on`; the session cookie.
async fn session_on(on: &Instance, name: &str, password: &str) -> String {
    let login = reqwest::Client::new()
        .post(format!("{}/api/session", on.base))
        .header("x-asyncvoter-csrf", "1")
        .json(&json!({"username": name, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("asyncvoter="))
        .expect("a session cookie")
}

/// Makes the token `relay` (scope `votes:write`) on instance `on` as the admin of
/// `cookie`, through `/api/tokens`; its secret.
async fn relay_token(on: &Instance, cookie: &str) -> String {
    let made: Value = reqwest::Client::new()
        .post(format!("{}/api/tokens", on.base))
        .header("cookie", cookie)
        .header("x-asyncvoter-csrf", "1")
        .json(&json!({"name": "relay", "scopes": ["votes:write"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    made["secret"].as_str().expect("a secret").to_owned()
}

/// `method path` on instance `on` with a session cookie or a bearer token; the status.
async fn status_on(
    on: &Instance,
    method: reqwest::Method,
    path: &str,
    cookie: Option<&str>,
    token: Option<&str>,
    body: Value,
) -> StatusCode {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", on.base))
        .header("x-asyncvoter-csrf", "1")
        .json(&body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn a_token_revoked_or_a_member_disabled_on_one_instance_is_refused_by_the_other_at_once() {
    let Some(cluster) = Cluster::start().await else {
        return;
    };
    let url = &cluster.database.url;
    asyncvoter_test_support::add_member(BINARY, url, "root", "root passphrase", true).await;
    asyncvoter_test_support::add_member(BINARY, url, "ana", "ana passphrase", false).await;
    let root = session_on(&cluster.a, "root", "root passphrase").await;
    let ana = session_on(&cluster.b, "ana", "ana passphrase").await;

    let secret = relay_token(&cluster.a, &root).await;
    let start = json!({"name": "Across instances", "deck": "tshirt"});
    let post = reqwest::Method::POST;
    assert_eq!(
        status_on(
            &cluster.b,
            post.clone(),
            "/api/votes",
            None,
            Some(&secret),
            start.clone()
        )
        .await,
        StatusCode::CREATED
    );
    assert_eq!(
        status_on(
            &cluster.b,
            reqwest::Method::GET,
            "/api/me/settings",
            Some(&ana),
            None,
            json!({})
        )
        .await,
        StatusCode::OK
    );

    let revoked = status_on(
        &cluster.a,
        reqwest::Method::DELETE,
        "/api/tokens/relay",
        Some(&root),
        None,
        json!({}),
    )
    .await;
    assert_eq!(revoked, StatusCode::NO_CONTENT);
    assert_eq!(
        status_on(&cluster.b, post, "/api/votes", None, Some(&secret), start).await,
        StatusCode::UNAUTHORIZED
    );

    let disabled = status_on(
        &cluster.a,
        reqwest::Method::PATCH,
        "/api/members/ana",
        Some(&root),
        None,
        json!({"disabled": true}),
    )
    .await;
    assert_eq!(disabled, StatusCode::OK);
    assert_eq!(
        status_on(
            &cluster.b,
            reqwest::Method::GET,
            "/api/me/settings",
            Some(&ana),
            None,
            json!({})
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
    cluster.stop().await;
}

#[tokio::test]
async fn a_list_or_vote_kept_by_one_instance_shows_a_write_through_the_other_on_the_next_read() {
    let Some(cluster) = Cluster::start().await else {
        return;
    };
    let vote = cluster
        .call(
            &cluster.a,
            reqwest::Method::POST,
            "/api/votes",
            json!({"name": "Kept list", "deck": "fibonacci"}),
        )
        .await;
    let id = vote["vote"]["id"].as_str().unwrap().to_owned();
    let list = "/api/votes?state=ongoing&limit=100";
    let one = format!("/api/votes/{id}");
    let voters = |list: Value| list["items"][0]["voters"].as_array().unwrap().len();
    let ballots = |vote: Value| vote["rounds"][0]["ballots"].as_array().unwrap().len();
    // Read twice on A: the second read is A's kept answer.
    for _ in 0..2 {
        let read = cluster
            .call(&cluster.a, reqwest::Method::GET, list, Value::Null)
            .await;
        assert_eq!(voters(read), 0);
        let read = cluster
            .call(&cluster.a, reqwest::Method::GET, &one, Value::Null)
            .await;
        assert_eq!(ballots(read), 0);
    }
    for (n, (through, voter)) in [(&cluster.b, "slack:Ana"), (&cluster.a, "slack:Ben")]
        .into_iter()
        .enumerate()
    {
        cluster
            .call(
                through,
                reqwest::Method::PUT,
                &format!("/api/votes/{id}/ballots/{voter}"),
                json!({"card": "5"}),
            )
            .await;
        for on in [&cluster.a, &cluster.b] {
            let read = cluster
                .call(on, reqwest::Method::GET, list, Value::Null)
                .await;
            assert_eq!(voters(read), n + 1, "the very next read on {}", on.base);
            let read = cluster
                .call(on, reqwest::Method::GET, &one, Value::Null)
                .await;
            assert_eq!(
                ballots(read),
                n + 1,
                "the very next vote read on {}",
                on.base
            );
        }
    }
    cluster.stop().await;
}

#[tokio::test]
async fn a_logout_or_a_revocation_on_one_instance_ends_members_only_streams_on_the_other() {
    let Some(cluster) = Cluster::start_with(&["--visibility", "members"]).await else {
        return;
    };
    let url = &cluster.database.url;
    asyncvoter_test_support::add_member(BINARY, url, "root", "root passphrase", true).await;
    asyncvoter_test_support::add_member(BINARY, url, "ana", "ana passphrase", false).await;
    let root = session_on(&cluster.a, "root", "root passphrase").await;
    let ana = session_on(&cluster.a, "ana", "ana passphrase").await;
    let bearer = format!("Bearer {}", relay_token(&cluster.a, &root).await);
    let mut anas = Stream::open_as(&cluster.b, Some(("cookie", &ana))).await;
    let mut roots = Stream::open_as(&cluster.b, Some(("cookie", &root))).await;
    let mut relays = Stream::open_as(&cluster.b, Some(("authorization", &bearer))).await;

    let logout = status_on(
        &cluster.a,
        reqwest::Method::DELETE,
        "/api/session",
        Some(&ana),
        None,
        json!({}),
    )
    .await;
    assert_eq!(logout, StatusCode::NO_CONTENT);
    assert!(
        anas.ended_within(Duration::from_secs(3)).await,
        "a session logged out on one instance kept its stream on the other"
    );
    let revoked = status_on(
        &cluster.a,
        reqwest::Method::DELETE,
        "/api/tokens/relay",
        Some(&root),
        None,
        json!({}),
    )
    .await;
    assert_eq!(revoked, StatusCode::NO_CONTENT);
    assert!(
        relays.ended_within(Duration::from_secs(3)).await,
        "a token revoked on one instance kept its stream on the other"
    );
    assert!(
        !roots.ended_within(Duration::from_millis(1500)).await,
        "a session nobody ended lost its stream"
    );
    cluster.stop().await;
}
