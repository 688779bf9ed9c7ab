//! `/`: the ongoing votes.

use fantoccini::Locator;
use serde_json::json;

use crate::harness::{World, poll_until};
use crate::pages::ListPage;

#[tokio::test]
async fn votes_created_through_the_api_appear_with_count_voters_and_state() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Checkout coupons", "deck": "custom", "cards": ["ZEBRA", "QUAIL"], "project": "web", "quorum": 3}))
        .await;
    world.cast(&id, "slack:Ana", "ZEBRA").await;
    world.cast(&id, "slack:Ben", "QUAIL").await;
    world
        .create_vote(json!({"name": "Billing export", "deck": "tshirt"}))
        .await;

    let page = ListPage::open(&world, "/").await;
    page.wait_for_names(&["Checkout coupons", "Billing export"])
        .await;
    let rows = page.rows().await;
    let checkout = rows.iter().find(|r| r.name == "Checkout coupons").unwrap();
    for shown in [
        "2 votes",
        "2 of 3 for quorum",
        "Ana",
        "Ben",
        "Voting",
        "web",
        "Custom deck",
    ] {
        assert!(
            checkout.text.contains(shown),
            "the row shows {shown:?}: {}",
            checkout.text
        );
    }
    let billing = rows.iter().find(|r| r.name == "Billing export").unwrap();
    assert!(billing.text.contains("No votes yet"), "{}", billing.text);
    assert_eq!(world.text_of("h1").await, "Ongoing votes");
    let source = world.browser.source().await.unwrap();
    assert!(
        !source.contains("ZEBRA") && !source.contains("QUAIL"),
        "sealed cards never reach the page"
    );
}

