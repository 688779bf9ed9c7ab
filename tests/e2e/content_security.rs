//! The Content-Security-Policy in a real browser: every page runs under it without a
//! violation, and a script injected inline is refused.

use asyncvoter_wire::Role;
use serde_json::json;

use crate::harness::{Tab, World, poll_until};

/// CSP complaints among the console messages.
async fn violations(tab: &Tab) -> Vec<String> {
    tab.browser_log()
        .await
        .into_iter()
        .filter(|m| m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
        .collect()
}

#[tokio::test]
async fn every_page_renders_under_the_policy_without_a_violation() {
    let world = World::start().await;
    let password = world.add_member("ana", "Ana Lima", Role::Admin).await;
    let id = world
        .create_vote(json!({"name": "Policy check", "deck": "fibonacci"}))
        .await;
    world.cast(&id, "slack:Ben", "5").await;
    world
        .call(
            reqwest::Method::POST,
            &format!("/api/votes/{id}/reveal"),
            None,
        )
        .await;
    world.browser.log_in("ana", &password, "/").await;
    violations(&world.browser).await;
    world.browser.expect_console_error(
        "/no-such-page - Failed to load resource: the server responded with a status of 404",
    );

    let pages = [
        ("/", ".vote-row"),
        ("/history", ".empty, .vote-row"),
        ("/insights", "#projects-heading"),
        (&format!("/votes/{id}") as &str, "#round-1-chart svg"),
        ("/votes/new", "form"),
        ("/admin", "form"),
        ("/account", "form"),
        ("/login", "h1"),
        ("/no-such-page", "#not-found-title"),
    ];
    for (path, ready) in pages {
        world.open(path).await;
        world.text_of(ready).await;
        let found = violations(&world.browser).await;
        assert!(found.is_empty(), "{path}: {found:?}");
    }
}

#[tokio::test]
async fn an_injected_inline_script_is_blocked() {
    let world = World::start().await;
    world.open("/").await;
    world.text_of(".empty").await;
    violations(&world.browser).await;
    world
        .browser
        .execute(
            "const s = document.createElement('script');
             s.textContent = 'window.__injected = true;';
             document.body.appendChild(s);
             return null;",
            vec![],
        )
        .await
        .unwrap();
    let ran = world
        .browser
        .execute("return window.__injected === true;", vec![])
        .await
        .unwrap();
    assert_eq!(ran, json!(false), "the inline script did not run");
    poll_until("the violation to be reported", || async {
        violations(&world.browser)
            .await
            .iter()
            .any(|m| m.contains("script-src"))
    })
    .await;
}
