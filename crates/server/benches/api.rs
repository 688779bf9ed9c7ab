//! The API as clients feel it, on the release binary and a fresh SQLite database:
//! reads against a trivial endpoint, ballot writes against raw SQLite inserts, reads with
//! 100 and with 100,000 closed votes, and the server's resident memory.
//!
//! On PostgreSQL (when `ASYNCVOTER_TEST_POSTGRES` names a server), list reads and ballot
//! writes with one instance and with two on the same database.
//!
//! Run: `cargo bench -p asyncvoter-server --bench api` (`BENCH_SECONDS` sets each load's
//! length, 3 s by default; `BENCH_RUNS` the runs of each ratio, 5 by default, whose median
//! the verdict uses). Targets: reads ≥ 0.25 of the trivial endpoint's rate; ballot writes
//! ≥ 0.20 of raw inserts with no errors; reads with 100,000 closed votes ≥ 0.8 of the rate
//! with 100.

mod common;

use std::str::FromStr;
use std::time::{Duration, Instant};

use asyncvoter_test_support::{FreshPostgres, POSTGRES_ENV, ServerProcess, create_token};
use common::{Load, Row, Runs, create_vote, env_number, load, report, rss_kb, settled_rss_kb};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

const READ_TARGET: f64 = 0.25;
const WRITE_TARGET: f64 = 0.20;
const GROWTH_TARGET: f64 = 0.8;
/// Concurrent readers; the machine has 2 cores, so more only queue.
const READERS: usize = 16;
const VOTERS: usize = 64;
const ONGOING: usize = 100;
const LIST: &str = "/api/votes?state=ongoing&limit=100";
/// What a browser sends; every read here sends it.
const BROWSER: &str = "gzip, deflate, br, zstd";

#[tokio::main]
async fn main() {
    let seconds = Duration::from_secs(env_number("BENCH_SECONDS", 3) as u64);
    let runs = env_number("BENCH_RUNS", 5);
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

    // Each run reads the baseline and the figures one after another, so the machine's
    // noise falls on both; the ratio of each run is kept.
    let (mut trivial, mut list, mut one) = (Vec::new(), Vec::new(), Vec::new());
    let mut loaded_kb = 0f64;
    for _ in 0..runs {
        trivial.push(read_load(&http, &[&server.base], "/api/health", &[], seconds).await);
        let (read, peak) = with_peak_rss(
            server.pid(),
            read_load(&http, &[&server.base], LIST, &[], seconds),
        )
        .await;
        list.push(read);
        loaded_kb = loaded_kb.max(peak);
        one.push(read_load(&http, &[&server.base], "/api/votes/", &ids, seconds).await);
    }

    // History grows while the server is down; the same reads again.
    let _ = server.child.kill().await;
    let _ = server.child.wait().await;
    add_closed_votes(&database, 100, 99_900).await;
    let mut server = ServerProcess::start(binary, &database).await;
    let list_grown = read_load(&http, &[&server.base], LIST, &[], seconds).await;
    let one_grown = read_load(&http, &[&server.base], "/api/votes/", &ids, seconds).await;

    // Last: the ballots it casts would make every later read larger.
    let (mut writes, mut inserts) = (Vec::new(), Vec::new());
    for run in 0..runs {
        writes.push(write_load(&http, &[&server.base], &token, &ids, run, seconds).await);
        inserts.push(raw_inserts(dir.path(), run, seconds).await);
    }
    let _ = server.child.kill().await;

    let mut rows = vec![
        read_row("API read: ongoing list (100 votes)", &list, &trivial),
        read_row("API read: one vote", &one, &trivial),
        write_row("ballot writes, 64 voters", &writes, &inserts),
        growth_row(
            "growth: ongoing list, 100 → 100,000 closed votes",
            &list_grown,
            &list[list.len() / 2],
        ),
        growth_row(
            "growth: one vote, 100 → 100,000 closed votes",
            &one_grown,
            &one[one.len() / 2],
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
            "API on the release binary, SQLite, {READERS} readers, {VOTERS} voters, {} s per load, median (min–max) of {runs} runs; reads send a browser's Accept-Encoding",
            seconds.as_secs()
        ),
        &rows,
    );
    postgres(binary, seconds, runs).await;
}

