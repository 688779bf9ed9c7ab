//! The asynchronous loop in the browser: choosing who a vote waits on, "Waiting on you",
//! sealed reasons, a member's notification settings, and the admins' webhooks page.

use fantoccini::Locator;
use serde_json::json;

use asyncvoter_test_support::Receiver;
use asyncvoter_wire::Role;

use crate::harness::{Tab, World, poll_until};
use crate::pages::ListPage;

/// Whether the checkbox for `voter` in the start form is ticked.
async fn ticked(tab: &Tab, voter: &str) -> bool {
    let script = "const box = document.querySelector(`input[name=expected_voters][value='${arguments[0]}']`);
        return !!box && box.checked;";
    tab.execute(script, vec![json!(voter)])
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

#[tokio::test]
async fn the_start_form_waits_on_the_members_chosen_and_remembers_them_for_the_project() {
    let world = World::start().await;
    let ana = world.add_member("ana", "Ana Lima", Role::Member).await;
    world.add_member("ben", "Ben Okoro", Role::Member).await;
    world.add_member("cara", "Cara Diaz", Role::Member).await;
    let tab = &world.browser;
    tab.log_in("ana", &ana, "/votes/new").await;

    tab.fill("name", "Refund emails").await;
    tab.fill("project", "web").await;
    // Ben with the mouse, Cara with the keyboard (a checkbox takes Space).
    tab.click("input[name=expected_voters][value=ben]").await;
    tab.find(Locator::Css("input[name=expected_voters][value=cara]"))
        .await
        .unwrap()
        .send_keys(" ")
        .await
        .unwrap();
    tab.wait_for_text(".voter-picker__summary [role=status]", "2 people chosen")
        .await;
    assert!(ticked(tab, "ben").await && ticked(tab, "cara").await);
    assert!(!ticked(tab, "ana").await, "nobody is chosen unasked");
    let reveal = tab
        .find(Locator::Css("input[name=reveal_when_all_voted]"))
        .await
        .unwrap();
    assert_eq!(
        reveal.prop("checked").await.unwrap().as_deref(),
        Some("true"),
        "revealing once everyone voted is the default with expected voters"
    );
    tab.click("input[name=remember_voters]").await;
    tab.click("form button[type=submit]").await;

    tab.wait_for_text(".vote__title", "Refund emails").await;
    tab.wait_for_text(".panel__subtitle", "Waiting on").await;
    assert_eq!(
        tab.texts_of("ul[aria-label='Who the vote waits on'] .voter")
            .await,
        ["Ben Okoro", "Cara Diaz"]
    );
    let project = world
        .call(reqwest::Method::GET, "/api/projects/web", None)
        .await;
    assert_eq!(
        project["default_voters"],
        json!([{"id": "ben", "name": "Ben Okoro"}, {"id": "cara", "name": "Cara Diaz"}])
    );

    // Ana, the owner, changes who it waits on from the vote page.
    tab.click("details.vote-editor summary").await;
    tab.click("details.vote-editor input[name=expected_voters][value=ana]")
        .await;
    tab.click("details.vote-editor input[name=expected_voters][value=cara]")
        .await;
    tab.click("details.vote-editor button[type=submit]").await;
    poll_until("the vote to wait on Ana and Ben", || async {
        tab.texts_of("ul[aria-label='Who the vote waits on'] .voter")
            .await
            == ["Ben Okoro", "Ana Lima"]
    })
    .await;

    // The next vote in the project starts with its usual voters filled in.
    tab.open("/votes/new").await;
    tab.fill("name", "Refund PDFs").await;
    tab.fill("project", "web").await;
    tab.fill("name", "Refund PDFs").await; // leaving the project field reads it
    tab.wait_for_text(".field [role=status]", "Filled in with web's usual voters.")
        .await;
    poll_until("ben and cara to be ticked", || async {
        ticked(tab, "ben").await && ticked(tab, "cara").await && !ticked(tab, "ana").await
    })
    .await;
    assert!(
        tab.texts_of("input[name=remember_voters]").await.is_empty(),
        "nothing to remember when the choice is the project's own"
    );
    // "Nobody" clears the choice: the vote then waits on nobody.
    tab.click(".voter-picker__summary button:last-child").await;
    assert!(!ticked(tab, "ben").await);
    tab.click("form button[type=submit]").await;
    tab.wait_for_text(".vote__title", "Refund PDFs").await;
    tab.wait_for_text(
        ".sealed-note",
        "Nobody has voted yet. Estimates and reasons stay sealed until the vote is revealed.",
    )
    .await;
    assert!(
        tab.texts_of("ul[aria-label='Who the vote waits on']")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn waiting_on_you_appears_and_leaves_live_when_the_member_votes_from_another_tab() {
    let world = World::start().await;
    let ben = world.add_member("ben", "Ben Okoro", Role::Member).await;
    world.add_member("cara", "Cara Diaz", Role::Member).await;
    let tab = &world.browser;
    tab.log_in("ben", &ben, "/").await;
    let list = ListPage { world: &world };
    list.settled().await;
    assert!(
        tab.texts_of(".waiting").await.is_empty(),
        "nothing waits yet"
    );
    assert!(tab.texts_of(".waiting-count").await.is_empty());

    // A bot starts a vote that waits on Ben and Cara: it shows up at the top, live.
    let id = world
        .create_vote(json!({
            "name": "Invoice export", "deck": "fibonacci", "owner": "slack:PM",
            "expected_voters": ["ben", "cara"],
        }))
        .await;
    tab.wait_for_text("#waiting-title", "Waiting on you (1)")
        .await;
    tab.wait_for_text(".waiting__name", "Invoice export").await;
    assert_eq!(
        tab.texts_of(".waiting__meta .muted").await,
        ["Also waiting on 1 other"]
    );
    tab.wait_for_text(".waiting-count__number", "1").await;
    list.wait_for_names(&["Invoice export"]).await;
    poll_until("the row to say who it waits on", || async {
        tab.texts_of(".vote-row__waiting").await == ["Waiting on Ben Okoro and Cara Diaz"]
    })
    .await;

    // Ben votes in another tab; the first tab drops the vote from "Waiting on you".
    let first = tab.open_another_tab().await;
    tab.open(&format!("/votes/{id}")).await;
    tab.text_of("button.deck__card").await;
    tab.press("3").await;
    tab.wait_for_text(
        ".picker__status",
        "Your vote (3) is recorded. You can change it until the vote is revealed.",
    )
    .await;
    tab.switch_to(first).await;
    poll_until("the waiting section to leave", || async {
        tab.texts_of(".waiting").await.is_empty() && tab.texts_of(".waiting-count").await.is_empty()
    })
    .await;
    poll_until("the row to wait on Cara only", || async {
        tab.texts_of(".vote-row__waiting").await == ["Waiting on Cara Diaz"]
    })
    .await;
}

#[tokio::test]
async fn a_reason_stays_hidden_from_another_member_until_the_reveal_then_shows() {
    let world = World::start().await;
    let ana_password = world.add_member("ana", "Ana Lima", Role::Member).await;
    let ben_password = world.add_member("ben", "Ben Okoro", Role::Member).await;
    let id = world
        .create_vote(json!({
            "name": "Payment retries", "deck": "fibonacci", "owner": "slack:PM",
            "expected_voters": ["ana", "ben"],
        }))
        .await;
    let marker = "QX7 the sandbox is flaky";

    // Ben gives a reason with his card, then rewords it on its own.
    let ben = world.another_browser("ben").await;
    ben.log_in("ben", &ben_password, &format!("/votes/{id}"))
        .await;
    ben.fill("reason", "first thoughts").await;
    ben.click("button.deck__card[aria-label='Vote 8']").await;
    ben.wait_for_text(
        ".picker__status",
        "Your vote (8) and your reason are recorded. You can change them until the vote is revealed.",
    )
    .await;
    ben.fill("reason", marker).await;
    ben.wait_for_text(".picker button.button--quiet", "Save my reason")
        .await;
    ben.click(".picker button.button--quiet").await;
    poll_until("the new reason to be saved", || async {
        ben.texts_of(".picker button.button--quiet")
            .await
            .is_empty()
    })
    .await;
    // Reloaded, the page gives Ben his own reason back.
    ben.open(&format!("/votes/{id}")).await;
    poll_until("Ben's reason to come back", || async {
        let value = ben
            .execute(
                "const f = document.querySelector('textarea[name=reason]'); return f && f.value;",
                vec![],
            )
            .await
            .unwrap();
        value.as_str() == Some(marker)
    })
    .await;

    // Ana sees that Ben voted, and neither his card nor his reason.
    let ana = &world.browser;
    ana.log_in("ana", &ana_password, &format!("/votes/{id}"))
        .await;
    ana.wait_for_text(".tally__count", "1 vote").await;
    let page = ana.markup().await;
    assert!(
        !page.contains("QX7"),
        "Ben's reason leaked before the reveal"
    );
    assert!(ana.texts_of(".far-apart, table.ballots").await.is_empty());

    // Ana's ballot is the last one expected: the vote reveals itself, reasons and all.
    ana.fill("reason", "Only a config change").await;
    ana.click("button.deck__card[aria-label='Vote 2']").await;
    ana.wait_for_text(".far-apart h3", "Why so far apart?")
        .await;
    let sides: Vec<String> = ana
        .texts_of(".far-apart__side h4")
        .await
        .iter()
        .map(|side| side.to_lowercase())
        .collect();
    assert_eq!(sides, ["lowest", "highest"]);
    assert_eq!(
        ana.texts_of(".far-apart__reason").await,
        ["Only a config change", marker]
    );
    ana.wait_for_text(".facts dd .muted", "· everyone voted")
        .await;
    // The table keeps the order ballots came in: Ben's first.
    let reasons = ana.texts_of("table.ballots .ballots__reason").await;
    assert_eq!(reasons, [marker, "Only a config change"]);
    // Ben's tab hears of the reveal and shows the same.
    ben.wait_for_text(".far-apart h3", "Why so far apart?")
        .await;
}

#[tokio::test]
async fn a_member_chooses_which_emails_they_get() {
    let world = World::start().await;
    let ben = world.add_member("ben", "Ben Okoro", Role::Member).await;
    let tab = &world.browser;
    tab.log_in("ben", &ben, "/account").await;
    tab.text_of("input[name=email]").await;
    tab.fill("email", "not an address").await;
    tab.click("form:has([name=email]) button[type=submit]")
        .await;
    // The browser's own check stops a malformed address before it is sent.
    let valid = tab
        .execute(
            "return document.querySelector('input[name=email]').checkValidity();",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(valid, json!(false));

    tab.fill("email", "ben@example.com").await;
    tab.click("input[name=results]").await;
    tab.click("form:has([name=email]) button[type=submit]")
        .await;
    tab.wait_for_text(".confirmation", "Your notifications are saved.")
        .await;

    tab.open("/account").await;
    poll_until("the saved settings to load", || async {
        let state = tab
            .execute(
                "const f = n => document.querySelector(`input[name=${n}]`);
                 return f('email') && [f('email').value, f('reminders').checked, f('results').checked, f('all_voted').checked];",
                vec![],
            )
            .await
            .unwrap();
        state == json!(["ben@example.com", true, false, true])
    })
    .await;
}

#[tokio::test]
async fn an_admin_adds_a_webhook_sees_its_secret_once_tests_it_and_removes_it() {
    let world = World::start().await;
    let root = world.add_member("root", "Root Admin", Role::Admin).await;
    let ben = world.add_member("ben", "Ben Okoro", Role::Member).await;
    let receiver = Receiver::start(0).await;
    let tab = &world.browser;
    tab.log_in("root", &root, "/admin/notifications").await;
    tab.wait_for_text(".empty", "No webhooks yet.").await;

    tab.fill("webhook_url", &format!("{}/estimates", receiver.base))
        .await;
    tab.click("form:has([name=webhook_url]) button[type=submit]")
        .await;
    let secret = tab.text_of(".secret__value code").await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    tab.wait_for_text(".webhook__meta span", "Every change")
        .await;

    // "Send test": a ping, signed with the secret just shown, shows in the deliveries.
    tab.click(".webhook__actions button").await;
    tab.wait_for_text(
        ".webhook .confirmation",
        "A test ping is on its way; it shows in the deliveries.",
    )
    .await;
    poll_until("the ping to be delivered and logged", || async {
        tab.texts_of(".webhook .deliveries tbody tr[data-status=delivered] code")
            .await
            == ["ping"]
    })
    .await;
    poll_until("the count and the sent log to follow", || async {
        let meta = tab.texts_of(".webhook__meta span").await;
        let sent = tab
            .texts_of("section[aria-labelledby=sent-title] tbody tr[data-status=delivered]")
            .await;
        meta.iter().any(|m| m == "1 delivered") && sent.len() == 1 && sent[0].contains("ping")
    })
    .await;
    let pings = receiver.accepted();
    assert_eq!(pings.len(), 1);
    standardwebhooks::Webhook::new(&secret)
        .unwrap()
        .verify(pings[0].body.as_bytes(), &pings[0].headers)
        .expect("the ping is signed with the secret the page showed");

    // The secret is not shown again.
    tab.open("/admin/notifications").await;
    tab.text_of(".webhook__url").await;
    assert!(!tab.markup().await.contains(&secret));

    // An endpoint that refuses connections: its failure and last error are in the log.
    tab.fill("webhook_url", "http://127.0.0.1:9/down").await;
    tab.click("input[name=every_change]").await;
    tab.click("input[name=event][value=revealed]").await;
    tab.click("form:has([name=webhook_url]) button[type=submit]")
        .await;
    tab.wait_for_text(".webhook__meta span", "revealed").await;
    tab.click(".webhook:last-child .webhook__actions button")
        .await;
    poll_until("the failing ping's error to show", || async {
        let errors = tab
            .texts_of(".webhook:last-child .deliveries tbody td.deliveries__error")
            .await;
        errors.len() == 1 && !errors[0].trim().is_empty()
    })
    .await;
    tab.click("input[name=failed_only]").await;
    poll_until("only the failure to be listed", || async {
        let rows = tab
            .texts_of("section[aria-labelledby=sent-title] tbody tr")
            .await;
        rows.len() == 1 && rows[0].contains("webhook") && rows[0].contains("ping")
    })
    .await;

    // Removing asks first.
    tab.click(".webhook:first-child .webhook__actions button:last-child")
        .await;
    tab.click(".webhook:first-child .webhook__confirm .button--danger")
        .await;
    poll_until("one webhook to be left", || async {
        tab.texts_of(".webhook__url").await == ["http://127.0.0.1:9/down"]
    })
    .await;

    // Members may not see any of it.
    let member = world.another_browser("ben").await;
    member.log_in("ben", &ben, "/admin/notifications").await;
    member
        .wait_for_text(".notice", "Only admins manage notifications.")
        .await;
    assert!(member.texts_of(".webhook").await.is_empty());
}

/// The screens of this loop at a desktop and a phone width, saved for a person to look
/// at (`target/screenshots/`); each is checked for content and for no sideways scrolling.
#[tokio::test]
async fn screenshots_of_waiting_votes_reasons_and_webhooks() {
    let world = World::start().await;
    let root = world.add_member("root", "Root Admin", Role::Admin).await;
    let ben = world.add_member("ben", "Ben Okoro", Role::Member).await;
    world.add_member("cara", "Cara Diaz", Role::Member).await;
    world.add_member("dan", "Dan Mwangi", Role::Member).await;
    let receiver = Receiver::start(0).await;
    let in_hours = |hours: i64| (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339();
    for (name, project, hours) in [
        ("Checkout: saved cards", "web-shop", 5),
        ("Search results pagination", "web-shop", 30),
        ("Offline mode for the field app", "mobile", 70),
    ] {
        world
            .create_vote(json!({
                "name": name, "project": project, "deck": "fibonacci", "owner": "slack:PM",
                "url": "https://tracker.example.com/STORY-1", "deadline": in_hours(hours),
                "expected_voters": ["ben", "cara", "dan"],
            }))
            .await;
    }
    let other = world
        .create_vote(json!({"name": "Audit log export", "project": "admin", "deck": "tshirt"}))
        .await;
    world.cast(&other, "slack:T1:U1", "M").await;
    let revealed = world
        .create_vote(json!({
            "name": "Retry failed payments", "project": "payments", "deck": "fibonacci",
            "url": "https://tracker.example.com/PAY-88",
        }))
        .await;
    for (voter, card, reason) in [
        (
            "slack:T1:Uana",
            "3",
            "A retry queue exists already; this wires it to the provider.",
        ),
        ("slack:T1:Ujo", "5", "Needs alerting when retries run out."),
        (
            "slack:T1:Ukim",
            "13",
            "The provider's sandbox does not simulate soft declines, so we test by hand.",
        ),
        ("slack:T1:Ulee", "5", ""),
    ] {
        let body = match reason {
            "" => json!({"card": card}),
            reason => json!({"card": card, "reason": reason}),
        };
        world
            .call(
                reqwest::Method::PUT,
                &format!("/api/votes/{revealed}/ballots/{voter}"),
                Some(body),
            )
            .await;
    }
    world
        .call(
            reqwest::Method::POST,
            &format!("/api/votes/{revealed}/reveal"),
            None,
        )
        .await;

    let tab = &world.browser;
    tab.log_in("ben", &ben, "/").await;
    tab.wait_for_text("#waiting-title", "Waiting on you (3)")
        .await;
    ListPage { world: &world }.settled().await;
    for width in [1440, 390] {
        tab.screenshot("ongoing-waiting-on-you", width).await;
    }
    tab.open(&format!("/votes/{revealed}")).await;
    tab.wait_for_text(".far-apart h3", "Why so far apart?")
        .await;
    for width in [1440, 390] {
        tab.screenshot("revealed-vote-with-reasons", width).await;
    }

    let admin = world.another_browser("root").await;
    admin.log_in("root", &root, "/admin/notifications").await;
    admin
        .fill("webhook_url", &format!("{}/estimates", receiver.base))
        .await;
    admin
        .click("form:has([name=webhook_url]) button[type=submit]")
        .await;
    admin.text_of(".secret__value code").await;
    admin
        .fill("webhook_url", "http://127.0.0.1:9/ci-hook")
        .await;
    admin.fill("webhook_project", "payments").await;
    admin
        .click("form:has([name=webhook_url]) button[type=submit]")
        .await;
    poll_until("both webhooks to be listed", || async {
        admin.texts_of(".webhook__url").await.len() == 2
    })
    .await;
    admin
        .click(".webhook:first-child .webhook__actions button")
        .await;
    admin
        .click(".webhook:last-child .webhook__actions button")
        .await;
    poll_until("the deliveries to show", || async {
        admin.texts_of(".webhook .deliveries tbody tr").await.len() == 2
            && !admin
                .texts_of(".webhook:first-child tr[data-status=delivered]")
                .await
                .is_empty()
            && !admin
                .texts_of("td.deliveries__error")
                .await
                .iter()
                .all(|e| e.trim().is_empty())
    })
    .await;
    for width in [1440, 390] {
        admin.screenshot("admin-webhooks", width).await;
    }
}

#[tokio::test]
async fn the_start_form_suggests_existing_projects_and_any_spelling_joins_them() {
    let world = World::start().await;
    let ana = world.add_member("ana", "Ana Lima", Role::Member).await;
    world
        .create_vote(json!({"name": "Older", "deck": "fibonacci", "project": "Platform"}))
        .await;
    let tab = &world.browser;
    tab.log_in("ana", &ana, "/votes/new").await;
    crate::harness::poll_until("the project suggestions", || async {
        tab.text_from(
            "return [...document.querySelectorAll('#known-projects option')].map(o => o.value).join(',');",
        )
        .await
            == "Platform"
    })
    .await;
    tab.fill("name", "Newer").await;
    tab.fill("project", "platform").await;
    tab.click("form button[type=submit]").await;
    tab.wait_for_text(".vote__title", "Newer").await;
    let listed = world
        .call(reqwest::Method::GET, "/api/votes?project=Platform", None)
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2, "{listed}");
}
