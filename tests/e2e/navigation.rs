//! Moving between pages: links followed in place, the address bar, back and forward, and
//! the section the visitor is in.

use serde_json::json;

use crate::harness::{World, poll_until};
use crate::pages::ListPage;

/// The section links marked as the current page.
async fn current_sections(world: &World) -> Vec<String> {
    world.texts_of(".site-nav a[aria-current=page]").await
}

/// Marks the page now loaded, so a test can tell later that no step reloaded it.
async fn mark_this_document(world: &World) {
    world
        .browser
        .execute("window.__same_document = true;", vec![])
        .await
        .unwrap();
}

/// Whether the page marked by [`mark_this_document`] is still the one loaded.
async fn still_this_document(world: &World) -> bool {
    world
        .browser
        .text_from("return String(window.__same_document === true)")
        .await
        == "true"
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
    mark_this_document(&world).await;

    world.browser.click(".site-nav a[href='/history']").await;
    world.wait_for_path("/history").await;
    world.browser.wait_for_text("h1", "History").await;
    assert_eq!(current_sections(&world).await, ["History"]);

    world.browser.back().await.unwrap();
    world.wait_for_path("/").await;
    list.wait_for_names(&["Alpha"]).await;
    assert_eq!(current_sections(&world).await, ["Ongoing"]);

    world.browser.click(".vote-row__link").await;
    world.wait_for_path(&format!("/votes/{id}")).await;
    assert_eq!(world.text_of(".vote__title").await, "Alpha");
    assert!(current_sections(&world).await.is_empty());

    world.browser.back().await.unwrap();
    world.wait_for_path("/").await;
    list.wait_for_names(&["Alpha"]).await;
    world.browser.forward().await.unwrap();
    world.wait_for_path(&format!("/votes/{id}")).await;
    world.browser.wait_for_text(".vote__title", "Alpha").await;

    // A link within the page is the browser's to follow: the address gains its `#`.
    world
        .browser
        .execute("document.querySelector('.skip-link').click();", vec![])
        .await
        .unwrap();
    let hash = world.browser.text_from("return location.hash;").await;
    assert_eq!(hash, "#main");
    world.browser.wait_for_path(&format!("/votes/{id}")).await;

    assert!(
        still_this_document(&world).await,
        "no step reloaded the document"
    );
}

