//! Members voting from their own browsers, and the owner running the vote.

use fantoccini::Locator;
use serde_json::json;

use asyncvoter_wire::Role;

use crate::harness::{Tab, World, poll_until};
use crate::pages::{ListPage, VoteView};

/// The labels of the pressed card buttons.
async fn pressed(tab: &Tab) -> Vec<String> {
    tab.texts_of("button.deck__card[aria-pressed=true] .deck__label")
        .await
}

#[tokio::test]
async fn two_members_vote_from_their_browsers_and_the_owner_reveals_and_closes() {
    let world = World::start().await;
    let ana_password = world.add_member("ana", "Ana Lima", Role::Member).await;
    let ben_password = world.add_member("ben", "Ben Okoro", Role::Member).await;

    // A logs in and starts a vote from the dashboard.
    let a = &world.browser;
    a.log_in("ana", &ana_password, "/votes/new").await;
    a.wait_for_path("/votes/new").await;
    a.fill("name", "Checkout coupons").await;
    a.fill("project", "web").await;
    a.click("form button[type=submit]").await;
    a.wait_for_text(".vote__title", "Checkout coupons").await;
    let id = a.vote_id_in_path().await;

    // B follows the shared link logged out, logs in from it and lands back on the vote.
    let b = world.another_browser("ben").await;
    b.open(&format!("/votes/{id}")).await;
    b.wait_for_text(".vote__title", "Checkout coupons").await;
    b.click(".login-prompt a").await;
    b.log_in_here("ben", &ben_password).await;
    b.wait_for_path(&format!("/votes/{id}")).await;

    // B votes by typing the card's value (5), then changes it (1 then 3: 13).
    b.text_of("button.deck__card").await;
    b.press("5").await;
    b.wait_for_text(
        ".picker__status",
        "Your vote (5) is recorded. You can change it until the vote is revealed.",
    )
    .await;
    assert_eq!(pressed(&b).await, ["5"]);
    b.press("13").await;
    b.wait_for_text(
        ".picker__status",
        "Your vote (13) is recorded. You can change it until the vote is revealed.",
    )
    .await;
    assert_eq!(pressed(&b).await, ["13"]);

    // A sees that B voted, not what.
    a.open(&format!("/votes/{id}")).await;
    a.wait_for_text(".tally__count", "1 vote").await;
    assert_eq!(a.texts_of(".panel .voters .voter").await, ["Ben Okoro"]);
    assert!(pressed(a).await.is_empty(), "A has not voted");
    assert!(
        a.texts_of("table.ballots").await.is_empty(),
        "no values before the reveal"
    );
    let tally = a.text_of(".panel").await;
    assert!(!tally.contains("13"), "{tally}");

    // A reveals: both see the values.
    a.click(".owner-controls button").await;
    let page = VoteView { tab: a };
    poll_until("A to see the ballots", || async {
        page.ballots("Ballots of round 1").await == [("Ben Okoro".to_owned(), "13".to_owned())]
    })
    .await;
    b.open(&format!("/votes/{id}")).await;
    let page_b = VoteView { tab: &b };
    poll_until("B to see the ballots", || async {
        page_b.ballots("Ballots of round 1").await == [("Ben Okoro".to_owned(), "13".to_owned())]
    })
    .await;

    // A closes with a final size from the deck; the vote leaves the ongoing list.
    let select = a
        .find(Locator::Css("select[name=final_size]"))
        .await
        .unwrap();
    select.select_by_value("13").await.unwrap();
    a.click(".owner-controls form button[type=submit]").await;
    a.wait_for_text(".facts__final dd", "13").await;

    // A closed vote's size can still be corrected; B sees it change live.
    b.wait_for_text(".facts__final dd", "13").await;
    a.wait_for_text(
        ".owner-controls form button[type=submit]",
        "Change final size",
    )
    .await;
    let select = a
        .find(Locator::Css("select[name=final_size]"))
        .await
        .unwrap();
    select.select_by_value("8").await.unwrap();
    a.click(".owner-controls form button[type=submit]").await;
    a.wait_for_text(".facts__final dd", "8").await;
    b.wait_for_text(".facts__final dd", "8").await;
    let ongoing = ListPage::open(&world, "/").await;
    ongoing.wait_for_names(&[]).await;
    let history = ListPage::open(&world, "/history").await;
    history.wait_for_names(&["Checkout coupons"]).await;
}

#[tokio::test]
async fn a_member_withdraws_a_vote_and_only_owners_get_the_controls() {
    let world = World::start().await;
    let password = world.add_member("ben", "Ben Okoro", Role::Member).await;
    let id = world
        .create_vote(json!({"name": "Not ben's", "deck": "tshirt", "owner": "slack:Dana"}))
        .await;
    let tab = &world.browser;
    tab.log_in("ben", &password, &format!("/votes/{id}")).await;
    tab.click("button.deck__card[aria-label='Vote M']").await;
    tab.wait_for_text(
        ".picker__status",
        "Your vote (M) is recorded. You can change it until the vote is revealed.",
    )
    .await;
    tab.wait_for_text(".tally__count", "1 vote").await;
    tab.click(".picker .link-button").await;
    tab.wait_for_text(".picker__status", "Your vote is withdrawn.")
        .await;
    tab.wait_for_text(".tally__count", "No votes yet").await;
    assert!(pressed(tab).await.is_empty());
    assert!(
        tab.texts_of(".owner-controls").await.is_empty(),
        "ben does not own this vote"
    );
}

#[tokio::test]
async fn a_wrong_password_is_explained_on_the_login_page() {
    let world = World::start().await;
    world.add_member("ana", "Ana Lima", Role::Member).await;
    let tab = &world.browser;
    tab.open("/login").await;
    tab.expect_console_error(
        "/api/session - Failed to load resource: the server responded with a status of 401",
    );
    tab.fill("username", "ana").await;
    tab.fill("password", "not-her-password").await;
    tab.click("form button[type=submit]").await;
    tab.wait_for_text(".form-error", "wrong username or password")
        .await;
    tab.wait_for_path("/login").await;
}

#[tokio::test]
async fn the_login_page_tells_a_logged_in_member_who_they_are_and_lets_them_go_on() {
    let world = World::start().await;
    let password = world.add_member("ana", "Ana Lima", Role::Member).await;
    let tab = &world.browser;
    tab.log_in("ana", &password, "/history").await;
    tab.open("/login?next=%2Finsights").await;
    tab.wait_for_text(".already-in p", "You are logged in as Ana Lima (ana).")
        .await;
    assert!(
        tab.texts_of("form [name=password]").await.is_empty(),
        "no form to fill again"
    );
    tab.click(".already-in a.button").await;
    crate::harness::poll_until("going on to /insights", || async {
        tab.path().await == "/insights"
    })
    .await;
    tab.open("/login").await;
    tab.click(".already-in button").await;
    tab.text_of("form [name=password]").await;
    assert!(
        tab.texts_of(".already-in").await.is_empty(),
        "logged out: the form is back"
    );
}