/// The same reads and writes on PostgreSQL: one instance, then two on the same database
/// with the load split between them.
async fn postgres(binary: &str, seconds: Duration, runs: usize) {
    let Ok(admin) = std::env::var(POSTGRES_ENV) else {
        println!("{POSTGRES_ENV} is not set: no PostgreSQL rows");
        return;
    };
    let database = FreshPostgres::create(&admin).await;
    let token = create_token(binary, &database.url, "bench").await;
    let a = ServerProcess::start(binary, &database.url).await;
    let b = ServerProcess::start(binary, &database.url).await;
    let http = reqwest::Client::new();
    let ids = create_votes(&http, &a.base, &token, ONGOING).await;
    let one = [a.base.as_str()];
    let two = [a.base.as_str(), b.base.as_str()];
    let (mut trivial, mut lists, mut lists_two) = (Vec::new(), Vec::new(), Vec::new());
    let (mut writes, mut writes_two) = (Vec::new(), Vec::new());
    for run in 0..runs {
        trivial.push(read_load(&http, &one, "/api/health", &[], seconds).await);
        lists.push(read_load(&http, &one, LIST, &[], seconds).await);
        lists_two.push(read_load(&http, &two, LIST, &[], seconds).await);
        writes.push(write_load(&http, &one, &token, &ids, 2 * run, seconds).await);
        writes_two.push(write_load(&http, &two, &token, &ids, 2 * run + 1, seconds).await);
    }
    let ballots = |loads: &[Load]| loads.iter().map(|l| l.per_second).collect::<Vec<_>>();
    let scaling: Vec<f64> = writes_two
        .iter()
        .zip(&writes)
        .map(|(two, one)| two.per_second / one.per_second)
        .collect();
    let scaling = Runs::of(&scaling);
    let rows = vec![
        read_row(
            "PostgreSQL read: ongoing list, one instance",
            &lists,
            &trivial,
        ),
        read_row(
            "PostgreSQL read: ongoing list, two instances",
            &lists_two,
            &trivial,
        ),
        Row {
            figure: "PostgreSQL ballot writes, 64 voters, one instance",
            value: format!(
                "{} ballots/s, p99 {:.1} ms, {} errors",
                Runs::of(&ballots(&writes)).show(|v| format!("{v:.0}")),
                middle(&writes).p99_ms,
                writes.iter().map(|l| l.errors).sum::<usize>()
            ),
            baseline: String::new(),
            ratio: String::new(),
            target: "0 errors".into(),
            met: Some(writes.iter().all(|l| l.errors == 0)),
        },
        Row {
            figure: "PostgreSQL ballot writes, 64 voters, two instances",
            value: format!(
                "{} ballots/s, p99 {:.1} ms, {} errors",
                Runs::of(&ballots(&writes_two)).show(|v| format!("{v:.0}")),
                middle(&writes_two).p99_ms,
                writes_two.iter().map(|l| l.errors).sum::<usize>()
            ),
            baseline: "one instance".into(),
            ratio: scaling.show(|r| format!("{r:.2}")),
            target: "0 errors".into(),
            met: Some(writes_two.iter().all(|l| l.errors == 0)),
        },
    ];
    report(
        &format!(
            "API on PostgreSQL (this machine's server), {READERS} readers, {VOTERS} voters, {} s per load, median (min–max) of {runs} runs",
            seconds.as_secs()
        ),
        &rows,
    );
    drop((a, b));
    database.drop_it().await;
}

/// The run with the median rate.
fn middle(loads: &[Load]) -> &Load {
    let mut sorted: Vec<&Load> = loads.iter().collect();
    sorted.sort_by(|x, y| x.per_second.total_cmp(&y.per_second));
    sorted[sorted.len() / 2]
}

