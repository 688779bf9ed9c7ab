//! Logging in through a real OpenID Connect provider (`scripts/oidc-provider.mjs`, the
//! `oidc-provider` package from npm) in the browser: there and back to the page the
//! visitor came from, the member made, the admin role from the provider's groups.

use std::process::Stdio;
use std::sync::Arc;

use serde_json::json;
use tokio::process::{Child, Command};

use asyncvoter_server::Settings;
use asyncvoter_server::auth::oidc::Oidc;
use asyncvoter_wire::Role;

use crate::harness::{Tab, World, poll_until};

/// The provider, on `port`, sending people back to `callback`. Killed when dropped.
async fn provider(port: u16, callback: &str) -> Child {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/oidc-provider.mjs");
    let child = Command::new("node")
        .args([script, &port.to_string(), callback])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs the provider");
    asyncvoter_test_support::listening(port, "the OpenID provider did not start").await;
    // Listening is not serving yet: its first answers (discovery, keys) can take seconds
    // while the other browser tests keep both cores busy, longer than the server waits.
    let http = reqwest::Client::new();
    for document in ["/.well-known/openid-configuration", "/jwks"] {
        let url = format!("http://127.0.0.1:{port}{document}");
        poll_until(
            &format!("the OpenID provider to serve {document}"),
            || async {
                let answer = http.get(&url).send().await;
                answer.is_ok_and(|a| a.status().is_success())
            },
        )
        .await;
    }
    child
}

/// Goes through the provider's own login and consent pages as `account`.
async fn sign_in_at_the_provider(tab: &Tab, account: &str) {
    // The provider's development pages ask for a web font (no network here) and a
    // favicon it does not have.
    tab.expect_console_error("css?family=");
    tab.expect_console_error("favicon.ico");
    tab.fill("login", account).await;
    tab.fill("password", "anything").await;
    tab.click("button[type=submit]").await;
    poll_until("the consent page", || async {
        tab.text_from("return document.body.innerText;")
            .await
            .contains("Authorize")
            || !tab.path().await.starts_with("/interaction")
    })
    .await;
    if tab.path().await.starts_with("/interaction") {
        tab.click("button[type=submit]").await;
    }
}

#[tokio::test]
async fn a_visitor_logs_in_through_the_provider_and_lands_back_on_the_vote() {
    let port = asyncvoter_test_support::free_port();
    let issuer = format!("http://127.0.0.1:{port}");
    let oidc = Oidc::new(
        &issuer,
        "asyncvoter",
        "test-secret",
        Some("groups=estimation-admins"),
        false,
        Some("Test ID"),
    )
    .unwrap();
    let world = World::start_with(|settings| Settings {
        oidc: Some(Arc::new(oidc)),
        ..settings
    })
    .await;
    let _provider = provider(port, &format!("{}/auth/oidc/callback", world.server.base)).await;
    let id = world
        .create_vote(json!({"name": "Checkout retries", "deck": "fibonacci"}))
        .await;

    let tab = &world.browser;
    tab.open(&format!("/votes/{id}")).await;
    tab.click(".login-prompt a").await;
    tab.wait_for_text(".sso__button", "Log in with Test ID")
        .await;
    tab.assert_accessible("the login page with single sign-on")
        .await;
    for width in [1440, 390] {
        tab.screenshot("login-single-sign-on", width).await;
    }
    tab.click(".sso__button").await;
    poll_until("the provider's login form", || async {
        tab.client.current_url().await.unwrap().port() == Some(port)
    })
    .await;
    sign_in_at_the_provider(tab, "ana").await;
    poll_until("the way back to the vote", || async {
        tab.path().await == format!("/votes/{id}")
    })
    .await;
    tab.wait_for_text(".account__name", "Ana Lima").await;
    tab.text_of(".site-header a[href='/admin']").await;

    let ana = world
        .server
        .store
        .member("ana.lima")
        .await
        .unwrap()
        .expect("made at the first login");
    assert_eq!(
        ana.role,
        Role::Admin,
        "the provider's group makes her an admin"
    );
    assert_eq!(ana.email.as_deref(), Some("ana@example.com"));

    let ben = world.another_browser("ben").await;
    ben.open("/login?next=%2Fhistory").await;
    ben.click(".sso__button").await;
    poll_until("the provider's login form", || async {
        ben.client.current_url().await.unwrap().port() == Some(port)
    })
    .await;
    sign_in_at_the_provider(&ben, "ben").await;
    poll_until("the way back", || async { ben.path().await == "/history" }).await;
    ben.wait_for_text(".account__name", "Ben Okafor").await;
    let ben = world.server.store.member("ben").await.unwrap().unwrap();
    assert_eq!(ben.role, Role::Member);
}
