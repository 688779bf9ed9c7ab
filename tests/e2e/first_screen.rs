//! The first screen drawn from the answers the server embedded in the page: no request
//! for them, and a page written before a change catches up through its event stream.

use serde_json::json;

use asyncvoter_wire::Role;

use crate::harness::{World, poll_until};
use crate::pages::ListPage;

/// The API paths this tab has fetched since the page loaded.
async fn api_requests(world: &World) -> Vec<String> {
    let script = "return performance.getEntriesByType('resource')
        .map(e => new URL(e.name).pathname + new URL(e.name).search)
        .filter(p => p.startsWith('/api/'));";
    serde_json::from_value(world.browser.execute(script, vec![]).await.unwrap()).unwrap()
}

#[tokio::test]
async fn the_list_and_a_vote_come_with_their_page_not_from_another_request() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Embedded story", "deck": "fibonacci", "project": "web"}))
        .await;
    world.cast(&id, "slack:Ana", "8").await;

    let page = ListPage::open(&world, "/").await;
    page.wait_for_names(&["Embedded story"]).await;
    let rows = page.rows().await;
    assert!(rows[0].text.contains("Ana"), "{}", rows[0].text);
    let asked = api_requests(&world).await;
    assert!(
        !asked.iter().any(|p| p.starts_with("/api/votes")),
        "the first page came with `/`: {asked:?}"
    );

    world.open(&format!("/votes/{id}")).await;
    world.browser.wait_for_text("h1", "Embedded story").await;
    let asked = api_requests(&world).await;
    assert!(
        !asked.iter().any(|p| p.starts_with("/api/votes")),
        "the vote came with its page: {asked:?}"
    );
    // Taken once: a new visit to `/` in the app asks the server.
    world.browser.click("nav a[href=\"/\"]").await;
    page.wait_for_names(&["Embedded story"]).await;
    let asked = api_requests(&world).await;
    assert!(
        asked
            .iter()
            .any(|p| p.starts_with("/api/votes?state=ongoing")),
        "{asked:?}"
    );
}

#[tokio::test]
async fn a_page_written_before_a_ballot_catches_up_through_its_stream() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Stale page", "deck": "fibonacci"}))
        .await;
    world.cast(&id, "slack:Ana", "8").await;
    let tab = &world.browser;
    // The page loads and draws, but its event stream cannot reach the server yet.
    tab.devtools("Network.enable", json!({})).await;
    tab.devtools("Network.setBlockedURLs", json!({"urls": ["*/api/events*"]}))
        .await;
    tab.expect_console_error("api/events");
    world.open(&format!("/votes/{id}")).await;
    tab.wait_for_text("h1", "Stale page").await;
    poll_until("the stream to have failed", || async {
        tab.text_from("return String(document.documentElement.dataset.live)")
            .await
            == "offline"
    })
    .await;
    // Ben votes after the page was written: what it shows is now stale.
    world.cast(&id, "slack:Ben", "5").await;
    let shown = || async { tab.text_from("return document.body.innerText").await };
    assert!(shown().await.contains("Ana") && !shown().await.contains("Ben"));
    // The stream comes back and resumes after the page's newest event: Ben's ballot.
    tab.devtools("Network.setBlockedURLs", json!({"urls": []}))
        .await;
    poll_until(
        "Ben's ballot to reach the page written before it",
        || async { shown().await.contains("Ben") },
    )
    .await;
}

