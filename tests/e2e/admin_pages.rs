//! `/admin`, `/account` and the members-only mode, in the browser.

use serde_json::json;

use asyncvoter_server::Visibility;
use asyncvoter_wire::Role;

use crate::harness::{World, poll_until};
use crate::pages::ListPage;

#[tokio::test]
async fn an_admin_adds_a_member_and_resets_a_password_who_then_changes_it() {
    let world = World::start().await;
    let root = world.add_member("root", "Root Admin", Role::Admin).await;
    let tab = &world.browser;
    tab.log_in("root", &root, "/admin").await;
    tab.fill("username", "cleo").await;
    tab.fill("display_name", "Cleo Park").await;
    tab.fill("password", "first-password").await;
    tab.click("form.form button[type=submit]").await;
    tab.wait_for_text(".confirmation", "Added cleo.").await;
    tab.wait_for_text(".members tbody th", "Cleo Park").await;

    let reset = "input[aria-label='New password for cleo']";
    tab.find(fantoccini::Locator::Css(reset))
        .await
        .unwrap()
        .send_keys("second-password")
        .await
        .unwrap();
    tab.click(".members tr:has(input[aria-label='New password for cleo']) button")
        .await;
    tab.wait_for_text(".members .confirmation", "Password reset.")
        .await;

    let cleo = world.another_browser("cleo").await;
    cleo.log_in("cleo", "second-password", "/account").await;
    cleo.wait_for_text(".facts dd", "Cleo Park").await;
    cleo.fill("current_password", "second-password").await;
    cleo.fill("new_password", "third-password").await;
    cleo.fill("repeat_password", "third-password").await;
    cleo.click("form:has([name=current_password]) button[type=submit]")
        .await;
    cleo.wait_for_text(".confirmation", "Your password is changed.")
        .await;
}

#[tokio::test]
async fn members_only_servers_ask_for_a_login_then_show_the_votes() {
    let world = World::start_with(|settings| asyncvoter_server::Settings {
        visibility: Visibility::Members,
        ..settings
    })
    .await;
    world
        .create_vote(json!({"name": "Private roadmap", "deck": "fibonacci"}))
        .await;
    let password = world.add_member("ana", "Ana Lima", Role::Member).await;
    world.open("/").await;
    let prompt = world.text_of(".login-prompt").await;
    assert!(prompt.contains("members only"), "{prompt}");
    assert!(
        !world
            .browser
            .source()
            .await
            .unwrap()
            .contains("Private roadmap")
    );
    world.browser.click(".login-prompt a").await;
    poll_until("the login page", || async {
        world.path().await.starts_with("/login")
    })
    .await;
    world.browser.fill("username", "ana").await;
    world.browser.fill("password", &password).await;
    world.browser.click("form button[type=submit]").await;
    ListPage { world: &world }
        .wait_for_names(&["Private roadmap"])
        .await;
}

#[tokio::test]
async fn a_new_server_is_set_up_in_the_browser_from_the_printed_link() {
    let world = World::start().await;
    let path = world
        .server
        .setup_path
        .clone()
        .expect("nobody is a member: a setup link");
    let tab = &world.browser;
    tab.open(&path).await;
    tab.wait_for_text("h1", "Set up AsyncVoter").await;
    for width in [1440, 390] {
        tab.screenshot("first-run", width).await;
    }
    tab.client.set_window_size(1280, 900).await.unwrap();
    tab.fill("username", "ana").await;
    tab.fill("display_name", "Ana Lima").await;
    tab.fill("password", "a long passphrase").await;
    tab.fill("repeat", "a long passphrase").await;
    tab.click("form button[type=submit]").await;
    // Home, logged in as the new admin, with the way to start.
    tab.wait_for_text(".account__name", "Ana Lima").await;
    tab.wait_for_text(".empty a.button", "Start a vote").await;
    tab.wait_for_path("/").await;
    assert!(
        tab.texts_of(".account__link")
            .await
            .iter()
            .any(|t| t == "Admin"),
        "an admin"
    );
    // The link is spent.
    tab.expect_console_error("Failed to load resource: the server responded with a status of 410");
    tab.open(&path).await;
    tab.wait_for_text("h1", "This setup link no longer works")
        .await;
}

