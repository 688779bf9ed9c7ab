//! What every benchmark shares: where results go, how a row reads, and the measuring
//! helpers (latency percentiles, resident memory, a fixed-duration load).
//!
//! Each benchmark prints its rows and appends them to the results file named by
//! `BENCH_RESULTS` (`scripts/bench.sh` sets it), so one run gives one table.

#![allow(dead_code)] // Each benchmark binary uses its own part of this module.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// One row of the results table: a figure against a baseline measured in the same run.
pub struct Row<'a> {
    /// What was measured.
    pub figure: &'a str,
    /// The measurement, with its unit.
    pub value: String,
    /// The baseline's measurement, with its unit ("" when the row has none).
    pub baseline: String,
    /// `value` relative to `baseline`, as the target states it ("" when none).
    pub ratio: String,
    /// The target, in words ("" when none).
    pub target: String,
    /// Whether the target is met (`None` when there is no target).
    pub met: Option<bool>,
}

/// The header of the results table.
pub const HEADER: &str =
    "| figure | value | baseline | ratio | target | verdict |\n|---|---|---|---|---|---|";

impl Row<'_> {
    /// The row as a Markdown table line.
    pub fn line(&self) -> String {
        let verdict = match self.met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "",
        };
        format!(
            "| {} | {} | {} | {} | {} | {verdict} |",
            self.figure, self.value, self.baseline, self.ratio, self.target
        )
    }
}

/// Prints `rows` under a title and appends them to the results file, if one is named.
pub fn report(title: &str, rows: &[Row]) {
    println!("\n{title}\n{HEADER}");
    let lines: Vec<String> = rows.iter().map(Row::line).collect();
    for line in &lines {
        println!("{line}");
    }
    if let Ok(path) = std::env::var("BENCH_RESULTS") {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("results file {path}: {e}"));
        for line in &lines {
            writeln!(file, "{line}").unwrap();
        }
    }
}

/// The `p`th percentile (0–100) of sorted values, nearest rank.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The median of unsorted values.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    percentile(&sorted, 50.0)
}

/// Resident memory of a process, in KB.
pub fn rss_kb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(f64::NAN)
}

/// Resident memory of a process once it has settled (two readings 100 ms apart agree
/// within 1 %, or 3 s have passed), in KB.
pub async fn settled_rss_kb(pid: u32) -> f64 {
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    let mut last = rss_kb(pid);
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = rss_kb(pid);
        if (now - last).abs() <= last * 0.01 || std::time::Instant::now() >= deadline {
            return now;
        }
        last = now;
    }
}

/// Starts a vote through the API as the integration with `token`; its id.
pub async fn create_vote(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    body: serde_json::Value,
) -> String {
    let vote: serde_json::Value = http
        .post(format!("{base}/api/votes"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    vote["vote"]["id"].as_str().expect("a vote id").to_owned()
}

/// An environment variable as a number, or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a fixed-duration load measured.
#[derive(Debug, Clone)]
pub struct Load {
    /// Answered requests per second.
    pub per_second: f64,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Requests that failed or did not answer 2xx.
    pub errors: usize,
    /// Requests answered.
    pub requests: usize,
}

/// Runs `request(worker, n)` from `workers` concurrent workers, each one request at a
/// time, for `duration`, and measures throughput and latency. A first second, not
/// measured, warms connections and caches, so each figure is the steady state.
pub async fn load<F, Fut>(workers: usize, duration: Duration, request: F) -> Load
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    run_load(workers, Duration::from_secs(1), request.clone()).await;
    run_load(workers, duration, request).await
}

async fn run_load<F, Fut>(workers: usize, duration: Duration, request: F) -> Load
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(workers);
    for worker in 0..workers {
        let (request, stop) = (request.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut errors) = (Vec::new(), 0);
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let sent = Instant::now();
                if request(worker, n).await {
                    latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                } else {
                    errors += 1;
                }
                n += 1;
            }
            (latencies, errors)
        }));
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for task in tasks {
        let (l, e) = task.await.expect("a load worker");
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    Load {
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: percentile(&latencies, 50.0),
        p99_ms: percentile(&latencies, 99.0),
        errors,
        requests: latencies.len(),
    }
}

/// Several runs of one figure: the median the verdict uses, and the range beside it.
pub struct Runs {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Runs {
    /// The runs' median and range.
    pub fn of(values: &[f64]) -> Runs {
        Runs {
            median: median(values),
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }

    /// "median (min–max)", each written by `show`.
    pub fn show(&self, show: impl Fn(f64) -> String) -> String {
        format!(
            "{} ({}–{})",
            show(self.median),
            show(self.min),
            show(self.max)
        )
    }
}
