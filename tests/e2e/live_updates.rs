//! Pages follow changes made elsewhere, without a reload, and catch up after the server
//! restarts.

use std::time::{Duration, Instant};

use asyncvoter_server::rules;
use asyncvoter_server::store::BallotCast;
use serde_json::json;

use crate::harness::{Tab, World, poll_until};
use crate::pages::VoteView;

/// Waits up to `limit` for `css` to show `text` somewhere; the time it took.
async fn shows_within(tab: &Tab, css: &str, text: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    loop {
        if tab.texts_of(css).await.iter().any(|t| t.contains(text)) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "`{css}` did not show {text:?} within {limit:?}: {:?}",
            tab.texts_of(css).await
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A marker the page loses on reload, to prove updates came without one.
async fn mark_page(tab: &Tab) {
    tab.execute("window.__stillHere = true; return null;", vec![])
        .await
        .unwrap();
}

async fn still_same_page(tab: &Tab) -> bool {
    tab.execute("return window.__stillHere === true;", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
}

/// Waits until the page's event stream is open.
async fn wait_until_live(tab: &Tab) {
    poll_until("the live connection", || async move {
        tab.execute("return document.documentElement.dataset.live;", vec![])
            .await
            .unwrap()
            .as_str()
            == Some("online")
    })
    .await;
}

#[tokio::test]
async fn a_ballot_from_a_bot_shows_on_the_list_and_the_vote_page_within_a_second() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Checkout coupons", "deck": "fibonacci", "quorum": 3}))
        .await;

    world.open("/").await;
    world.text_of(".vote-row").await;
    let vote_tab = world.another_browser("vote").await;
    vote_tab.open(&format!("/votes/{id}")).await;
    vote_tab.text_of(".vote").await;
    for tab in [&world.browser, &vote_tab] {
        wait_until_live(tab).await;
        mark_page(tab).await;
    }

    world.cast(&id, "slack:Bob", "3").await;
    shows_within(
        &world.browser,
        ".vote-row .voter",
        "Bob",
        Duration::from_secs(1),
    )
    .await;
    world.cast(&id, "slack:Ana", "8").await;
    let on_list = shows_within(
        &world.browser,
        ".vote-row .voter",
        "Ana",
        Duration::from_secs(1),
    )
    .await;
    let on_page = shows_within(
        &vote_tab,
        ".panel .voters .voter",
        "Ana",
        Duration::from_secs(1),
    )
    .await;
    println!("ballot visible on / after {on_list:?}, on /votes/:id after {on_page:?}");
    assert!(
        world
            .text_of(".vote-row .tally")
            .await
            .contains("2 of 3 for quorum")
    );
    assert!(
        vote_tab
            .text_of(".tally")
            .await
            .contains("2 of 3 for quorum")
    );
    assert_eq!(
        world
            .browser
            .texts_of("[role=status].visually-hidden")
            .await,
        ["Checkout coupons: 2 of 3 voted"],
        "announced for screen readers"
    );

    // A withdrawn ballot leaves both pages too.
    world
        .call(
            reqwest::Method::DELETE,
            &format!("/api/votes/{id}/ballots/slack:Bob"),
            None,
        )
        .await;
    shows_within(
        &world.browser,
        ".vote-row .tally",
        "1 of 3 for quorum",
        Duration::from_secs(1),
    )
    .await;
    shows_within(
        &vote_tab,
        ".tally",
        "1 of 3 for quorum",
        Duration::from_secs(1),
    )
    .await;
    assert!(
        !world
            .texts_of(".vote-row .voter")
            .await
            .contains(&"Bob".to_owned())
    );

    // A vote started elsewhere appears on the list; the sealed card never shows.
    world
        .create_vote(json!({"name": "Gift cards", "deck": "tshirt"}))
        .await;
    shows_within(
        &world.browser,
        ".vote-row__title",
        "Gift cards",
        Duration::from_secs(1),
    )
    .await;
    let page = VoteView { tab: &vote_tab };
    assert!(page.ballots("Ballots of round 1").await.is_empty());
    assert!(!vote_tab.text_of(".panel").await.contains('8'));
    for tab in [&world.browser, &vote_tab] {
        assert!(still_same_page(tab).await, "updated in place, not reloaded");
    }
}

#[tokio::test]
async fn after_a_server_restart_pages_reconnect_and_catch_up_on_what_they_missed() {
    let mut world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Invoice export", "deck": "fibonacci"}))
        .await;
    world.cast(&id, "slack:Ana", "3").await;
    world.open("/").await;
    world.text_of(".vote-row .voter").await;
    let vote_tab = world.another_browser("vote").await;
    vote_tab.open(&format!("/votes/{id}")).await;
    vote_tab.text_of(".panel .voters").await;
    for tab in [&world.browser, &vote_tab] {
        wait_until_live(tab).await;
        mark_page(tab).await;
    }

    let vote_id = id.clone();
    world
        .restart_server(|store| async move {
            store
                .cast_ballot(BallotCast {
                    vote_id,
                    voter: "slack:Ben".into(),
                    card: "5".into(),
                    reason: None,
                    name: None,
                    at: rules::now(),
                })
                .await
                .unwrap();
        })
        .await;

    let limit = Duration::from_secs(10);
    shows_within(&world.browser, ".vote-row .voter", "Ben", limit).await;
    shows_within(&vote_tab, ".panel .voters .voter", "Ben", limit).await;
    for tab in [&world.browser, &vote_tab] {
        assert!(still_same_page(tab).await, "caught up without a reload");
        poll_until("the offline pill to go", || async move {
            tab.texts_of(".live-offline").await.is_empty()
        })
        .await;
    }
    // And live again afterwards.
    world.cast(&id, "slack:Chloé", "8").await;
    shows_within(
        &vote_tab,
        ".panel .voters .voter",
        "Chloé",
        Duration::from_secs(1),
    )
    .await;
}

#[tokio::test]
async fn many_full_page_loads_in_a_row_do_not_use_up_the_browsers_connections() {
    // Each load opens an event stream; a browser allows six connections per site, so
    // streams of pages left behind must close or the seventh page stalls.
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Reloads", "deck": "fibonacci"}))
        .await;
    for _ in 0..4 {
        for path in ["/", &format!("/votes/{id}") as &str] {
            world.open(path).await;
            world.text_of(".vote-row, .vote").await;
            wait_until_live(&world.browser).await;
        }
    }
    world.cast(&id, "slack:Ana", "3").await;
    shows_within(
        &world.browser,
        ".panel .voters .voter",
        "Ana",
        Duration::from_secs(1),
    )
    .await;
}

#[tokio::test]
async fn sections_a_reader_opened_stay_open_when_a_live_change_arrives() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Re-vote", "deck": "fibonacci"}))
        .await;
    world.cast(&id, "slack:Ana", "3").await;
    for step in ["reveal", "rounds"] {
        world
            .call(
                reqwest::Method::POST,
                &format!("/api/votes/{id}/{step}"),
                None,
            )
            .await;
    }
    let tab = &world.browser;
    tab.open(&format!("/votes/{id}")).await;
    tab.click("details.round summary").await;
    tab.click("details.round .chart__data summary").await;
    wait_until_live(tab).await;

    world.cast(&id, "slack:Ben", "5").await;
    shows_within(tab, ".panel .voters .voter", "Ben", Duration::from_secs(1)).await;
    let open = tab
        .execute(
            "return [...document.querySelectorAll('details.round, details.round .chart__data')].map(d => d.open);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(open, json!([true, true]), "still open after the update");
}
