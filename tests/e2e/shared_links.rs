//! A vote's link is how it travels: it opens for anyone, can be copied from the page, and
//! on a members-only server leads through the login back to the vote.

use asyncvoter_server::Visibility;
use asyncvoter_wire::Role;
use serde_json::json;

use crate::harness::{World, poll_until};
use crate::pages::VoteView;

#[tokio::test]
async fn a_shared_link_opens_read_only_for_visitors_and_offers_a_way_back_after_login() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Refund flow", "deck": "fibonacci"}))
        .await;
    let password = world.add_member("ana", "Ana Lima", Role::Member).await;

    let page = VoteView::open(&world, &id).await;
    assert_eq!(page.title().await, "Refund flow");
    assert!(
        world.texts_of("button[aria-pressed]").await.is_empty(),
        "read-only"
    );
    world.browser.click(".login-prompt a").await;
    world.browser.log_in_here("ana", &password).await;
    world.wait_for_path(&format!("/votes/{id}")).await;
    world.text_of("button[aria-pressed]").await;
}

#[tokio::test]
async fn on_a_members_only_server_the_link_asks_for_a_login_then_shows_the_vote() {
    let world = World::start_with(|settings| asyncvoter_server::Settings {
        visibility: Visibility::Members,
        ..settings
    })
    .await;
    let id = world
        .create_vote(json!({"name": "Private pricing", "deck": "tshirt"}))
        .await;
    let password = world.add_member("ana", "Ana Lima", Role::Member).await;

    world.open(&format!("/votes/{id}")).await;
    let prompt = world.text_of(".login-prompt").await;
    assert!(prompt.contains("members only"), "{prompt}");
    assert!(
        !world
            .browser
            .source()
            .await
            .unwrap()
            .contains("Private pricing")
    );
    // The refused event stream is not a lost connection: no "offline" for a visitor.
    poll_until("the stream to wait for a login", || async {
        world
            .browser
            .execute("return document.documentElement.dataset.live;", vec![])
            .await
            .unwrap()
            .as_str()
            == Some("login-needed")
    })
    .await;
    assert!(world.texts_of(".live-offline").await.is_empty());
    world.browser.click(".login-prompt a").await;
    world.browser.log_in_here("ana", &password).await;
    world.wait_for_path(&format!("/votes/{id}")).await;
    assert_eq!(
        VoteView {
            tab: &world.browser
        }
        .title()
        .await,
        "Private pricing"
    );
    // Logged in, the stream opens and live changes arrive.
    world.cast(&id, "slack:Ben", "M").await;
    world
        .browser
        .wait_for_text(".panel .voters .voter", "Ben · Slack")
        .await;
}

#[tokio::test]
async fn the_copy_link_button_copies_the_votes_address() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Coupon stacking", "deck": "fibonacci"}))
        .await;
    VoteView::open(&world, &id).await;
    world.browser.click(".copy-link button").await;
    let name =
        "return document.querySelector('.copy-link button').textContent.replace(/\\s+/g, ' ');";
    assert_eq!(
        world.browser.text_from(name).await,
        "Copy link to this vote",
        "its name for a screen reader starts with the words on it"
    );
    let url = format!("{}/votes/{id}", world.server.base);
    poll_until("the link to be copied or offered", || {
        let url = url.clone();
        let world = &world;
        async move {
            let copied = world.texts_of(".vote__badges .copy-link__status").await;
            let by_hand = world
                .browser
                .execute(
                    "const f = document.querySelector('.vote__badges .copy-link__url'); return f && f.value;",
                    vec![],
                )
                .await
                .unwrap();
            copied.iter().any(|t| t == "Link copied") || by_hand.as_str() == Some(url.as_str())
        }
    })
    .await;
}

#[tokio::test]
async fn a_rows_copy_link_button_on_the_list_copies_that_votes_address() {
    let world = World::start().await;
    let first = world
        .create_vote(json!({"name": "Coupon stacking", "deck": "fibonacci"}))
        .await;
    let second = world
        .create_vote(json!({"name": "Gift cards", "deck": "fibonacci"}))
        .await;
    world.browser.open("/").await;
    let row = format!(".vote-row[data-vote-id=\"{first}\"]");
    world
        .browser
        .click(&format!("{row} .copy-link button"))
        .await;
    let url = format!("{}/votes/{first}", world.server.base);
    poll_until("the row's link to be copied or offered", || {
        let (url, row) = (url.clone(), row.clone());
        let world = &world;
        async move {
            let copied = world.texts_of(&format!("{row} .copy-link__status")).await;
            let by_hand = world
                .browser
                .execute(
                    &format!("const f = document.querySelector('{row} .copy-link__url'); return f && f.value;"),
                    vec![],
                )
                .await
                .unwrap();
            copied.iter().any(|t| t == "Link copied") || by_hand.as_str() == Some(url.as_str())
        }
    })
    .await;
    let other = world
        .texts_of(&format!(
            ".vote-row[data-vote-id=\"{second}\"] .copy-link__status"
        ))
        .await;
    assert!(
        other.iter().all(String::is_empty),
        "only the clicked row answers: {other:?}"
    );
}
