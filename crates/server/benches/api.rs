//! The API as clients feel it, on the release binary and a fresh SQLite database:
//! reads against a trivial endpoint, ballot writes against raw SQLite inserts, reads with
//! 100 and with 100,000 closed votes, and the server's resident memory.
//!
//! Run: `cargo bench -p asyncvoter-server --bench api` (`BENCH_SECONDS` sets each load's
//! length, 3 s by default). Targets: reads ≥ 0.25 of the trivial endpoint's rate; ballot
//! writes ≥ 0.10 of raw inserts with no errors; reads with 100,000 closed votes ≥ 0.8 of
//! the rate with 100.

mod common;

use std::str::FromStr;
use std::time::{Duration, Instant};

use asyncvoter_test_support::{ServerProcess, create_token};
use common::{Load, Row, create_vote, env_number, load, report, rss_kb, settled_rss_kb};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

const READ_TARGET: f64 = 0.25;
const WRITE_TARGET: f64 = 0.10;
const GROWTH_TARGET: f64 = 0.8;
/// Concurrent readers; the machine has 2 cores, so more only queue.
const READERS: usize = 16;
const VOTERS: usize = 64;
const ONGOING: usize = 100;

#[tokio::main]
async fn main() {
    let seconds = Duration::from_secs(env_number("BENCH_SECONDS", 3) as u64);
    let binary = env!("CARGO_BIN_EXE_asyncvoter");
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("api.db");
    let database = format!("sqlite://{}", db_path.display());
    let token = create_token(binary, &database, "bench").await;
    add_closed_votes(&database, 0, 100).await;

    let mut server = ServerProcess::start(binary, &database).await;
    let http = reqwest::Client::new();
    let ids = create_votes(&http, &server.base, &token, ONGOING).await;
    let idle_kb = settled_rss_kb(server.pid()).await;

    let trivial = read_load(&http, &server.base, "/api/health", &[], seconds).await;
    let (list, loaded_kb) = with_peak_rss(
        server.pid(),
        read_load(&http, &server.base, LIST, &[], seconds),
    )
    .await;
    let one = read_load(&http, &server.base, "/api/votes/", &ids, seconds).await;

    // History grows while the server is down; the same reads again.
    let _ = server.child.kill().await;
    let _ = server.child.wait().await;
    add_closed_votes(&database, 100, 99_900).await;
    let mut server = ServerProcess::start(binary, &database).await;
    let list_grown = read_load(&http, &server.base, LIST, &[], seconds).await;
    let one_grown = read_load(&http, &server.base, "/api/votes/", &ids, seconds).await;

    // Last: the ballots it casts would make every later read larger.
    let writes = write_load(&http, &server.base, &token, &ids, seconds).await;
    let inserts = raw_inserts(dir.path(), seconds).await;
    let _ = server.child.kill().await;

    let mut rows = vec![
        read_row("API read: ongoing list (100 votes)", &list, &trivial),
        read_row("API read: one vote", &one, &trivial),
        write_row(&writes, inserts),
        growth_row(
            "growth: ongoing list, 100 → 100,000 closed votes",
            &list_grown,
            &list,
        ),
        growth_row(
            "growth: one vote, 100 → 100,000 closed votes",
            &one_grown,
            &one,
        ),
    ];
    rows.push(Row {
        figure: "server RSS idle / under the list load",
        value: format!("{:.1} MB / {:.1} MB", idle_kb / 1024.0, loaded_kb / 1024.0),
        baseline: String::new(),
        ratio: String::new(),
        target: String::new(),
        met: None,
    });
    report(
        &format!(
            "API on the release binary, SQLite, {READERS} readers, {VOTERS} voters, {} s per load",
            seconds.as_secs()
        ),
        &rows,
    );
}

const LIST: &str = "/api/votes?state=ongoing&limit=100";

/// GETs `path` (followed by one of `ids` in turn, when given) from [`READERS`] workers.
async fn read_load(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    ids: &[String],
    seconds: Duration,
) -> Load {
    let urls: std::sync::Arc<Vec<String>> = std::sync::Arc::new(if ids.is_empty() {
        vec![format!("{base}{path}")]
    } else {
        ids.iter().map(|id| format!("{base}{path}{id}")).collect()
    });
    let http = http.clone();
    load(READERS, seconds, move |worker, n| {
        let (http, urls) = (http.clone(), urls.clone());
        async move {
            let url = &urls[(worker + n) % urls.len()];
            match http.get(url).send().await {
                Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                Err(_) => false,
            }
        }
    })
    .await
}

/// [`VOTERS`] bots, each casting one ballot after another across the ongoing votes (a
/// first ballot, then replacing it on the next pass).
async fn write_load(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    ids: &[String],
    seconds: Duration,
) -> Load {
    let urls: std::sync::Arc<Vec<String>> = std::sync::Arc::new(
        ids.iter()
            .map(|id| format!("{base}/api/votes/{id}/ballots/"))
            .collect(),
    );
    let (http, token) = (http.clone(), token.to_owned());
    load(VOTERS, seconds, move |voter, n| {
        let (http, urls, token) = (http.clone(), urls.clone(), token.clone());
        async move {
            let url = format!("{}bench:{voter}", urls[(voter + n) % urls.len()]);
            let card = ["1", "2", "3", "5", "8"][n % 5];
            match http
                .put(url)
                .bearer_auth(token)
                .json(&serde_json::json!({ "card": card }))
                .send()
                .await
            {
                Ok(response) => response.status().is_success(),
                Err(_) => false,
            }
        }
    })
    .await
}