#[tokio::test]
async fn an_admin_makes_a_token_copies_it_once_and_revoking_it_locks_it_out() {
    let world = World::start().await;
    let root = world.add_member("root", "Root Admin", Role::Admin).await;
    let tab = &world.browser;
    tab.log_in("root", &root, "/admin/tokens").await;
    tab.wait_for_text("h1", "Integration tokens").await;
    tab.fill("token_name", "ci-relay").await;
    tab.click("input[name=scope][value='votes:manage']").await;
    tab.click("form button[type=submit]").await;
    let secret = tab.text_of(".secret__value code").await;
    assert!(secret.starts_with("av_"), "{secret}");
    tab.click(".secret .copy-link button").await;
    poll_until("the secret to be copied or offered", || async {
        let copied = tab.texts_of(".secret .copy-link__status").await;
        let by_hand = tab
            .client
            .execute(
                "const f = document.querySelector('.secret .copy-link__url'); return f && f.value;",
                vec![],
            )
            .await
            .unwrap();
        copied.iter().any(|t| t == "Copied") || by_hand.as_str() == Some(secret.as_str())
    })
    .await;
    tab.wait_for_text(
        "tr[data-token=ci-relay] td code",
        "votes:write, votes:manage",
    )
    .await;
    tab.wait_for_text("tr[data-token=ci-relay] td:nth-of-type(3)", "never")
        .await;
    for width in [1440, 390] {
        tab.screenshot("admin-tokens", width).await;
    }

    let api = reqwest::Client::new();
    let start = |token: String| {
        api.post(format!("{}/api/votes", world.server.base))
            .bearer_auth(token)
            .json(&json!({"name": "From the relay", "deck": "tshirt"}))
            .send()
    };
    assert_eq!(start(secret.clone()).await.unwrap().status(), 201);
    tab.open("/admin/tokens").await;
    tab.text_of("tr[data-token=ci-relay] time").await;
    assert!(
        !tab.markup().await.contains(&secret),
        "the secret is never shown again"
    );
    tab.click("tr[data-token=ci-relay] button").await;
    tab.click("tr[data-token=ci-relay] .button--danger").await;
    poll_until("the token to leave the list", || async {
        tab.texts_of("tr[data-token=ci-relay]").await.is_empty()
    })
    .await;
    assert_eq!(start(secret).await.unwrap().status(), 401);
}

#[tokio::test]
async fn disabling_a_member_ends_their_open_session_and_their_ballots_stay_theirs() {
    let world = World::start().await;
    let root = world.add_member("root", "Root Admin", Role::Admin).await;
    let ana_password = world.add_member("ana", "Ana Lima", Role::Member).await;
    let id = world
        .create_vote(json!({"name": "Checkout retries", "deck": "fibonacci"}))
        .await;
    let ana = world.another_browser("ana").await;
    ana.log_in("ana", &ana_password, &format!("/votes/{id}"))
        .await;
    ana.click("button.deck__card[aria-label='Vote 5']").await;
    ana.text_of(".picker__status .confirmation").await;

    let tab = &world.browser;
    tab.log_in("root", &root, "/admin").await;
    tab.click(".members tr:has(input[aria-label='New password for ana']) td:last-child > button")
        .await;
    tab.wait_for_text(
        ".members tr.member--disabled td:nth-of-type(2)",
        "member · disabled",
    )
    .await;
    // The browser logs the refusal it is about to get.
    ana.expect_console_error("/api/me/settings");
    let next_request = "const done = arguments[arguments.length - 1];
        fetch('/api/me/settings').then(r => done(r.status));";
    let answered = ana
        .client
        .execute_async(next_request, vec![])
        .await
        .unwrap();
    assert_eq!(answered, json!(401), "her open session ends at once");

    tab.open(&format!("/votes/{id}")).await;
    tab.wait_for_text(".voters .voter", "Ana Lima").await;
    tab.open("/admin").await;
    tab.click(".members tr.member--disabled td:last-child > button")
        .await;
    poll_until("ana to be enabled again", || async {
        tab.texts_of(".members tr.member--disabled")
            .await
            .is_empty()
    })
    .await;
    ana.log_in("ana", &ana_password, "/account").await;
    ana.wait_for_text("h1", "Your account").await;
}
