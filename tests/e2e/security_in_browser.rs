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
    tab.click("form button[type=submit]").await;
    tab.wait_for_text(".form-error", "`url` must be an http or https link")
        .await;
    assert_eq!(tab.path().await, "/votes/new");
    let votes = world.call(reqwest::Method::GET, "/api/votes", None).await;
    assert_eq!(votes["items"], json!([]), "nothing was created");
}

/// The page's visible text without the deck (whose cards are public), read in one go.
async fn text_without_deck(tab: &crate::harness::Tab) -> String {
    let script = "const copy = document.body.cloneNode(true);
        copy.querySelectorAll('.deck').forEach(d => d.remove());
        return copy.textContent;";
    tab.execute(script, vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
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