#[tokio::test]
async fn the_home_page_shows_its_votes_before_the_dashboard_loads_then_only_the_dashboards() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Painted by the server", "deck": "fibonacci"}))
        .await;
    // The dashboard's code never arrives: the server's first screen is on screen, and
    // its links lead to the vote.
    let tab = &world.browser;
    tab.devtools("Network.enable", json!({})).await;
    tab.devtools("Network.setBlockedURLs", json!({"urls": ["*.wasm"]}))
        .await;
    tab.expect_console_error("ERR_BLOCKED_BY_CLIENT");
    tab.expect_console_error("Failed to fetch");
    tab.client
        .goto(&format!("{}/", world.server.base))
        .await
        .unwrap();
    let link = "[data-first-paint] .vote-row__link";
    tab.wait_for_text(link, "Painted by the server").await;
    let shown: bool = serde_json::from_value(
        tab.execute(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();
             return r.width > 0 && r.height > 0 && r.top < innerHeight;",
            vec![json!(link)],
        )
        .await
        .unwrap(),
    )
    .unwrap();
    assert!(shown, "the first vote is drawn in the window");
    tab.click(link).await;
    poll_until("the vote's page", || async {
        world.path().await == format!("/votes/{id}")
    })
    .await;

    // With its code, the dashboard draws `/` itself in place of the server's screen.
    tab.devtools("Network.setBlockedURLs", json!({"urls": []}))
        .await;
    let page = ListPage::open(&world, "/").await;
    page.wait_for_names(&["Painted by the server"]).await;
    let counts: Vec<u64> = serde_json::from_value(
        tab.execute(
            "return ['[data-first-paint]', '.vote-list', 'h1', 'header.site-header']
                .map(css => document.querySelectorAll(css).length);",
            vec![],
        )
        .await
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        counts,
        [0, 1, 1, 1],
        "first paint, lists, headings, headers"
    );
    tab.assert_accessible("`/` after the dashboard took over")
        .await;
}

/// A page with a first screen the server draws, and what to measure on it.
struct Screen {
    /// Its path.
    path: String,
    /// Where it is, once drawn (on the server's drawing or the dashboard's).
    drawn: &'static str,
    /// Its landmarks: what must not move when the dashboard takes over.
    landmarks: &'static [&'static str],
}

/// `/`: the heading, first vote link, list count, brand and filters, and what waits on a
/// member.
fn home() -> Screen {
    Screen {
        path: "/".into(),
        drawn: ".vote-list .vote-row",
        landmarks: &[
            "main h1",
            ".vote-row__link",
            ".list-count",
            "header.site-header .brand",
            "form.filters",
            "input[name=q]",
            ".waiting",
            ".waiting__name",
        ],
    }
}

/// A vote's page: the story, its facts, the round, who has voted and is waited on, the
/// sealed note and the deck (the cards to vote with for a member).
fn vote_page(id: &str) -> Screen {
    Screen {
        path: format!("/votes/{id}"),
        drawn: "article.vote h1.vote__title",
        landmarks: &[
            "header.site-header .brand",
            ".vote__project",
            "h1.vote__title",
            ".vote__badges .badge",
            "dl.facts",
            "#tally-title",
            ".tally",
            "ul.voters",
            ".sealed-note",
            "#deck-title",
            ".deck__card, .deck-legend__card",
            ".login-prompt",
        ],
    }
}

/// Where `screen`'s landmarks are, in CSS pixels from the window's corner: `[top, left,
/// width, height]` each, or nothing where one is missing (a visitor has nothing waiting).
async fn landmarks(tab: &crate::harness::Tab, screen: &Screen) -> Vec<Option<[f64; 4]>> {
    let script = "return arguments[0].map(css => {
            const found = [...document.querySelectorAll(css)].filter(e => e.getClientRects().length)[0];
            if (!found) return null;
            const r = found.getBoundingClientRect();
            return [r.top, r.left, r.width, r.height];
        });";
    let value = tab
        .execute(script, vec![json!(screen.landmarks)])
        .await
        .unwrap();
    serde_json::from_value(value).unwrap()
}

/// Where the landmarks of `screen` are on the server's first screen (the dashboard's
/// code blocked) and after the dashboard drew it, at `width` px.
async fn takeover_at(
    world: &World,
    screen: &Screen,
    width: u32,
) -> (Vec<Option<[f64; 4]>>, Vec<Option<[f64; 4]>>) {
    let tab = &world.browser;
    let url = format!("{}{}", world.server.base, screen.path);
    tab.client.set_window_size(width, 900).await.unwrap();
    tab.devtools("Network.enable", json!({})).await;
    tab.devtools("Network.setBlockedURLs", json!({"urls": ["*.wasm"]}))
        .await;
    tab.client.goto(&url).await.unwrap();
    tab.text_of(&format!("[data-first-paint] {}", screen.drawn))
        .await;
    let painted = landmarks(tab, screen).await;
    tab.assert_accessible(&format!(
        "the server's first screen of {} at {width} px",
        screen.path
    ))
    .await;
    tab.devtools("Network.setBlockedURLs", json!({"urls": []}))
        .await;
    tab.client.goto(&url).await.unwrap();
    let script = format!(
        "return String(!document.querySelector('[data-first-paint]')
            && !!document.querySelector('{}'))",
        screen.drawn
    );
    poll_until("the dashboard to take over the first screen", || async {
        tab.text_from(&script).await == "true"
    })
    .await;
    (painted, landmarks(tab, screen).await)
}