#[tokio::test]
async fn steps_faster_than_the_history_is_written_keep_it_in_order() {
    let world = World::start().await;
    world
        .create_vote(json!({"name": "Alpha", "deck": "fibonacci"}))
        .await;
    let list = ListPage::open(&world, "/").await;
    list.wait_for_names(&["Alpha"]).await;
    // Two links followed faster than a history entry is written.
    world
        .browser
        .execute(
            "document.querySelector(\".site-nav a[href='/history']\").click();
             document.querySelector(\".site-nav a[href='/insights']\").click();",
            vec![],
        )
        .await
        .unwrap();
    world.wait_for_path("/insights").await;
    world.browser.wait_for_text("h1", "Insights").await;
    assert_eq!(current_sections(&world).await, ["Insights"]);

    // Each step is an entry of its own, in the order taken.
    world.browser.back().await.unwrap();
    world.wait_for_path("/history").await;
    world.browser.wait_for_text("h1", "History").await;

    // A search typed key by key is one entry, in place of the page's.
    list.search("Alp").await;
    world.wait_for_path("/history?q=Alp").await;
    world.browser.back().await.unwrap();
    world.wait_for_path("/").await;
    list.wait_for_names(&["Alpha"]).await;
}

#[tokio::test]
async fn back_pressed_before_a_new_page_is_in_the_history_returns_to_the_page_before() {
    let world = World::start().await;
    ListPage::open(&world, "/").await;
    mark_this_document(&world).await;
    world.browser.click(".site-nav a[href='/history']").await;
    world.wait_for_path("/history").await;
    world.browser.wait_for_text("h1", "History").await;
    let entries = world
        .browser
        .text_from("return String(history.length)")
        .await;

    // A link followed and Back pressed at once, before the new page's entry is written.
    world
        .browser
        .execute(
            "document.querySelector(\".site-nav a[href='/insights']\").click(); history.back();",
            vec![],
        )
        .await
        .unwrap();
    world.wait_for_path("/history").await;
    world.browser.wait_for_text("h1", "History").await;
    // It stays there: the page left is never written afterwards, nothing else moved.
    let settled = world
        .browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             setTimeout(() => done([location.pathname, String(history.length),
                 window.__same_document === true]), 500);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(settled, json!(["/history", entries, true]));
    assert_eq!(current_sections(&world).await, ["History"]);
}

#[tokio::test]
async fn a_hash_link_followed_right_after_a_page_change_stays_on_the_new_page() {
    let world = World::start().await;
    ListPage::open(&world, "/").await;
    mark_this_document(&world).await;
    // A link to another page, then at once a `#` link (as a skip link would be), before
    // the new page's history entry is written.
    world
        .browser
        .execute(
            "document.querySelector(\".site-nav a[href='/history']\").click();
             const skip = document.createElement('a');
             skip.href = '#top';
             skip.textContent = 'top';
             document.body.append(skip);
             skip.click();",
            vec![],
        )
        .await
        .unwrap();
    world.browser.wait_for_text("h1", "History").await;
    poll_until(
        "the address to name the new page and its anchor",
        || async {
            world
                .browser
                .text_from("return location.pathname + location.hash")
                .await
                == "/history#top"
        },
    )
    .await;
    assert!(
        still_this_document(&world).await,
        "the anchor reloaded the page"
    );
    assert_eq!(current_sections(&world).await, ["History"]);
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

#[tokio::test]
async fn at_390_px_the_header_is_one_row_with_a_menu_and_no_page_scrolls_sideways() {
    let world = World::start().await;
    let password = world
        .add_member("ana", "Ana Lima-Fernández", asyncvoter_wire::Role::Admin)
        .await;
    for n in 0..6 {
        world
            .add_member(
                &format!("member{n}"),
                "A Member With A Long Name",
                asyncvoter_wire::Role::Member,
            )
            .await;
    }
    let id = world
        .create_vote(json!({"name": "Rounds on a phone", "deck": "fibonacci"}))
        .await;
    for round in 0..3 {
        world.cast(&id, "slack:Ana", ["1", "13", "8"][round]).await;
        world.cast(&id, "slack:Ben", "8").await;
        world
            .call(
                reqwest::Method::POST,
                &format!("/api/votes/{id}/reveal"),
                None,
            )
            .await;
        if round < 2 {
            world
                .call(
                    reqwest::Method::POST,
                    &format!("/api/votes/{id}/rounds"),
                    None,
                )
                .await;
        }
    }
    let tab = &world.browser;
    tab.log_in("ana", &password, "/").await;
    tab.client.set_window_size(390, 900).await.unwrap();
    let header_height = || async {
        tab.execute(
            "return document.querySelector('.site-header').getBoundingClientRect().height;",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap()
    };
    let vote = format!("/votes/{id}");
    for (path, ready) in [
        ("/", "h1"),
        (vote.as_str(), ".rounds-compared"),
        ("/history", "h1"),
        ("/insights", "h1"),
        ("/admin", ".members"),
        ("/votes/new", "form"),
    ] {
        tab.open(path).await;
        tab.text_of(ready).await;
        let height = header_height().await;
        assert!(height < 72.0, "{path}: the header is {height} px tall");
        let wider = tab
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(wider, json!(false), "{path} scrolls sideways at 390 px");
    }
    // The menu opens over the page, and a link in it goes there and closes it.
    assert!(
        tab.texts_of(".site-nav a")
            .await
            .iter()
            .all(String::is_empty),
        "folded"
    );
    tab.click(".site-menu__toggle").await;
    tab.wait_for_text(".site-nav a[href='/history']", "History")
        .await;
    // The screenshot widens the window at its end, where the menu's parts sit in the bar;
    // narrowed to a phone's again, the open menu folds by itself, without a page change.
    tab.execute(
        "window.widths = []; addEventListener('resize', () => widths.push(innerWidth));",
        vec![],
    )
    .await
    .unwrap();
    tab.screenshot("menu-open", 390).await;
    poll_until("the page to see the wide window", || async {
        tab.text_from("return String(widths.at(-1) > 600);").await == "true"
    })
    .await;
    let open = "return String(document.querySelector('.site-menu').open);";
    tab.client.set_window_size(390, 900).await.unwrap();
    poll_until("the menu to fold as the window narrows", || async {
        tab.text_from(open).await == "false"
    })
    .await;
    assert!(
        tab.texts_of(".site-nav a")
            .await
            .iter()
            .all(String::is_empty)
    );
    tab.click(".site-menu__toggle").await;
    tab.click(".site-nav a[href='/history']").await;
    world.wait_for_path("/history").await;
    poll_until("the menu to close", || async {
        tab.text_from(open).await == "false"
    })
    .await;
    // Wide again: everything in the bar, no menu button.
    tab.client.set_window_size(1440, 900).await.unwrap();
    tab.wait_for_text(".site-nav a[href='/insights']", "Insights")
        .await;
    assert!(header_height().await < 72.0);
    assert_eq!(
        tab.text_from(
            "return getComputedStyle(document.querySelector('.site-menu__toggle')).display;"
        )
        .await,
        "none"
    );
}