/// Single-row inserts, each its own transaction, on one connection in WAL mode with the
/// server's synchronous setting, in the same directory: what the disk and SQLite allow.
async fn raw_inserts(dir: &std::path::Path, seconds: Duration) -> f64 {
    let options =
        SqliteConnectOptions::from_str(&format!("sqlite://{}", dir.join("raw.db").display()))
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal);
    let mut db = options.connect().await.unwrap();
    sqlx::query("CREATE TABLE ballots (id INTEGER PRIMARY KEY, vote TEXT, voter TEXT, card TEXT, at INTEGER)")
        .execute(&mut db)
        .await
        .unwrap();
    let started = Instant::now();
    let mut rows = 0u64;
    while started.elapsed() < seconds {
        sqlx::query("INSERT INTO ballots (vote, voter, card, at) VALUES (?, ?, ?, ?)")
            .bind("vote")
            .bind(format!("bench:{}", rows % VOTERS as u64))
            .bind("5")
            .bind(rows as i64)
            .execute(&mut db)
            .await
            .unwrap();
        rows += 1;
    }
    let per_second = rows as f64 / started.elapsed().as_secs_f64();
    db.close().await.unwrap();
    per_second
}

/// Runs `work` while sampling the process's resident memory; its result and the peak, KB.
async fn with_peak_rss<T>(pid: u32, work: impl std::future::Future<Output = T>) -> (T, f64) {
    let peak = std::sync::Arc::new(std::sync::Mutex::new(0f64));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                let now = rss_kb(pid);
                {
                    let mut peak = peak.lock().unwrap();
                    *peak = peak.max(now);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let result = work.await;
    sampler.abort();
    let peak = *peak.lock().unwrap();
    (result, peak)
}

async fn create_votes(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    count: usize,
) -> Vec<String> {
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let story = serde_json::json!({
            "name": format!("Story {i}: a realistic name for a story"),
            "url": format!("https://tracker.example/STORY-{i}"),
            "project": format!("project-{}", i % 5),
            "deck": "fibonacci",
        });
        ids.push(create_vote(http, base, token, story).await);
    }
    ids
}

/// Writes `count` closed votes, each with one revealed round of three ballots, straight
/// into the database (the API would take minutes for 100,000), numbered from `from`.
async fn add_closed_votes(database: &str, from: usize, count: usize) {
    let mut db = SqliteConnectOptions::from_str(database)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    let numbers =
        "WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 + ?2 - 1)";
    for statement in [
        "INSERT INTO votes (id, name, url, project, owner, deck, state, round, final_size, created_at, updated_at, closed_at)
         SELECT printf('closed-%06d', i), 'Closed story ' || i, 'https://tracker.example/OLD-' || i,
                'project-' || (i % 5), 'bench', 'fibonacci', 'closed', 1, '5', 1000 + i, 2000 + i, 2000 + i FROM n",
        "INSERT INTO rounds (vote_id, number, started_at, revealed_at, revealed_by)
         SELECT printf('closed-%06d', i), 1, 1000 + i, 1500 + i, 'manual' FROM n",
        "INSERT INTO ballots (id, vote_id, round, voter, card, created_at, cast_at)
         SELECT printf('closed-%06d-%d', i, v), printf('closed-%06d', i), 1, 'bench:' || v, '5', 1200 + i, 1200 + i
         FROM n, (SELECT 1 AS v UNION ALL SELECT 2 UNION ALL SELECT 3)",
    ] {
        sqlx::query(&format!("{numbers} {statement}"))
            .bind(from as i64)
            .bind(count as i64)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    db.close().await.unwrap();
}

fn read_row(figure: &'static str, load: &Load, trivial: &Load) -> Row<'static> {
    let ratio = load.per_second / trivial.per_second;
    Row {
        figure,
        value: format!("{:.0} req/s, p99 {:.1} ms", load.per_second, load.p99_ms),
        baseline: format!(
            "/api/health {:.0} req/s, p99 {:.1} ms",
            trivial.per_second, trivial.p99_ms
        ),
        ratio: format!("{ratio:.2}"),
        target: format!("≥ {READ_TARGET}"),
        met: Some(ratio >= READ_TARGET && load.errors == 0),
    }
}

fn write_row(writes: &Load, inserts: f64) -> Row<'static> {
    let ratio = writes.per_second / inserts;
    Row {
        figure: "ballot writes, 64 voters",
        value: format!(
            "{:.0} ballots/s, p99 {:.1} ms, {} errors",
            writes.per_second, writes.p99_ms, writes.errors
        ),
        baseline: format!("raw SQLite WAL inserts {inserts:.0}/s"),
        ratio: format!("{ratio:.2}"),
        target: format!("≥ {WRITE_TARGET}, 0 errors"),
        met: Some(ratio >= WRITE_TARGET && writes.errors == 0),
    }
}

fn growth_row(figure: &'static str, grown: &Load, small: &Load) -> Row<'static> {
    let ratio = grown.per_second / small.per_second;
    Row {
        figure,
        value: format!("{:.0} req/s, p99 {:.1} ms", grown.per_second, grown.p99_ms),
        baseline: format!("{:.0} req/s, p99 {:.1} ms", small.per_second, small.p99_ms),
        ratio: format!("{ratio:.2}"),
        target: format!("≥ {GROWTH_TARGET}"),
        met: Some(ratio >= GROWTH_TARGET && grown.errors == 0),
    }
}
