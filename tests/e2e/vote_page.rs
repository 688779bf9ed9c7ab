//! `/votes/:id`: the shareable page of one vote.

use chrono::Datelike;
use fantoccini::Locator;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{World, poll_until};
use crate::pages::VoteView;

#[tokio::test]
async fn a_vote_opened_directly_shows_its_story_and_who_voted_but_no_values() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({
            "name": "Search pagination", "deck": "fibonacci", "project": "web",
            "url": "https://example.com/tickets/42", "quorum": 4, "owner": "slack:Dana",
        }))
        .await;
    world.cast(&id, "slack:Ana", "13").await;
    world.cast(&id, "slack:Ben", "21").await;

    let page = VoteView::open(&world, &id).await;
    assert_eq!(page.title().await, "Search pagination");
    let link = world
        .browser
        .find(Locator::Css(".vote__title a"))
        .await
        .unwrap();
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some("https://example.com/tickets/42")
    );
    let facts = page.facts().await;
    for (term, value) in [
        ("deck", "Fibonacci"),
        ("owner", "Dana · Slack"),
        ("round", "1"),
    ] {
        assert!(
            facts.contains(&(term.into(), value.into())),
            "{term} = {value} in {facts:?}"
        );
    }
    assert_eq!(
        world.texts_of(".panel .voters .voter").await,
        ["Ana · Slack", "Ben · Slack"]
    );
    assert!(world.text_of(".tally").await.contains("2 of 4 for quorum"));
    assert!(
        world.texts_of("table.ballots").await.is_empty(),
        "no ballot table before reveal"
    );
    let tally = world.text_of(".panel").await;
    assert!(
        !tally.contains("13") && !tally.contains("21"),
        "sealed: {tally}"
    );
}

