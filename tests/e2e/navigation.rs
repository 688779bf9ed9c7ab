//! Moving between pages: links followed in place, the address bar, back and forward, and
//! the section the visitor is in.

use serde_json::{Value, json};

use crate::harness::{World, poll_until};
use crate::pages::ListPage;

/// The section links marked as the current page.
async fn current_sections(world: &World) -> Vec<String> {
    world.texts_of(".site-nav a[aria-current=page]").await
}

/// Waits until the address bar shows `path`.
async fn wait_for_path(world: &World, path: &str) {
    poll_until(&format!("the address bar to show {path}"), || async move {
        world.path().await == path
    })
    .await;
}

#[tokio::test]
async fn links_back_and_forward_change_the_page_and_the_address_without_a_reload() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Alpha", "deck": "fibonacci"}))
        .await;
    let list = ListPage::open(&world, "/").await;
    list.wait_for_names(&["Alpha"]).await;
    assert_eq!(current_sections(&world).await, ["Ongoing"]);
    world
        .browser
        .execute("window.__same_document = true;", vec![])
        .await
        .unwrap();

    world.browser.click(".site-nav a[href='/history']").await;
    wait_for_path(&world, "/history").await;
    world.browser.wait_for_text("h1", "History").await;
    assert_eq!(current_sections(&world).await, ["History"]);

    world.browser.back().await.unwrap();
    wait_for_path(&world, "/").await;
    list.wait_for_names(&["Alpha"]).await;
    assert_eq!(current_sections(&world).await, ["Ongoing"]);

    world.browser.click(".vote-row__link").await;
    wait_for_path(&world, &format!("/votes/{id}")).await;
    assert_eq!(world.text_of(".vote__title").await, "Alpha");
    assert!(current_sections(&world).await.is_empty());

    world.browser.back().await.unwrap();
    wait_for_path(&world, "/").await;
    list.wait_for_names(&["Alpha"]).await;
    world.browser.forward().await.unwrap();
    wait_for_path(&world, &format!("/votes/{id}")).await;
    world.browser.wait_for_text(".vote__title", "Alpha").await;

    let same = world
        .browser
        .execute("return window.__same_document === true;", vec![])
        .await
        .unwrap();
    assert_eq!(same, Value::Bool(true), "no step reloaded the document");
}

#[tokio::test]
async fn a_trailing_slash_shows_the_same_page() {
    let world = World::start().await;
    world.open("/history/").await;
    world.browser.wait_for_text("h1", "History").await;
    assert_eq!(current_sections(&world).await, ["History"]);
    world.open("/insights/").await;
    world.browser.wait_for_text("h1", "Insights").await;
    assert_eq!(current_sections(&world).await, ["Insights"]);
}

#[tokio::test]
async fn no_page_logs_an_error_in_the_console_for_a_visitor_or_a_member() {
    let world = World::start().await;
    let password = world
        .add_member("ana", "Ana Lima", asyncvoter_wire::Role::Admin)
        .await;
    let id = world
        .create_vote(json!({"name": "Console check", "deck": "fibonacci"}))
        .await;
    let vote = format!("/votes/{id}");
    let pages = [
        ("/", ".vote-row"),
        ("/history", "h1"),
        ("/insights", "h1"),
        (vote.as_str(), "h1"),
        ("/votes/new", "main"),
        ("/account", "main"),
        ("/login", "h1"),
    ];
    for who in ["a visitor", "a member"] {
        if who == "a member" {
            world.browser.log_in("ana", &password, "/").await;
        }
        for (path, ready) in pages {
            world.open(path).await;
            world.text_of(ready).await;
            // Late requests (the live stream, waiting counts) get their moment to fail.
            poll_until("the live stream to be open", || async {
                world
                    .browser
                    .text_from("return document.documentElement.dataset.live || '';")
                    .await
                    == "online"
            })
            .await;
            world.browser.fail_on_console_errors().await;
        }
    }
}
