//! Behind a proxy, as the README sets it up (`deploy/`): nginx and Caddy from Debian pass
//! each event through at once (the stream tells nginx not to buffer it), and the systemd
//! unit is one systemd accepts.

use std::time::{Duration, Instant};

use asyncvoter_test_support::{Proxy, deploy_file};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{EventStream, TestApp, spawn_app};

fn port_of(app: &TestApp) -> u16 {
    app.base.rsplit(':').next().unwrap().parse().unwrap()
}

/// Opens the event stream through `proxy`, starts a vote on the server itself, and says
/// how long its event took to come through.
async fn event_through(app: &TestApp, proxy: &Proxy) -> Duration {
    let response = app
        .client
        .get(format!("{}/api/events", proxy.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut stream = EventStream::from(response);
    let ready = stream
        .next(Duration::from_secs(1))
        .await
        .expect("ready through the proxy");
    assert_eq!(ready.event, "ready");
    let started = Instant::now();
    app.create_vote(json!({"name": "Proxied", "deck": "fibonacci"}))
        .await;
    let event = stream
        .next(Duration::from_secs(1))
        .await
        .expect("the event within 1 s through the proxy");
    assert_eq!(event.event, "vote_created");
    started.elapsed()
}

#[tokio::test]
async fn an_event_passes_nginx_at_once() {
    let app = spawn_app().await;
    let direct = app
        .client
        .get(format!("{}/api/events", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(direct.headers()["x-accel-buffering"], "no");
    drop(direct);
    let nginx = Proxy::nginx(port_of(&app)).await;
    let took = event_through(&app, &nginx).await;
    assert!(took < Duration::from_secs(1), "{took:?}");
    let page = app
        .client
        .get(format!("{}/api/health", nginx.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "the API answers through nginx"
    );
}

#[tokio::test]
async fn an_event_passes_caddy_at_once() {
    let app = spawn_app().await;
    let caddy = Proxy::caddy(port_of(&app)).await;
    let took = event_through(&app, &caddy).await;
    assert!(took < Duration::from_secs(1), "{took:?}");
}

#[tokio::test]
async fn the_systemd_unit_is_one_systemd_accepts() {
    let unit = std::fs::read_to_string(deploy_file("asyncvoter.service")).unwrap();
    for hardening in [
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "StateDirectory=asyncvoter",
    ] {
        assert!(unit.contains(hardening), "{hardening}");
    }
    // Verified as installed, with the binary where the unit expects it.
    let dir = tempfile::tempdir().unwrap();
    let unit = unit.replace(
        "/usr/local/bin/asyncvoter",
        env!("CARGO_BIN_EXE_asyncvoter"),
    );
    let path = dir.path().join("asyncvoter.service");
    std::fs::write(&path, unit).unwrap();
    let verified = tokio::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .await
        .expect("systemd-analyze runs");
    let said = String::from_utf8_lossy(&verified.stderr).into_owned()
        + &String::from_utf8_lossy(&verified.stdout);
    assert!(
        verified.status.success() && said.trim().is_empty(),
        "{said}"
    );
}