#[tokio::test]
async fn after_reveal_each_ballot_shows_and_earlier_rounds_stay_readable() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Export", "deck": "tshirt"}))
        .await;
    world.cast(&id, "slack:Ana", "S").await;
    world.cast(&id, "slack:Ben", "XL").await;
    world
        .call(Method::POST, &format!("/api/votes/{id}/reveal"), None)
        .await;

    let page = VoteView::open(&world, &id).await;
    assert_eq!(
        page.ballots("Ballots of round 1").await,
        [
            ("Ana · Slack".into(), "S".into()),
            ("Ben · Slack".into(), "XL".into())
        ]
    );

    world
        .call(Method::POST, &format!("/api/votes/{id}/rounds"), None)
        .await;
    world.cast(&id, "slack:Ana", "M").await;
    let page = VoteView::open(&world, &id).await;
    assert!(world.text_of("#tally-title").await.contains("Round 2"));
    world
        .browser
        .find(Locator::Css("details.round summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(page.ballots("Ballots of round 1").await.len(), 2);
    assert!(
        page.ballots("Ballots of round 2").await.is_empty(),
        "round 2 is sealed"
    );
}

#[tokio::test]
async fn an_unknown_vote_shows_not_found() {
    let world = World::start().await;
    world
        .browser
        .expect_console_error("0123456789abcdef01234567 - Failed to load resource: the server responded with a status of 404");
    world.open("/votes/0123456789abcdef01234567").await;
    assert_eq!(world.text_of("#not-found-title").await, "Not found");
    assert!(
        world
            .text_of(".notice--not-found")
            .await
            .contains("There is no vote with this link")
    );
}

#[tokio::test]
async fn a_live_ballot_changes_the_tally_and_leaves_the_rest_of_the_page_as_it_was() {
    let world = World::start().await;
    let password = world
        .add_member("root", "Rhea Admin", asyncvoter_wire::Role::Admin)
        .await;
    let id = world
        .create_vote(json!({"name": "In place", "deck": "fibonacci"}))
        .await;
    world.cast(&id, "slack:Ana", "3").await;
    for action in ["reveal", "rounds"] {
        world
            .call(Method::POST, &format!("/api/votes/{id}/{action}"), None)
            .await;
    }
    let tab = &world.browser;
    tab.log_in("root", &password, &format!("/votes/{id}")).await;
    tab.wait_for_text(".tally__count", "No votes yet").await;
    tab.text_of("details.round").await;

    // What a reader is in the middle of: a focused card, an open round, a size half-chosen.
    let marked = tab
        .execute(
            "const picker = document.querySelector('.picker');
             picker.dataset.mark = 'picker';
             const round = document.querySelector('details.round');
             round.open = true;
             round.dataset.mark = 'round';
             document.querySelector('.chart__data').open = true;
             const size = document.querySelector('select[name=final_size]');
             size.value = '8';
             size.dataset.mark = 'size';
             const card = document.querySelector('.deck__card[aria-label^=\"Vote 5\"]');
             card.focus();
             return document.activeElement === card;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(marked, json!(true));

    world.cast(&id, "slack:Ben", "8").await;
    tab.wait_for_text(".tally__count", "1 vote").await;
    tab.wait_for_text(".panel .voters .voter", "Ben · Slack")
        .await;
    let kept = tab
        .execute(
            "const round = document.querySelector('details.round');
             const size = document.querySelector('select[name=final_size]');
             const focused = document.activeElement;
             return [
               document.querySelector('.picker')?.dataset.mark ?? 'rebuilt',
               round?.dataset.mark ?? 'rebuilt',
               String(round?.open),
               String(round?.querySelector('.chart__data')?.open),
               size?.dataset.mark ?? 'rebuilt',
               size?.value,
               focused?.getAttribute('aria-label') ?? 'nothing focused',
             ];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        kept,
        json!(["picker", "round", "true", "true", "size", "8", "Vote 5"]),
        "the same nodes, as the reader left them"
    );
}

/// The status line under the cards once `card` is recorded.
fn recorded(card: &str) -> String {
    format!("Your vote ({card}) is recorded. You can change it until the vote is revealed.")
}

#[tokio::test]
async fn typing_a_cards_value_picks_that_card_on_every_deck() {
    let world = World::start().await;
    let password = world
        .add_member("ana", "Ana Lima", asyncvoter_wire::Role::Member)
        .await;
    let tab = &world.browser;
    tab.log_in("ana", &password, "/").await;
    // Each deck: keys typed and the card they pick, and the hint's examples of it.
    let decks = [
        (
            json!({"deck": "fibonacci"}),
            vec![("8", "8"), ("13", "13"), ("0", "0"), ("2", "2"), ("?", "?")],
            "type its value: 8 for 8, 1 then 3 for 13, ? for no opinion.",
        ),
        (
            json!({"deck": "tshirt"}),
            vec![("xl", "XL"), ("s", "S"), ("XS", "XS")],
            "type its value: L for L, X then S for XS, ? for no opinion.",
        ),
        (
            json!({"deck": "agileventures"}),
            vec![("3", "3"), ("1", "1")],
            "type its value: 3 for 3, ? for no opinion.",
        ),
        (
            json!({"deck": "custom", "cards": ["1", "10", "100", "?"]}),
            vec![("100", "100"), ("10", "10"), ("1", "1")],
            "type its value: 1 for 1, 1 then 0 for 10, ? for no opinion.",
        ),
    ];
    for (deck, typed, hint) in decks {
        let mut body = deck.clone();
        body["name"] = json!(format!("Keys on {}", deck["deck"]));
        let id = world.create_vote(body).await;
        tab.open(&format!("/votes/{id}")).await;
        tab.text_of("button.deck__card").await;
        // The first paint's hint and the dashboard's say the same.
        let hint = format!("Pick a card, or {hint} Nobody sees it until the reveal.");
        tab.wait_for_text(".picker__help", &hint).await;
        for (keys, card) in typed {
            tab.press(keys).await;
            tab.wait_for_text(".picker__status", &recorded(card)).await;
            let detail = world
                .call(Method::GET, &format!("/api/votes/{id}"), None)
                .await;
            assert_eq!(detail["vote"]["ballots_cast"], 1, "{keys} on {deck}");
        }
    }
}

#[tokio::test]
async fn the_confirmation_belongs_to_its_round() {
    let world = World::start().await;
    let password = world
        .add_member("ana", "Ana Lima", asyncvoter_wire::Role::Member)
        .await;
    let id = world
        .create_vote(json!({"name": "Two rounds", "deck": "tshirt"}))
        .await;
    let tab = &world.browser;
    tab.log_in("ana", &password, &format!("/votes/{id}")).await;
    tab.click("button.deck__card[aria-label^='Vote L']").await;
    tab.wait_for_text(".picker__status", &recorded("L")).await;
    world
        .call(Method::POST, &format!("/api/votes/{id}/reveal"), None)
        .await;
    world
        .call(Method::POST, &format!("/api/votes/{id}/rounds"), None)
        .await;
    crate::harness::poll_until("round 2 with its cards", || async {
        tab.texts_of("button.deck__card").await.len() == 6
            && tab
                .texts_of(".tally__count")
                .await
                .iter()
                .any(|t| t.contains("No votes yet"))
    })
    .await;
    let status = tab.texts_of(".picker__status p").await;
    assert!(status.is_empty(), "no stale confirmation: {status:?}");
    let pressed = tab.texts_of("button.deck__card[aria-pressed='true']").await;
    assert!(
        pressed.is_empty(),
        "nothing chosen in the new round: {pressed:?}"
    );
}

#[tokio::test]
async fn closing_suggests_the_most_chosen_card_and_asks_before_what_cannot_be_undone() {
    let world = World::start().await;
    let password = world
        .add_member("root", "Root Admin", asyncvoter_wire::Role::Admin)
        .await;
    let id = world
        .create_vote(json!({"name": "Guarded", "deck": "fibonacci",
                            "expected_voters": ["slack:Ana", "slack:Ben", "slack:Cy"],
                            "reveal_when_all_voted": false}))
        .await;
    world.cast(&id, "slack:Ana", "8").await;
    let tab = &world.browser;
    tab.log_in("root", &password, &format!("/votes/{id}")).await;
    tab.wait_for_text(".tally__count", "1 vote").await;
    let size = || async {
        tab.execute(
            "return document.querySelector('select[name=final_size]').value",
            vec![],
        )
        .await
        .unwrap()
    };
    assert_eq!(
        size().await,
        json!(""),
        "nothing revealed: no size is suggested"
    );

    // Revealing while two expected voters have not voted asks first; cancel keeps it open.
    tab.click(".owner-controls__row button").await;
    tab.wait_for_text(
        ".owner-controls__confirm p",
        "2 expected voters have not voted yet (Ben · Slack, Cy · Slack). Reveal anyway? \
         Their ballots cannot be added to this round afterwards.",
    )
    .await;
    tab.click(".owner-controls__confirm .button--quiet").await;
    assert!(tab.texts_of(".owner-controls__confirm").await.is_empty());
    let detail = world
        .call(Method::GET, &format!("/api/votes/{id}"), None)
        .await;
    assert_eq!(detail["vote"]["state"], "open", "cancelled");

    // Closing an open vote says it reveals the ballots, and needs the second click.
    world.cast(&id, "slack:Ben", "8").await;
    world.cast(&id, "slack:Cy", "3").await;
    tab.wait_for_text(".tally__count", "3 votes").await;
    tab.execute(
        "const s = document.querySelector('select[name=final_size]'); s.value = '5'; \
         s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    tab.click(".owner-controls form button[type=submit]").await;
    tab.wait_for_text(
        ".owner-controls__confirm p",
        "Voting is still open. Closing with 5 reveals every ballot now and ends the vote.",
    )
    .await;
    let detail = world
        .call(Method::GET, &format!("/api/votes/{id}"), None)
        .await;
    assert_eq!(
        detail["vote"]["state"], "open",
        "not closed by the first click"
    );
    for width in [1440, 390] {
        tab.screenshot("close-confirm", width).await;
    }
    tab.click(".owner-controls__confirm .button--quiet").await;

    // Revealed with 2×8 and 1×3: the size starts on 8, the most chosen.
    world
        .call(Method::POST, &format!("/api/votes/{id}/reveal"), None)
        .await;
    crate::harness::poll_until("the suggested size", || async {
        size().await == json!("8")
    })
    .await;
    tab.click(".owner-controls form button[type=submit]").await;
    tab.wait_for_text(".facts__final dd", "8").await;
}

#[tokio::test]
async fn an_owner_re_opens_a_closed_vote_and_deletes_it_after_confirming() {
    let world = World::start().await;
    let password = world
        .add_member("root", "Root Admin", asyncvoter_wire::Role::Admin)
        .await;
    let id = world
        .create_vote(json!({"name": "Second thoughts", "deck": "fibonacci"}))
        .await;
    world.cast(&id, "slack:Ana", "8").await;
    world
        .call(
            Method::POST,
            &format!("/api/votes/{id}/close"),
            Some(json!({"final_size": "8"})),
        )
        .await;
    let tab = &world.browser;
    let page = format!("/votes/{id}");
    tab.log_in("root", &password, &page).await;
    tab.wait_for_text(".facts__final dd", "8").await;
    let state = || async {
        world
            .call(Method::GET, &format!("/api/votes/{id}"), None)
            .await["vote"]["state"]
            .clone()
    };

    // Re-opening says what it clears, and needs the second click.
    tab.click(".owner-controls__row button:not(.button--danger)")
        .await;
    tab.wait_for_text(
        ".owner-controls__confirm p",
        "Re-opening clears the final size (8) and starts a new round; earlier rounds stay readable.",
    )
    .await;
    assert_eq!(state().await, "closed", "not by the first click");
    tab.click(".owner-controls__confirm .button:not(.button--quiet)")
        .await;
    tab.wait_for_text("#tally-title", "Round 2").await;
    assert_eq!(state().await, "open");
    assert!(
        tab.texts_of(".facts__final").await.is_empty(),
        "no final size now"
    );

    // A visitor watching the vote is told when it is deleted.
    let visitor = world.another_browser("visitor").await;
    visitor.open(&page).await;
    visitor.wait_for_text("#tally-title", "Round 2").await;
    tab.click(".owner-controls .button--danger").await;
    tab.wait_for_text(
        ".owner-controls__confirm p",
        "Delete this vote with all its rounds and ballots? Nobody can see it afterwards, and it cannot be undone.",
    )
    .await;
    tab.click(".owner-controls__confirm .button--quiet").await;
    assert_eq!(state().await, "open", "cancelled");
    tab.click(".owner-controls .button--danger").await;
    tab.click(".owner-controls__confirm .button:not(.button--quiet)")
        .await;
    crate::harness::poll_until("the owner to be sent home", || async {
        tab.path().await == "/"
    })
    .await;
    let notice = visitor.text_of(".notice--not-found").await;
    assert!(notice.contains("This vote was deleted"), "{notice}");
    assert!(
        world.server.store.vote_record(&id).await.is_err(),
        "the vote is gone"
    );
}

#[tokio::test]
async fn cards_that_cannot_be_chosen_read_as_a_legend_not_as_buttons() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Legend", "deck": "tshirt"}))
        .await;
    let tab = &world.browser;
    // The card's box: its border and height, as drawn.
    let drawn = || async {
        tab.execute(
            "const c = document.querySelector('.deck-legend__card'); const s = getComputedStyle(c); \
             return [s.borderTopStyle, c.getBoundingClientRect().height, document.querySelectorAll('#deck-title ~ * button').length];",
            vec![],
        )
        .await
        .unwrap()
    };
    tab.open(&format!("/votes/{id}")).await;
    tab.wait_for_text("#deck-title", "Cards in this deck").await;
    tab.wait_for_text(
        ".deck-legend__why",
        "For reference: log in to vote with them.",
    )
    .await;
    let [border, height, buttons] =
        <[Value; 3]>::try_from(drawn().await.as_array().unwrap().clone()).unwrap();
    assert_eq!(border, "none", "no card outline");
    assert!(
        height.as_f64().unwrap() < 40.0,
        "a line of text, not a tile: {height}"
    );
    assert_eq!(buttons, 0);
    world.cast(&id, "slack:Ana", "M").await;
    world
        .call(Method::POST, &format!("/api/votes/{id}/reveal"), None)
        .await;
    tab.wait_for_text(
        ".deck-legend__why",
        "For reference: voting in this round is over.",
    )
    .await;
    assert_eq!(
        tab.texts_of(".deck-legend__label").await,
        ["XS", "S", "M", "L", "XL", "?"]
    );
}

#[tokio::test]
async fn times_show_in_each_viewers_own_time_zone_with_its_name() {
    let world = World::start().await;
    let password = world
        .add_member("ana", "Ana Lima", asyncvoter_wire::Role::Member)
        .await;
    let tab = &world.browser;
    tab.emulate_time_zone("America/New_York").await;
    tab.log_in("ana", &password, "/votes/new").await;
    tab.fill("name", "Time zones").await;
    // 09:00 on the New York viewer's clock on the next 15 January.
    let year = next_january();
    tab.execute(
        "const d = document.querySelector('[name=deadline]'); d.value = arguments[0]; \
         d.dispatchEvent(new Event('input', {bubbles: true}));",
        vec![json!(format!("{year}-01-15T09:00"))],
    )
    .await
    .unwrap();
    tab.click("form button[type=submit]").await;
    tab.wait_for_text(".vote__title", "Time zones").await;
    let id = tab.vote_id_in_path().await;
    let detail = world
        .call(Method::GET, &format!("/api/votes/{id}"), None)
        .await;
    let deadline = detail["vote"]["deadline"].as_str().unwrap().to_owned();
    assert!(
        deadline.starts_with(&format!("{year}-01-15T14:00:00")),
        "{deadline}"
    );
    let when = format!(".facts time[datetime^='{year}-01']");
    let shown = tab.text_of(&when).await;
    assert!(
        shown.contains("09:00 AM") && shown.contains("EST"),
        "{shown}"
    );
    let started = tab.text_of(".facts div:nth-child(4) dd").await;
    assert!(
        started.contains("just now") && started.contains("EST"),
        "{started}"
    );

    let berlin = world.another_browser("berlin").await;
    berlin.emulate_time_zone("Europe/Berlin").await;
    berlin.open(&format!("/votes/{id}")).await;
    let shown = berlin.text_of(&when).await;
    assert!(
        shown.contains("03:00 PM") && shown.contains("GMT+1"),
        "{shown}"
    );
    assert!(!shown.contains("UTC"), "{shown}");
}

#[tokio::test]
async fn a_bots_vote_names_its_voters_and_the_member_it_is_for_runs_it() {
    let world = World::start().await;
    let password = world
        .add_member("ana", "Ana Lima", asyncvoter_wire::Role::Member)
        .await;
    let id = world
        .create_vote(json!({"name": "From the bot", "deck": "fibonacci", "owner": "ana"}))
        .await;
    world
        .call(
            Method::PUT,
            &format!("/api/votes/{id}/ballots/slack:T1:U42"),
            Some(json!({"card": "5", "name": "Bea Costa"})),
        )
        .await;
    let tab = &world.browser;
    tab.log_in("ana", &password, &format!("/votes/{id}")).await;
    tab.wait_for_text(".voters li", "Bea Costa · Slack").await;
    tab.wait_for_text("#owner-title", "Run this vote").await;
}

#[tokio::test]
async fn a_ballot_cast_while_the_server_is_away_says_not_saved_until_it_is_back() {
    let mut world = World::start().await;
    let password = world
        .add_member("ana", "Ana Lima", asyncvoter_wire::Role::Member)
        .await;
    let id = world
        .create_vote(json!({"name": "Offline", "deck": "fibonacci"}))
        .await;
    let tab = world.another_browser("ana").await;
    tab.log_in("ana", &password, &format!("/votes/{id}")).await;
    tab.text_of("button.deck__card").await;
    // The browser reports the refused connections; they are this test's point.
    tab.expect_console_error("ERR_CONNECTION_REFUSED");
    tab.expect_console_error("Failed to load resource");
    world
        .restart_server(|_| async {
            tab.click("button.deck__card[aria-label^='Vote 5']").await;
            tab.wait_for_text(
                ".picker .form-error",
                "Not saved. The server could not be reached. Check your connection, then try again.",
            )
            .await;
        })
        .await;
    crate::harness::poll_until("the error to go once the server is back", || async {
        tab.texts_of(".picker .form-error").await.is_empty()
    })
    .await;
    tab.click("button.deck__card[aria-label^='Vote 5']").await;
    tab.wait_for_text(
        ".picker__status",
        "Your vote (5) is recorded. You can change it until the vote is revealed.",
    )
    .await;
}

/// The next 15 January, within the year a deadline may be ahead (winter on both sides of
/// the Atlantic).
fn next_january() -> i32 {
    let today = chrono::Utc::now().date_naive();
    let january = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 15).unwrap();
    if today < january {
        today.year()
    } else {
        today.year() + 1
    }
}

#[tokio::test]
async fn an_owner_changes_the_story_link_and_reveal_time_and_nobody_else_can() {
    let world = World::start().await;
    let password = world
        .add_member("ana", "Ana Lima", asyncvoter_wire::Role::Member)
        .await;
    let ben = world
        .add_member("ben", "Ben Okoro", asyncvoter_wire::Role::Member)
        .await;
    let year = next_january();
    let id = world
        .create_vote(json!({
            "name": "Chekout typo", "url": "https://tracker.example/PAY-1", "deck": "fibonacci",
            "owner": "ana", "deadline": format!("{year}-01-15T14:00:00Z"),
        }))
        .await;
    let tab = &world.browser;
    tab.emulate_time_zone("America/New_York").await;
    tab.log_in("ana", &password, &format!("/votes/{id}")).await;
    tab.click("details.vote-editor summary").await;
    // The form starts from the vote as it is, the reveal time on the viewer's clock.
    let deadline_field = "return document.querySelector('.vote-editor [name=deadline]').value;";
    assert_eq!(
        tab.text_from(deadline_field).await,
        format!("{year}-01-15T09:00")
    );
    // With nobody chosen to wait on, there is no "once all of them voted" to offer.
    let reveal_box = "details.vote-editor input[name=reveal_when_all_voted]";
    let ben_box = "details.vote-editor input[name=expected_voters][value=ben]";
    assert!(tab.texts_of(reveal_box).await.is_empty());
    tab.click(ben_box).await;
    poll_until("the reveal choice to appear", || async {
        tab.texts_of(reveal_box).await.len() == 1
    })
    .await;
    tab.click(ben_box).await;
    tab.fill("name", "Checkout: pay by invoice").await;
    // A ballot arriving while the owner types leaves what they typed alone.
    world.cast(&id, "slack:T1:U1", "5").await;
    tab.wait_for_text(".tally__count", "1 vote").await;
    assert_eq!(
        tab.text_from("return document.querySelector('.vote-editor [name=name]').value;")
            .await,
        "Checkout: pay by invoice"
    );

    // A reveal time in the past is refused in words, and nothing changes.
    tab.expect_console_error("status of 422");
    set_deadline(tab, "2020-01-01T09:00").await;
    tab.click(".vote-editor button[type=submit]").await;
    tab.wait_for_text(
        ".vote-editor .form-error",
        "The reveal time has already passed: choose a time in the future",
    )
    .await;
    let unchanged = world
        .call(Method::GET, &format!("/api/votes/{id}"), None)
        .await;
    assert_eq!(unchanged["vote"]["name"], "Chekout typo");

    // The new story and reveal time, and no ticket any more.
    set_deadline(tab, &format!("{year}-01-16T10:30")).await;
    tab.fill("url", "").await;
    tab.click(".vote-editor button[type=submit]").await;
    tab.wait_for_text(".vote__title", "Checkout: pay by invoice")
        .await;
    let changed = world
        .call(Method::GET, &format!("/api/votes/{id}"), None)
        .await;
    assert_eq!(changed["vote"]["name"], "Checkout: pay by invoice");
    assert_eq!(changed["vote"]["url"], Value::Null);
    assert!(
        changed["vote"]["deadline"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{year}-01-16T15:30:00")),
        "{changed}"
    );
    assert_eq!(changed["vote"]["ballots_cast"], 1);
    let shown = tab
        .text_of(&format!(".facts time[datetime^='{year}-01-16']"))
        .await;
    assert!(
        shown.contains("10:30 AM") && shown.contains("EST"),
        "{shown}"
    );

    // Another member sees the vote, not the editor.
    let other = world.another_browser("ben").await;
    other.log_in("ben", &ben, &format!("/votes/{id}")).await;
    other
        .wait_for_text(".vote__title", "Checkout: pay by invoice")
        .await;
    assert!(other.texts_of("details.vote-editor").await.is_empty());
}

#[tokio::test]
async fn an_owner_corrects_a_closed_votes_story_and_link_and_nothing_else() {
    let world = World::start().await;
    let password = world
        .add_member("ana", "Ana Lima", asyncvoter_wire::Role::Member)
        .await;
    let id = world
        .create_vote(json!({
            "name": "Chekout typo", "url": "https://tracker.example/PAY-1", "deck": "fibonacci",
            "owner": "ana",
        }))
        .await;
    world.cast(&id, "slack:T1:U1", "5").await;
    // Closed as Ana would close it (no token manages a member's vote).
    world
        .server
        .store
        .close(&id, "5", asyncvoter_server::rules::now())
        .await
        .unwrap();
    let tab = &world.browser;
    tab.log_in("ana", &password, &format!("/votes/{id}")).await;
    tab.wait_for_text(
        "details.vote-editor summary",
        "Correct the story or its link",
    )
    .await;
    tab.click("details.vote-editor summary").await;
    // A closed vote's round is over: nothing about how it ends is offered.
    for gone in [
        "[name=deadline]",
        ".voter-picker",
        "[name=reveal_when_all_voted]",
    ] {
        assert!(
            tab.texts_of(&format!(".vote-editor {gone}"))
                .await
                .is_empty(),
            "{gone} on a closed vote"
        );
    }
    tab.fill("name", "Checkout: pay by invoice").await;
    tab.fill("url", "https://tracker.example/PAY-2").await;
    tab.click(".vote-editor button[type=submit]").await;
    // The title links to the new ticket.
    tab.wait_for_text(
        ".vote__title a[href='https://tracker.example/PAY-2']",
        "Checkout: pay by invoice ↗",
    )
    .await;
    let changed = world
        .call(Method::GET, &format!("/api/votes/{id}"), None)
        .await;
    assert_eq!(changed["vote"]["name"], "Checkout: pay by invoice");
    assert_eq!(changed["vote"]["url"], "https://tracker.example/PAY-2");
    assert_eq!(changed["vote"]["state"], "closed");
    assert_eq!(changed["vote"]["final_size"], "5");
}

/// Sets the vote editor's reveal time as the browser's picker would.
async fn set_deadline(tab: &crate::harness::Tab, local: &str) {
    tab.execute(
        "document.querySelector('.vote-editor [name=deadline]').value = arguments[0];",
        vec![json!(local)],
    )
    .await
    .unwrap();
}