#[tokio::test]
async fn filtering_by_project_and_name_changes_the_list_and_the_url() {
    let world = World::start().await;
    world
        .create_vote(json!({"name": "Login page", "deck": "fibonacci", "project": "web"}))
        .await;
    world
        .create_vote(json!({"name": "Login audit", "deck": "fibonacci", "project": "api"}))
        .await;
    world
        .create_vote(json!({"name": "Rate limits", "deck": "fibonacci", "project": "api"}))
        .await;

    let page = ListPage::open(&world, "/").await;
    page.wait_for_names(&["Login page", "Login audit", "Rate limits"])
        .await;
    page.pick_project("api").await;
    page.wait_for_names(&["Login audit", "Rate limits"]).await;
    world.wait_for_path("/?project=api").await;

    page.search("login").await;
    page.wait_for_names(&["Login audit"]).await;
    poll_until("the search to reach the URL", || async {
        world.path().await == "/?project=api&q=login"
    })
    .await;

    // The filtered view is a link: opened fresh, it shows the same votes.
    let shared = ListPage::open(&world, "/?project=web&q=LOG").await;
    shared.wait_for_names(&["Login page"]).await;
    let select = world
        .browser
        .find(Locator::Css("select[name=project]"))
        .await
        .unwrap();
    assert_eq!(select.prop("value").await.unwrap().as_deref(), Some("web"));

    world
        .browser
        .find(Locator::Css(".filters__clear"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    shared
        .wait_for_names(&["Login page", "Login audit", "Rate limits"])
        .await;
    world.wait_for_path("/").await;
}

#[tokio::test]
async fn an_empty_dashboard_and_an_empty_filter_say_so() {
    let world = World::start().await;
    ListPage::open(&world, "/").await;
    assert!(
        world
            .text_of(".empty")
            .await
            .contains("No votes are in progress")
    );
    world
        .create_vote(json!({"name": "Only one", "deck": "fibonacci"}))
        .await;
    ListPage::open(&world, "/?q=nothing-matches").await;
    assert_eq!(
        world.text_of(".empty").await,
        "No votes match these filters."
    );
}

#[tokio::test]
async fn a_server_error_shows_its_message_and_try_again_recovers() {
    let world = World::start().await;
    world
        .create_vote(json!({"name": "Survives", "deck": "fibonacci"}))
        .await;
    // Break the real database under the running server, then mend it.
    let db = world.database().await;
    sqlx::query("ALTER TABLE votes RENAME TO votes_away")
        .execute(&db)
        .await
        .unwrap();
    world
        .browser
        .expect_console_error("status of 500 (Internal Server Error)");
    ListPage::open(&world, "/").await;
    let error = world.text_of(".notice--error").await;
    assert!(
        error.contains("something went wrong on our side"),
        "the server's message: {error}"
    );
    sqlx::query("ALTER TABLE votes_away RENAME TO votes")
        .execute(&db)
        .await
        .unwrap();
    world
        .browser
        .find(Locator::Css(".notice--error button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    ListPage { world: &world }
        .wait_for_names(&["Survives"])
        .await;
}

#[tokio::test]
async fn a_vote_opens_from_the_list_without_a_reload() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Follow me", "deck": "tshirt"}))
        .await;
    let page = ListPage::open(&world, "/").await;
    page.wait_for_names(&["Follow me"]).await;
    world
        .browser
        .execute("window.__same_document = true;", vec![])
        .await
        .unwrap();
    world
        .browser
        .find(Locator::Css(".vote-row__link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(world.text_of(".vote__title").await, "Follow me");
    world.wait_for_path(&format!("/votes/{id}")).await;
    let same = world
        .browser
        .execute("return window.__same_document === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        same,
        serde_json::Value::Bool(true),
        "client-side navigation keeps the document"
    );
}

#[tokio::test]
async fn unknown_paths_show_the_not_found_page() {
    let world = World::start().await;
    // The server answers an unknown path 404 (with the app, which says so).
    world.browser.expect_console_error(
        "/no/such/page - Failed to load resource: the server responded with a status of 404",
    );
    world.open("/no/such/page").await;
    assert_eq!(world.text_of("#not-found-title").await, "Not found");
    assert!(
        world
            .text_of(".notice--not-found")
            .await
            .contains("There is no page at this address.")
    );
}

#[tokio::test]
async fn show_more_appends_the_next_page_once_and_then_goes_away() {
    let world = World::start().await;
    // Created one after another, so the newest (Story 54) comes first.
    for i in 0..55 {
        world
            .create_vote(json!({"name": format!("Story {i}"), "deck": "fibonacci"}))
            .await;
    }
    let page = ListPage::open(&world, "/").await;
    world
        .browser
        .wait_for_text(".list-count", "50 votes shown")
        .await;
    let first = page.names().await;
    assert_eq!(first.len(), 50);
    assert_eq!(first[0], "Story 54");
    assert_eq!(first[49], "Story 5");

    world
        .browser
        .execute("performance.clearResourceTimings(); return null;", vec![])
        .await
        .unwrap();
    world.browser.click(".vote-list ~ button").await;
    world.browser.wait_for_text(".list-count", "55 votes").await;
    let requests = world
        .browser
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/api/votes?'));",
            vec![],
        )
        .await
        .unwrap();
    let requests: Vec<String> = serde_json::from_value(requests).unwrap();
    assert!(
        requests.len() == 1 && requests[0].contains("cursor="),
        "one request, for the next page only: {requests:?}"
    );
    let all = page.names().await;
    let expected: Vec<String> = (0..55).rev().map(|i| format!("Story {i}")).collect();
    assert_eq!(all, expected, "the next page follows, each vote once");
    assert!(
        world.texts_of(".vote-list ~ button").await.is_empty(),
        "nothing more to show"
    );
}

#[tokio::test]
async fn a_votes_title_opens_the_vote_and_its_ticket_is_a_link_of_its_own() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Refund flow", "deck": "fibonacci",
                            "url": "https://tracker.example.com/PAY-7"}))
        .await;
    let page = ListPage::open(&world, "/").await;
    page.wait_for_names(&["Refund flow"]).await;
    let ticket = world
        .browser
        .find(Locator::Css(".vote-row__ticket"))
        .await
        .unwrap();
    assert_eq!(
        ticket.attr("href").await.unwrap().as_deref(),
        Some("https://tracker.example.com/PAY-7")
    );
    assert_eq!(
        ticket.attr("target").await.unwrap().as_deref(),
        Some("_blank")
    );
    world.browser.click(".vote-row__link").await;
    world
        .browser
        .wait_for_text(".vote__title", "Refund flow ↗")
        .await;
    world.wait_for_path(&format!("/votes/{id}")).await;
}
