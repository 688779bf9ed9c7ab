//! What the server counts for Prometheus (the `metrics` facade, rendered by
//! `metrics-exporter-prometheus`): requests by route and status with their latency,
//! open event streams, the outbox's backlog and failures, ballots cast, store errors, and
//! the build. Never a voter, a card or a vote's name: labels are routes, statuses and
//! channels only.

use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::cli::VERSION;

/// Requests answered, by route, method and status.
pub const REQUESTS: &str = "asyncvoter_http_requests_total";
/// Time to answer a request (to its first byte for event streams), by route and method.
pub const REQUEST_SECONDS: &str = "asyncvoter_http_request_duration_seconds";
/// Event streams open now.
pub const STREAMS: &str = "asyncvoter_event_streams_open";
/// Notifications not yet delivered, by channel.
pub const OUTBOX_PENDING: &str = "asyncvoter_outbox_pending";
/// Notifications given up on, by channel.
pub const OUTBOX_GAVE_UP: &str = "asyncvoter_outbox_gave_up";
/// Delivery attempts, by channel and outcome (`delivered`, `retry`, `gave_up`).
pub const DELIVERIES: &str = "asyncvoter_deliveries_total";
/// Ballots cast or replaced.
pub const BALLOTS: &str = "asyncvoter_ballots_cast_total";
/// Store errors, by kind (`unavailable`, `other`).
pub const STORE_ERRORS: &str = "asyncvoter_store_errors_total";
/// Always 1, labelled with the version and revision.
pub const BUILD: &str = "asyncvoter_build_info";

/// Latency buckets, in seconds: 1 ms to 10 s.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process's recorder, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let handle = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), &BUCKETS)
            .expect("buckets are given")
            .install_recorder()
            .expect("no other metrics recorder is installed");
        describe();
        let (version, revision) = VERSION.split_once(' ').unwrap_or((VERSION, ""));
        let revision = revision.trim_matches(['(', ')']).to_owned();
        metrics::gauge!(BUILD, "version" => version.to_owned(), "revision" => revision).set(1.0);
        handle
    })
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(REQUESTS, "Requests answered, by route, method and status.");
    describe_histogram!(
        REQUEST_SECONDS,
        metrics::Unit::Seconds,
        "Time to answer a request, by route and method."
    );
    describe_gauge!(STREAMS, "Event streams open now.");
    describe_gauge!(
        OUTBOX_PENDING,
        "Notifications not yet delivered, by channel."
    );
    describe_gauge!(OUTBOX_GAVE_UP, "Notifications given up on, by channel.");
    describe_counter!(DELIVERIES, "Delivery attempts, by channel and outcome.");
    describe_counter!(BALLOTS, "Ballots cast or replaced.");
    describe_counter!(STORE_ERRORS, "Store errors, by kind.");
    describe_gauge!(BUILD, "The version and git revision running.");
}

/// Counts and times every request, labelled by its route pattern (never its path: paths
/// carry vote ids and voters).
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "route" => route.clone(), "method" => method.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The metrics as Prometheus reads them, with the gauges set from what was read now:
/// open streams, and per outbox channel `(channel, pending, given up)`. A channel seen
/// before but absent now (its rows pruned) reads 0, not its last value.
pub fn render(open_streams: usize, outbox: &[(String, i64, i64)]) -> String {
    // The recorder is the process's, so two servers in one process (the tests) would
    // otherwise set the gauges between each other's set and render.
    static CHANNELS_SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let mut seen = CHANNELS_SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let handle = handle();
    metrics::gauge!(STREAMS).set(open_streams as f64);
    seen.extend(outbox.iter().map(|(channel, ..)| channel.clone()));
    for channel in seen.iter() {
        let (pending, gave_up) = outbox
            .iter()
            .find(|(c, ..)| c == channel)
            .map_or((0, 0), |(_, pending, gave_up)| (*pending, *gave_up));
        metrics::gauge!(OUTBOX_PENDING, "channel" => channel.clone()).set(pending as f64);
        metrics::gauge!(OUTBOX_GAVE_UP, "channel" => channel.clone()).set(gave_up as f64);
    }
    handle.run_upkeep();
    handle.render()
}

/// Counts a store error of `kind` (`unavailable`, `other`).
pub fn store_error(kind: &'static str) {
    metrics::counter!(STORE_ERRORS, "kind" => kind).increment(1);
}

/// Counts a delivery attempt's outcome on `channel`.
pub fn delivery(channel: &'static str, outcome: &'static str) {
    metrics::counter!(DELIVERIES, "channel" => channel, "outcome" => outcome).increment(1);
}
