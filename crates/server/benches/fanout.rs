//! Live-event fan-out: 1,000 event-stream clients on the release binary; prints the
//! latency from a ballot's commit to its arrival at every client (p50, p99, max) and the
//! server's resident memory per open stream.
//!
//! Run: `cargo bench -p asyncvoter-server --bench fanout` (`FANOUT_CLIENTS`, `FANOUT_BALLOTS`
//! override the defaults). Targets: p99 ≤ 100 ms, ≤ 32 KB per connection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

use asyncvoter_test_support::{ServerProcess, SseParser, create_token};
use common::{Row, create_vote, env_number, percentile, report, rss_kb, settled_rss_kb};
use tokio::sync::Barrier;

const P99_TARGET_MS: f64 = 100.0;
const PER_CONNECTION_TARGET_KB: f64 = 32.0;

/// When each client received each ballot, by ballot index.
type Arrivals = Arc<Mutex<Vec<(usize, Instant)>>>;

#[tokio::main]
async fn main() {
    let clients = env_number("FANOUT_CLIENTS", 1000);
    let ballots = env_number("FANOUT_BALLOTS", 30);
    let binary = env!("CARGO_BIN_EXE_asyncvoter");
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("fanout.db").display());

    let token = create_token(binary, &database, "bench").await;
    // Every client connects from this machine's one address: lift the per-client cap.
    let per_client = clients.to_string();
    let mut server = ServerProcess::start_with(
        binary,
        &database,
        &["--max-event-streams-per-client", &per_client],
        None,
    )
    .await;
    let (base, pid) = (server.base.clone(), server.pid());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let vote_id = create_vote(
        &http,
        &base,
        &token,
        serde_json::json!({"name": "Fan-out", "deck": "fibonacci"}),
    )
    .await;
    let idle_kb = settled_rss_kb(pid).await;

    // Every client connects and reports once its stream is ready.
    let arrivals: Arrivals = Arc::new(Mutex::new(Vec::with_capacity(clients * ballots)));
    let ready = Arc::new(Barrier::new(clients + 1));
    let streams = reqwest::Client::builder().build().unwrap();
    for _ in 0..clients {
        let (streams, url, arrivals, ready) = (
            streams.clone(),
            format!("{base}/api/events"),
            arrivals.clone(),
            ready.clone(),
        );
        tokio::spawn(async move { listen(streams, url, arrivals, ready).await });
    }
    ready.wait().await;
    // Every stream is open (the barrier).
    let connected_kb = settled_rss_kb(pid).await;

    // Ballots one after another; each is timed from just before its request.
    let mut sent_at = Vec::with_capacity(ballots);
    for i in 0..ballots {
        sent_at.push(Instant::now());
        let response = http
            .put(format!("{base}/api/votes/{vote_id}/ballots/bench:{i}"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"card": "5"}))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "ballot {i}: {}",
            response.status()
        );
        // Spaced out, so each figure is one ballot's delivery, not a queue of them.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let expected = clients * ballots;
    let deadline = Instant::now() + Duration::from_secs(10);
    while arrivals.lock().unwrap().len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let loaded_kb = rss_kb(pid);

    let received = arrivals.lock().unwrap().clone();
    let mut latencies: Vec<f64> = received
        .iter()
        .map(|(i, at)| at.duration_since(sent_at[*i]).as_secs_f64() * 1000.0)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let per_connection = (connected_kb - idle_kb) / clients as f64;
    let (p50, p99) = (percentile(&latencies, 50.0), percentile(&latencies, 99.0));

    let delivered = received.len() == expected;
    let row = |figure: &'static str, value: String, target: String, met: Option<bool>| Row {
        figure,
        value,
        baseline: String::new(),
        ratio: String::new(),
        target,
        met,
    };
    report(
        &format!("Live event fan-out on the release binary: {clients} streams, {ballots} ballots"),
        &[
            row(
                "live: events delivered",
                format!("{} of {expected}", received.len()),
                "all".into(),
                Some(delivered),
            ),
            row(
                "live: commit → receipt p50 / max",
                format!(
                    "{p50:.1} ms / {:.1} ms",
                    latencies.last().copied().unwrap_or(f64::NAN)
                ),
                String::new(),
                None,
            ),
            row(
                "live: commit → receipt p99",
                format!("{p99:.1} ms"),
                format!("≤ {P99_TARGET_MS} ms"),
                Some(p99 <= P99_TARGET_MS && delivered),
            ),
            row(
                "live: server RSS idle / with the streams / after the ballots",
                format!(
                    "{:.1} MB / {:.1} MB / {:.1} MB",
                    idle_kb / 1024.0,
                    connected_kb / 1024.0,
                    loaded_kb / 1024.0
                ),
                String::new(),
                None,
            ),
            row(
                "live: memory per stream",
                format!("{per_connection:.1} KB"),
                format!("≤ {PER_CONNECTION_TARGET_KB} KB"),
                Some(per_connection <= PER_CONNECTION_TARGET_KB),
            ),
        ],
    );
    let _ = server.child.kill().await;
}

/// One client: opens the stream, passes the barrier on `ready`, then records when each
/// `ballot_cast` arrives.
async fn listen(client: reqwest::Client, url: String, arrivals: Arrivals, ready: Arc<Barrier>) {
    let mut response = client.get(&url).send().await.expect("a stream");
    // A refused stream would never reach the barrier: stop the run instead of waiting.
    if response.status() != reqwest::StatusCode::OK {
        eprintln!("a stream was refused: {}", response.status());
        std::process::exit(1);
    }
    let mut parser = SseParser::default();
    let mut waiting = Some(ready);
    let mut seen: HashMap<usize, ()> = HashMap::new();
    while let Ok(Some(bytes)) = response.chunk().await {
        let now = Instant::now();
        for event in parser.feed(&bytes) {
            match event.event.as_str() {
                "ready" => {
                    if let Some(ready) = waiting.take() {
                        ready.wait().await;
                    }
                }
                "ballot_cast" => {
                    let index = event
                        .data
                        .split("\"id\":\"bench:")
                        .nth(1)
                        .and_then(|rest| rest.split('"').next())
                        .and_then(|n| n.parse::<usize>().ok());
                    if let Some(index) = index
                        && seen.insert(index, ()).is_none()
                    {
                        arrivals.lock().unwrap().push((index, now));
                    }
                }
                _ => {}
            }
        }
    }
}