/// GETs `path` (followed by one of `ids` in turn, when given) from [`READERS`] workers,
/// spread over `bases`, with the `Accept-Encoding` a browser sends.
async fn read_load(
    http: &reqwest::Client,
    bases: &[&str],
    path: &str,
    ids: &[String],
    seconds: Duration,
) -> Load {
    let urls: std::sync::Arc<Vec<String>> = std::sync::Arc::new(
        bases
            .iter()
            .flat_map(|base| {
                if ids.is_empty() {
                    vec![format!("{base}{path}")]
                } else {
                    ids.iter().map(|id| format!("{base}{path}{id}")).collect()
                }
            })
            .collect(),
    );
    let http = http.clone();
    load(READERS, seconds, move |worker, n| {
        let (http, urls) = (http.clone(), urls.clone());
        async move {
            let url = &urls[(worker + n) % urls.len()];
            match http
                .get(url)
                .header("accept-encoding", BROWSER)
                .send()
                .await
            {
                Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                Err(_) => false,
            }
        }
    })
    .await
}

/// [`VOTERS`] bots, each casting one ballot after another across the ongoing votes (a
/// first ballot, then replacing it on the next pass), spread over `bases`; each run's
/// voters are new.
async fn write_load(
    http: &reqwest::Client,
    bases: &[&str],
    token: &str,
    ids: &[String],
    run: usize,
    seconds: Duration,
) -> Load {
    let bases: std::sync::Arc<Vec<String>> =
        std::sync::Arc::new(bases.iter().map(|b| (*b).to_owned()).collect());
    let ids: std::sync::Arc<Vec<String>> = std::sync::Arc::new(ids.to_vec());
    let (http, token) = (http.clone(), token.to_owned());
    load(VOTERS, seconds, move |voter, n| {
        let (http, bases, ids, token) = (http.clone(), bases.clone(), ids.clone(), token.clone());
        async move {
            let base = &bases[voter % bases.len()];
            let id = &ids[(voter + n) % ids.len()];
            let url = format!("{base}/api/votes/{id}/ballots/bench:r{run}v{voter}");
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
async fn raw_inserts(dir: &std::path::Path, run: usize, seconds: Duration) -> f64 {
    let options = SqliteConnectOptions::from_str(&format!(
        "sqlite://{}",
        dir.join(format!("raw-{run}.db")).display()
    ))
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

fn read_row(figure: &'static str, loads: &[Load], trivial: &[Load]) -> Row<'static> {
    let ratios: Vec<f64> = loads
        .iter()
        .zip(trivial)
        .map(|(l, t)| l.per_second / t.per_second)
        .collect();
    let ratio = Runs::of(&ratios);
    let rates = |loads: &[Load]| Runs::of(&loads.iter().map(|l| l.per_second).collect::<Vec<_>>());
    let errors: usize = loads.iter().map(|l| l.errors).sum();
    Row {
        figure,
        value: format!(
            "{} req/s, p99 {:.1} ms",
            rates(loads).show(|v| format!("{v:.0}")),
            middle(loads).p99_ms
        ),
        baseline: format!(
            "/api/health {} req/s",
            rates(trivial).show(|v| format!("{v:.0}"))
        ),
        ratio: ratio.show(|r| format!("{r:.2}")),
        target: format!("≥ {READ_TARGET}"),
        met: Some(ratio.median >= READ_TARGET && errors == 0),
    }
}

fn write_row(figure: &'static str, writes: &[Load], inserts: &[f64]) -> Row<'static> {
    let ratios: Vec<f64> = writes
        .iter()
        .zip(inserts)
        .map(|(w, i)| w.per_second / i)
        .collect();
    let ratio = Runs::of(&ratios);
    let errors: usize = writes.iter().map(|l| l.errors).sum();
    Row {
        figure,
        value: format!(
            "{} ballots/s, p99 {:.1} ms, {errors} errors",
            Runs::of(&writes.iter().map(|l| l.per_second).collect::<Vec<_>>())
                .show(|v| format!("{v:.0}")),
            middle(writes).p99_ms,
        ),
        baseline: format!(
            "raw SQLite WAL inserts {}/s",
            Runs::of(inserts).show(|v| format!("{v:.0}"))
        ),
        ratio: ratio.show(|r| format!("{r:.2}")),
        target: format!("≥ {WRITE_TARGET}, 0 errors"),
        met: Some(ratio.median >= WRITE_TARGET && errors == 0),
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
