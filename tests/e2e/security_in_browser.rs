//! What the browser must never do: run markup from a vote's name, accept a script link.

use serde_json::json;

use asyncvoter_wire::Role;

use crate::harness::World;
use crate::pages::ListPage;

const HOSTILE: &str = "<img src=x onerror=window.__xss=1>";

#[tokio::test]
async fn a_vote_named_like_markup_renders_as_text_and_runs_nothing() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": HOSTILE, "deck": "tshirt"}))
        .await;
    let list = ListPage::open(&world, "/").await;
    list.wait_for_names(&[HOSTILE]).await;
    world.open(&format!("/votes/{id}")).await;
    world.browser.wait_for_text(".vote__title", HOSTILE).await;
    let ran = world
        .browser
        .execute("return window.__xss !== undefined || document.querySelectorAll('main img').length > 0;", vec![])
        .await
        .unwrap();
    assert_eq!(ran, json!(false), "the name stayed text");
}

#[tokio::test]
async fn a_javascript_link_is_refused_when_starting_a_vote() {
    let world = World::start().await;
    let password = world.add_member("ana", "Ana Lima", Role::Member).await;
    let tab = &world.browser;
    tab.log_in("ana", &password, "/votes/new").await;
    tab.text_of("form [name=url]").await;
    tab.fill("name", "Sneaky").await;
    tab.fill("url", "javascript:alert(1)").await;
    tab.expect_console_error(
        "/api/votes - Failed to load resource: the server responded with a status of 422",
    );
    tab.click("form button[type=submit]").await;
    tab.wait_for_text(
        ".form-error",
        "The ticket link must be a web address starting with https:// or http://",
    )
    .await;
    tab.wait_for_path("/votes/new").await;
    let votes = world.call(reqwest::Method::GET, "/api/votes", None).await;
    assert_eq!(votes["items"], json!([]), "nothing was created");
}

/// The page's visible text without the deck (whose cards are public) and the picker's
/// hint (examples drawn from the deck's cards), read in one go.
async fn text_without_deck(tab: &crate::harness::Tab) -> String {
    let script = "const copy = document.body.cloneNode(true);
        copy.querySelectorAll('.deck, .deck-legend, .picker__help').forEach(d => d.remove());
        return copy.textContent;";
    tab.text_from(script).await
}

#[tokio::test]
async fn no_page_shows_a_sealed_card_to_another_member_or_a_visitor_until_the_reveal() {
    let world = World::start().await;
    let password = world.add_member("cleo", "Cleo Park", Role::Member).await;
    let id = world
        .create_vote(
            json!({"name": "Leak scan", "deck": "custom", "cards": ["ZEBRA", "QUAIL", "OTTER"]}),
        )
        .await;
    world.cast(&id, "slack:Ana", "ZEBRA").await;
    world.cast(&id, "slack:Ben", "QUAIL").await;

    let member = &world.browser;
    member.log_in("cleo", &password, "/").await;
    let visitor = world.another_browser("visitor").await;
    for tab in [member, &visitor] {
        for path in [
            "/".to_owned(),
            format!("/votes/{id}"),
            "/history".to_owned(),
        ] {
            tab.open(&path).await;
            tab.text_of(".vote-list, .vote, .empty").await;
            let text = text_without_deck(tab).await;
            assert!(
                !text.contains("ZEBRA") && !text.contains("QUAIL"),
                "{path} shows a sealed card: {text}"
            );
        }
    }

    world
        .call(
            reqwest::Method::POST,
            &format!("/api/votes/{id}/reveal"),
            None,
        )
        .await;
    for tab in [member, &visitor] {
        tab.open(&format!("/votes/{id}")).await;
        tab.text_of("table.ballots").await;
        let text = text_without_deck(tab).await;
        assert!(
            text.contains("ZEBRA") && text.contains("QUAIL"),
            "after the reveal both show: {text}"
        );
    }
}

#[tokio::test]
async fn after_logging_in_no_next_leads_off_this_site() {
    let world = World::start().await;
    let password = world.add_member("ana", "Ana Lima", Role::Member).await;
    let tab = &world.browser;
    let ours = url::Url::parse(&world.server.base).unwrap();
    for payload in [
        "/%09/evil.example/x",
        "/%0A/evil.example/x",
        "/%5Cevil.example/x",
        "//evil.example/x",
        "https://evil.example/x",
        "javascript:alert(1)",
    ] {
        tab.open(&format!("/login?next={payload}")).await;
        tab.log_in_here("ana", &password).await;
        let landed = tab.current_url().await.unwrap();
        assert_eq!(
            (landed.host_str(), landed.port(), landed.path()),
            (ours.host_str(), ours.port(), "/"),
            "{payload} led to {landed}"
        );
    }
    // A path on this site is still where the login returns to.
    tab.open("/login?next=%2Fhistory%3Fq%3Dx").await;
    tab.log_in_here("ana", &password).await;
    tab.wait_for_path("/history?q=x").await;
}

#[tokio::test]
async fn an_external_voter_cannot_pass_for_a_member_of_the_same_name() {
    let world = World::start().await;
    let password = world.add_member("ana", "Ana Lima", Role::Member).await;
    let id = world
        .create_vote(json!({"name": "Twins", "deck": "fibonacci"}))
        .await;
    world.cast(&id, "legacy:Ana Lima", "3").await;
    let tab = &world.browser;
    tab.log_in("ana", &password, &format!("/votes/{id}")).await;
    tab.click(".deck__card[aria-label^=\"Vote 5\"]").await;
    tab.wait_for_text(".panel .voters .voter", "Ana Lima").await;
    let mut shown = tab.texts_of(".panel .voters .voter").await;
    shown.sort();
    assert_eq!(shown, ["Ana Lima", "Ana Lima · 2016 API"]);
}
