//! Floods from one anonymous caller against the binary as a process of its own: the
//! memory a login flood may take, and the file descriptors a stream flood may hold.
//! `scripts/attack.sh` runs the same attacks against a release build and prints figures.

use std::time::Duration;

use asyncvoter_test_support::{ServerProcess, add_member};
use reqwest::StatusCode;
use serde_json::json;

const BINARY: &str = env!("CARGO_BIN_EXE_asyncvoter");

/// A login through the trusted local proxy, as the client at `address`.
async fn log_in(
    client: &reqwest::Client,
    base: &str,
    address: &str,
    username: &str,
    password: &str,
) -> StatusCode {
    client
        .post(format!("{base}/api/session"))
        .header("x-asyncvoter-csrf", "1")
        .header("x-forwarded-for", address)
        .json(&json!({"username": username, "password": password}))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_or(StatusCode::REQUEST_TIMEOUT, |r| r.status())
}

#[tokio::test]
async fn a_login_flood_is_refused_in_bounded_memory_while_a_real_login_works() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("flood.db").display());
    add_member(BINARY, &database, "ana", "the right one", false).await;
    add_member(BINARY, &database, "ben", "ben's own password", false).await;
    let server = ServerProcess::start_with(
        BINARY,
        &database,
        &["--trusted-proxy", "127.0.0.1/32"],
        None,
    )
    .await;
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let (idle, _) = server.memory();

    // 200 wrong passwords for ana at once from one address, and ben logging in meanwhile
    // from his own.
    let attack = (0..200).map(|_| log_in(&client, &base, "203.0.113.66", "ana", "wrong guess"));
    let real = log_in(&client, &base, "198.51.100.7", "ben", "ben's own password");
    let (statuses, real) = tokio::join!(futures::future::join_all(attack), real);

    let refused = statuses
        .iter()
        .filter(|s| matches!(s.as_u16(), 429 | 503))
        .count();
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let (now, peak) = server.memory();
    println!(
        "login flood: 200 wrong passwords at once: {refused} refused (429/503), {checked} \
         checked (401); RSS idle {} MB, peak {} MB, after {} MB; another account's login: {real}",
        idle >> 20,
        peak >> 20,
        now >> 20
    );
    assert!(refused >= 189, "refused {refused} of 200: {statuses:?}");
    assert_eq!(refused + checked, 200, "{statuses:?}");
    assert!(peak < 200 << 20, "peak RSS {} MB", peak >> 20);
    assert_eq!(real, StatusCode::OK, "ben's login during the flood");
}

#[tokio::test]
async fn a_stream_flood_under_1024_open_files_leaves_health_and_login_answering() {
    // This test holds a thousand connections itself.
    rlimit::increase_nofile_limit(8192).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("streams.db").display());
    add_member(BINARY, &database, "ben", "ben's own password", false).await;
    let server = ServerProcess::start_with(
        BINARY,
        &database,
        &["--trusted-proxy", "127.0.0.1/32"],
        Some(1024),
    )
    .await;
    let base = server.base.clone();
    let client = reqwest::Client::new();

    // 1,000 anonymous streams, each from an address of its own (past the per-client cap).
    let open = (0..1000).map(|n| {
        let (client, base) = (&client, &base);
        async move {
            client
                .get(format!("{base}/api/events"))
                .header(
                    "x-forwarded-for",
                    format!("10.9.{}.{}", n / 250, n % 250 + 1),
                )
                .send()
                .await
        }
    });
    let mut held = Vec::new();
    let mut refused = 0;
    for response in futures::future::join_all(open).await {
        match response {
            Ok(r) if r.status() == StatusCode::OK => held.push(r),
            Ok(r) if r.status() == StatusCode::SERVICE_UNAVAILABLE => {
                assert!(r.headers().contains_key("retry-after"));
                refused += 1;
            }
            other => panic!("a stream was neither served nor refused: {other:?}"),
        }
    }
    println!(
        "stream flood: 1,000 streams from 1,000 addresses: {} open, {refused} refused (503)",
        held.len()
    );
    assert!(
        held.len() <= 512,
        "{} streams hold more than half of 1,024 files",
        held.len()
    );
    assert!(refused >= 488, "{refused} refused");

    let asked = std::time::Instant::now();
    let health = client
        .get(format!("{base}/api/health"))
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .expect("health answers within 2 s during the flood");
    let took = asked.elapsed();
    let login = log_in(&client, &base, "198.51.100.7", "ben", "ben's own password").await;
    println!(
        "stream flood under 1,024 open files: health {} in {} ms, a login {login}",
        health.status(),
        took.as_millis()
    );
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(login, StatusCode::OK, "a login works during the flood");
    drop(held);
}
