//! axe-core on every page and state, light and dark; a whole vote by keyboard alone.

use reqwest::Method;
use serde_json::json;

use asyncvoter_wire::Role;

use crate::harness::{Tab, World};

/// A page, what shows once it has loaded, and whether it belongs in the screenshot set.
struct Stop {
    name: &'static str,
    path: String,
    ready: &'static str,
    screenshot: bool,
}

impl Stop {
    fn new(name: &'static str, path: impl Into<String>, ready: &'static str) -> Stop {
        Stop {
            name,
            path: path.into(),
            ready,
            screenshot: false,
        }
    }

    fn pictured(self) -> Stop {
        Stop {
            screenshot: true,
            ..self
        }
    }
}

/// Opens each stop in light and dark and runs axe on it; pictures those in the set at
/// 1440 and 390 px.
async fn visit(tab: &Tab, stops: &[Stop]) {
    for scheme in ["light", "dark"] {
        tab.emulate_color_scheme(scheme).await;
        for stop in stops {
            tab.open(&stop.path).await;
            tab.text_of(stop.ready).await;
            tab.assert_accessible(&format!("{} ({scheme})", stop.name))
                .await;
            if stop.screenshot {
                for width in [1440, 390] {
                    let name = format!("{}-{scheme}", stop.name);
                    tab.screenshot(&name, width).await;
                }
                tab.assert_accessible(&format!("{} ({scheme}, after resizing)", stop.name))
                    .await;
            }
        }
    }
}

#[tokio::test]
async fn every_page_in_every_state_has_no_serious_accessibility_violation_light_or_dark() {
    let world = World::start().await;
    let tab = &world.browser;
    let setup = world.server.setup_path.clone().expect("a setup link");
    visit(
        tab,
        &[Stop::new("first-run", setup, "form [name=username]").pictured()],
    )
    .await;

    let password = world.add_member("ana", "Ana Lima", Role::Admin).await;
    world.add_member("ben", "Ben Okafor", Role::Member).await;
    let voting = world
        .create_vote(json!({"name": "Checkout retries", "url": "https://tracker.example/PAY-12", "deck": "fibonacci", "project": "payments", "expected_voters": ["ana", "ben"]}))
        .await;
    world.cast(&voting, "slack:T1:Ujo", "5").await;
    let revealed = world
        .create_vote(json!({"name": "Refund flow", "deck": "fibonacci", "project": "payments"}))
        .await;
    for (voter, card) in [
        ("slack:T1:Ujo", "3"),
        ("slack:T1:Ukim", "8"),
        ("slack:T1:Ulee", "5"),
    ] {
        world.cast(&revealed, voter, card).await;
    }
    world
        .call(Method::POST, &format!("/api/votes/{revealed}/reveal"), None)
        .await;
    let closed = world
        .create_vote(json!({"name": "Invoice export", "deck": "tshirt", "project": "billing"}))
        .await;
    world.cast(&closed, "slack:T1:Ujo", "M").await;
    world
        .call(
            Method::POST,
            &format!("/api/votes/{closed}/close"),
            Some(json!({"final_size": "M"})),
        )
        .await;

    // The browser logs the not-found page's 404 status.
    tab.expect_console_error("/nope - Failed to load resource");
    visit(
        tab,
        &[
            Stop::new("login", "/login", "form [name=username]"),
            Stop::new("ongoing-anonymous", "/", ".vote-list"),
            Stop::new(
                "vote-anonymous",
                format!("/votes/{voting}"),
                ".login-prompt",
            ),
            Stop::new("not-found", "/nope", "#not-found-title"),
        ],
    )
    .await;
    tab.log_in("ana", &password, "/").await;
    visit(
        tab,
        &[
            Stop::new("ongoing", "/", ".vote-list").pictured(),
            Stop::new("new-vote", "/votes/new", "form [name=name]"),
            Stop::new("voting-vote", format!("/votes/{voting}"), ".deck").pictured(),
            Stop::new(
                "revealed-vote",
                format!("/votes/{revealed}"),
                "svg[role=img]",
            )
            .pictured(),
            Stop::new("closed-vote", format!("/votes/{closed}"), "svg[role=img]"),
            Stop::new("history", "/history", ".vote-list"),
            Stop::new("insights", "/insights", "svg[role=img]").pictured(),
            Stop::new("admin", "/admin", "table.members").pictured(),
            Stop::new(
                "notifications",
                "/admin/notifications",
                "[name=webhook_url]",
            ),
            Stop::new("tokens", "/admin/tokens", "form [name=token_name]"),
            Stop::new("account", "/account", "form [name=email]"),
        ],
    )
    .await;
    for scheme in ["light", "dark"] {
        tab.emulate_color_scheme(scheme).await;
        after_clicks(tab, &voting, scheme).await;
    }
}

