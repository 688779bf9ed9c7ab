//! `/metrics` in the Prometheus text format, read with a Prometheus text parser: requests
//! by route and status with latency buckets, open event streams, the outbox, ballots, the
//! build; for a token with the `metrics` scope only, or without one on `--metrics-bind`;
//! never a vote's name or a voter.

use asyncvoter_server::LegacyApi;
use asyncvoter_test_support::{Receiver, TestServer, free_port, listening};
use asyncvoter_wire::{Role, Scope};
use openmetrics_parser::prometheus::parse_prometheus;
use openmetrics_parser::{PrometheusType, PrometheusValue};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{As, spawn_app, spawn_app_with_settings};

type Scrape = openmetrics_parser::MetricsExposition<PrometheusType, PrometheusValue>;

fn parse(text: &str) -> Scrape {
    parse_prometheus(text).expect("the Prometheus text format")
}

/// The value of the sample of family `name` whose labels include all of `labels` (a
/// histogram's count).
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let family = scrape.families.get(name)?;
    family
        .iter_samples()
        .find(|s| {
            let set = s.get_labelset().unwrap();
            labels
                .iter()
                .all(|(k, v)| set.get_label_value(k) == Some(*v))
        })
        .map(|s| match &s.value {
            PrometheusValue::Counter(c) => c.value.as_f64(),
            PrometheusValue::Gauge(n) | PrometheusValue::Unknown(n) => n.as_f64(),
            PrometheusValue::Histogram(h) => h.count.unwrap_or_default() as f64,
            PrometheusValue::Summary(_) => f64::NAN,
        })
}

#[tokio::test]
async fn a_scrape_counts_requests_streams_ballots_and_the_outbox_and_names_nobody() {
    let app = spawn_app().await;
    let failing = Receiver::start(usize::MAX).await;
    let admin = app.member("root", Role::Admin).await;
    let bad = json!({"url": "not a url", "events": ["*"]});
    let hook = app
        .send(As::Member(&admin), Method::POST, "/api/webhooks", Some(bad))
        .await;
    assert_eq!(
        hook.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        hook.body
    );
    let made = app
        .send(
            As::Member(&admin),
            Method::POST,
            "/api/webhooks",
            Some(json!({"url": format!("{}/in", failing.base), "events": ["*"]})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let vote = app.fibonacci_vote("Secret roadmap item").await;
    app.cast_ok(&vote.vote.id, "slack:T1:U777", "8").await;
    let _stream = app.events(None).await;

    let scraped = app.send(As::Bot, Method::GET, "/metrics", None).await;
    assert_eq!(scraped.status, StatusCode::OK, "{}", scraped.body);
    assert!(
        scraped.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = &scraped.body;
    for private in ["Secret roadmap item", "U777", &vote.vote.id] {
        assert!(!text.contains(private), "`{private}` in the metrics");
    }
    let scrape = parse(text);
    let created = value(
        &scrape,
        "asyncvoter_http_requests_total",
        &[
            ("route", "/api/votes"),
            ("method", "POST"),
            ("status", "201"),
        ],
    );
    assert!(created.is_some_and(|n| n >= 1.0), "{created:?}");
    let refused = value(
        &scrape,
        "asyncvoter_http_requests_total",
        &[("route", "/api/webhooks"), ("status", "422")],
    );
    assert!(
        refused.is_some_and(|n| n >= 1.0),
        "statuses are labels: {refused:?}"
    );
    assert!(
        value(
            &scrape,
            "asyncvoter_http_request_duration_seconds",
            &[("route", "/api/votes/{id}/ballots/{voter}")]
        )
        .is_some_and(|n| n >= 1.0),
        "latency buckets, by route pattern"
    );
    assert!(value(&scrape, "asyncvoter_ballots_cast_total", &[]).is_some_and(|n| n >= 1.0));
    assert!(value(&scrape, "asyncvoter_event_streams_open", &[]).is_some_and(|n| n >= 1.0));
    let pending = value(
        &scrape,
        "asyncvoter_outbox_pending",
        &[("channel", "webhook")],
    );
    assert!(
        pending.is_some_and(|n| n >= 1.0),
        "undelivered webhooks: {pending:?}"
    );
    let revision = String::from_utf8(
        std::process::Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(
        value(
            &scrape,
            "asyncvoter_build_info",
            &[("revision", revision.trim())]
        ),
        Some(1.0)
    );
    assert!(
        text.contains("# HELP asyncvoter_http_requests_total"),
        "described"
    );
}

#[tokio::test]
async fn only_a_metrics_token_scrapes_unless_metrics_have_an_address_of_their_own() {
    let app = spawn_app().await;
    let member = app.member("ana", Role::Admin).await;
    let writer = app.token_with(&[Scope::VotesWrite]).await;
    let reader = app.token_with(&[Scope::Metrics]).await;
    let anonymous = app.send(As::Anonymous, Method::GET, "/metrics", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.error_code(), "unauthorized");
    for who in [As::Member(&member), As::Token(&writer)] {
        let refused = app.send(who, Method::GET, "/metrics", None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{who:?}");
    }
    let allowed = app
        .send(As::Token(&reader), Method::GET, "/metrics", None)
        .await;
    assert_eq!(allowed.status, StatusCode::OK);
    parse(&allowed.body);

    let port = free_port();
    let mut settings = TestServer::settings(LegacyApi::Token, None);
    settings.metrics_bind = Some(format!("127.0.0.1:{port}").parse().unwrap());
    let bound = spawn_app_with_settings(settings).await;
    listening(port, "the metrics address did not open").await;
    let open = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap();
    assert_eq!(open.status(), StatusCode::OK);
    parse(&open.text().await.unwrap());
    let elsewhere = bound
        .send(As::Anonymous, Method::GET, "/metrics", None)
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::UNAUTHORIZED,
        "the main address still wants a token"
    );
}