/// Checks, for a visitor and then for `member` logged in with `password` (in the dark
/// scheme, so both are checked for contrast), that the landmarks of the screen each
/// viewer gets stay where the server drew them when the dashboard takes over. `drawn`
/// says which landmarks a viewer must have.
async fn nothing_moves(
    world: &World,
    (member, password): (&str, &str),
    screen: &Screen,
    drawn: impl Fn(&str, &str) -> bool,
) {
    let tab = &world.browser;
    tab.expect_console_error("ERR_BLOCKED_BY_CLIENT");
    tab.expect_console_error("Failed to fetch");
    for viewer in ["a visitor", "a member"] {
        if viewer != "a visitor" {
            tab.log_in(member, password, &screen.path).await;
            tab.emulate_color_scheme("dark").await;
        }
        for width in [1280, 390] {
            let (painted, shown) = takeover_at(world, screen, width).await;
            for (css, at) in screen.landmarks.iter().zip(&painted) {
                assert_eq!(
                    at.is_some(),
                    drawn(viewer, css),
                    "{viewer}, {width} px: {css} at {at:?}"
                );
            }
            assert_eq!(
                painted, shown,
                "{viewer}, {width} px: {:?} stay where the server drew them",
                screen.landmarks
            );
        }
    }
    tab.emulate_color_scheme("light").await;
}

#[tokio::test]
async fn the_dashboard_takes_over_the_home_page_without_moving_what_is_on_it() {
    let world = World::start().await;
    let password = world.add_member("ana", "Ana Lima", Role::Member).await;
    for name in ["Login page", "Checkout", "Search"] {
        world
            .create_vote(json!({"name": name, "deck": "fibonacci", "project": "web"}))
            .await;
    }
    let deadline = (chrono::Utc::now() + chrono::Duration::hours(5)).to_rfc3339();
    world
        .create_vote(
            json!({"name": "Waits on Ana", "deck": "tshirt", "project": "web",
            "expected_voters": ["ana", "slack:T1:U1"], "deadline": deadline}),
        )
        .await;
    let waits = |viewer: &str, css: &str| viewer == "a member" || !css.starts_with(".waiting");
    nothing_moves(&world, ("ana", &password), &home(), waits).await;
}

#[tokio::test]
async fn the_dashboard_takes_over_a_vote_page_without_moving_what_is_on_it() {
    let world = World::start().await;
    let password = world.add_member("ana", "Ana Lima", Role::Member).await;
    let deadline = (chrono::Utc::now() + chrono::Duration::hours(30)).to_rfc3339();
    let id = world
        .create_vote(json!({
            "name": "Checkout retries", "url": "https://tickets.example/42", "deck": "fibonacci",
            "project": "web", "quorum": 4, "deadline": deadline,
            "expected_voters": ["ana", "slack:T1:U1", "slack:T1:U2"]
        }))
        .await;
    world.cast(&id, "slack:T1:U1", "8").await;
    // Ana's own card and reason are drawn for her (her cards disabled until the dashboard
    // runs them); a visitor gets the deck and a way to log in.
    world
        .call(
            reqwest::Method::PUT,
            &format!("/api/votes/{id}/ballots/slack:T1:U2"),
            Some(json!({"card": "13", "reason": "Retries touch the ledger"})),
        )
        .await;
    let screen = vote_page(&id);
    nothing_moves(&world, ("ana", &password), &screen, |viewer, css| {
        css != ".login-prompt" || viewer == "a visitor"
    })
    .await;
    // Nobody's card is on the page but the member's own (she has none): sealed.
    let page = world
        .browser
        .text_from("return document.documentElement.outerHTML")
        .await;
    for sealed in [
        "Retries touch the ledger",
        "\"card\":\"8\"",
        "\"card\":\"13\"",
    ] {
        assert!(!page.contains(sealed), "{sealed} is on the page");
    }
}