/// The states a click brings: a ballot cast, a confirmation asked, the narrow menu open.
async fn after_clicks(tab: &Tab, voting: &str, scheme: &str) {
    tab.open(&format!("/votes/{voting}")).await;
    tab.click("button.deck__card[aria-label='Vote 3']").await;
    tab.text_of(".picker__status .confirmation").await;
    tab.assert_accessible(&format!("a vote just cast ({scheme})"))
        .await;
    tab.click(".owner-controls button:not(.button--danger)")
        .await;
    tab.text_of("[role=alertdialog]").await;
    tab.assert_accessible(&format!("reveal asking to confirm ({scheme})"))
        .await;
    tab.click("[role=alertdialog] .button--quiet").await;
    tab.client.set_window_size(390, 900).await.unwrap();
    tab.open("/").await;
    tab.click(".site-menu summary").await;
    let open = "return String(document.querySelector('.site-menu').open);";
    assert_eq!(tab.text_from(open).await, "true", "the menu opened");
    tab.assert_accessible(&format!("the menu open at 390 px ({scheme})"))
        .await;
    tab.client.set_window_size(1280, 900).await.unwrap();
}

#[tokio::test]
async fn a_whole_vote_runs_from_the_keyboard_alone() {
    let world = World::start().await;
    let password = world.add_member("ana", "Ana Lima", Role::Admin).await;
    let tab = &world.browser;
    let enter = char::from(fantoccini::key::Key::Enter).to_string();
    tab.open("/login?next=%2Fvotes%2Fnew").await;
    tab.tab_to("[name=username]", None).await;
    tab.type_here("ana").await;
    tab.tab_to("[name=password]", None).await;
    tab.type_here(&format!("{password}{enter}")).await;

    tab.text_of("form [name=name]").await;
    tab.tab_to("[name=name]", None).await;
    tab.type_here(&format!("Keyboard story{enter}")).await;
    tab.wait_for_text("h1", "Keyboard story").await;
    tab.text_of(".deck").await;
    tab.tab_to("[name=reason]", None).await;
    tab.type_here("Two services change").await;
    tab.tab_to("button.deck__card", Some("8")).await;
    tab.type_here(&enter).await;
    tab.wait_for_text(
        ".picker__status",
        "Your vote (8) and your reason are recorded. You can change them until the vote is revealed.",
    )
    .await;

    tab.tab_to(".owner-controls button", Some("Reveal now"))
        .await;
    tab.type_here(&enter).await;
    tab.text_of("svg[role=img]").await;
    tab.wait_for_text(".ballots td", "Two services change")
        .await;

    tab.tab_to(".owner-controls button", Some("Start a new round"))
        .await;
    tab.type_here(&enter).await;
    tab.wait_for_text("section[aria-labelledby=tally-title] h2", "Round 2")
        .await;
    // A card by typing its value, from wherever the focus is.
    tab.tab_to("button.deck__card", Some("1")).await;
    tab.type_here("5").await;
    tab.wait_for_text(
        ".picker__status",
        "Your vote (5) is recorded. You can change it until the vote is revealed.",
    )
    .await;

    // Closing an open round asks first; the answer is the next stop for Tab.
    tab.tab_to(".owner-controls button", Some("Close the vote"))
        .await;
    tab.type_here(&enter).await;
    tab.tab_to("[role=alertdialog] button", Some("Close and reveal"))
        .await;
    tab.type_here(&enter).await;
    tab.text_of(".badge[data-state=closed]").await;
    tab.wait_for_text(".facts__final dd", "8").await;
}
