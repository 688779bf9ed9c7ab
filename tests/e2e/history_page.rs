//! `/history`: closed votes and their final sizes.

use reqwest::Method;
use serde_json::json;

use crate::harness::World;
use crate::pages::ListPage;

#[tokio::test]
async fn closed_votes_show_their_final_size_and_open_ones_stay_out() {
    let world = World::start().await;
    let closed = world
        .create_vote(json!({"name": "Done deal", "deck": "fibonacci", "project": "api"}))
        .await;
    world.cast(&closed, "slack:Ana", "5").await;
    world
        .call(
            Method::POST,
            &format!("/api/votes/{closed}/close"),
            Some(json!({"final_size": "5"})),
        )
        .await;
    world
        .create_vote(json!({"name": "Still voting", "deck": "fibonacci"}))
        .await;

    let page = ListPage::open(&world, "/history").await;
    page.wait_for_names(&["Done deal"]).await;
    let row = &page.rows().await[0];
    assert!(
        row.text.contains("Final size 5") && row.text.contains("Closed"),
        "{}",
        row.text
    );
    assert_eq!(world.text_of("h1").await, "History");
}

/// A vote closed with `size` at `day` (noon UTC), straight into the store.
async fn closed_on(world: &World, name: &str, day: &str, size: &str) {
    let at = chrono::DateTime::parse_from_rfc3339(&format!("{day}T12:00:00Z"))
        .unwrap()
        .to_utc();
    world
        .server
        .store
        .create_vote(
            asyncvoter_server::store::NewVoteRecord {
                name: name.into(),
                url: None,
                project: Some("api".into()),
                owner: None,
                deck: asyncvoter_wire::DeckKind::Fibonacci,
                cards: None,
                quorum: None,
                deadline: None,
                final_size: Some(size.into()),
                expected_voters: Vec::new(),
                reveal_when_all_voted: false,
                slack: None,
            },
            at,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn history_searches_by_date_range_in_the_address_and_downloads_what_it_shows() {
    let world = World::start().await;
    closed_on(&world, "October story", "2026-10-05", "3").await;
    closed_on(&world, "September story", "2026-09-20", "8").await;
    let agreed = world
        .create_vote(json!({"name": "Agreed today", "deck": "fibonacci", "project": "api"}))
        .await;
    world.cast(&agreed, "slack:Ana", "8").await;
    world.cast(&agreed, "slack:Ben", "8").await;
    world
        .call(
            Method::POST,
            &format!("/api/votes/{agreed}/close"),
            Some(json!({"final_size": "8"})),
        )
        .await;

    let page = ListPage::open(&world, "/history").await;
    page.wait_for_names(&["Agreed today", "October story", "September story"])
        .await;
    let rows = page.rows().await;
    let today = rows
        .iter()
        .find(|r| r.text.contains("Agreed today"))
        .unwrap();
    assert!(
        today.text.contains("Final size 8 · 1 round · Unanimous"),
        "{}",
        today.text
    );

    let page = ListPage::open(&world, "/history?from=2026-10-01&to=2026-10-31").await;
    page.wait_for_names(&["October story"]).await;
    let tab = &world.browser;
    let from = tab
        .text_from("return document.querySelector('[name=from]').value;")
        .await;
    assert_eq!(from, "2026-10-01");
    // Widening the range changes the address and the list.
    tab.execute(
        "const d = document.querySelector('[name=from]'); d.value = '2026-09-01'; \
         d.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![],
    )
    .await
    .unwrap();
    page.wait_for_names(&["October story", "September story"])
        .await;
    tab.wait_for_path("/history?from=2026-09-01&to=2026-10-31")
        .await;

    // The download keeps the filters.
    let href = tab
        .text_from("return document.querySelector('.filters__download').getAttribute('href');")
        .await;
    assert_eq!(
        href,
        "/api/votes/export?format=csv&state=closed&from=2026-09-01&to=2026-10-31"
    );
    let csv = reqwest::get(format!("{}{href}", world.server.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("October story") && csv.contains("September story"),
        "{csv}"
    );
    assert!(!csv.contains("Agreed today"), "{csv}");
}
