//! Component tests in headless Chromium: mount, act, tick, read the DOM.
#![cfg(target_arch = "wasm32")]

use asyncvoter_dashboard::api::{self, ApiError};
use asyncvoter_dashboard::components::{ErrorView, Tally, VoteRow};
use asyncvoter_wire::{DeckKind, VoteDetail, VoteState, VoteSummary, Voter};
use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element in the page to mount into.
fn container() -> web_sys::HtmlElement {
    let document = document();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element.unchecked_into()
}

fn texts(root: &web_sys::HtmlElement, css: &str) -> Vec<String> {
    let nodes = root.query_selector_all(css).unwrap();
    (0..nodes.length())
        .map(|i| {
            nodes
                .item(i)
                .unwrap()
                .text_content()
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .collect()
}

fn voter(name: &str) -> Voter {
    Voter {
        id: format!("slack:{name}"),
        name: name.to_owned(),
    }
}

fn summary() -> VoteSummary {
    VoteSummary {
        id: "abc123".into(),
        name: "Checkout coupons".into(),
        url: Some("https://example.com/t/1".into()),
        project: Some("web".into()),
        owner: Some(voter("Dana")),
        deck: DeckKind::Fibonacci,
        state: VoteState::Open,
        round: 1,
        quorum: Some(5),
        deadline: Some(Utc::now() + Duration::hours(3) + Duration::minutes(5)),
        final_size: None,
        ballots_cast: 3,
        voters: vec![voter("Ana"), voter("Ben"), voter("Chloé")],
        created_at: Utc::now() - Duration::hours(2) - Duration::minutes(5),
        updated_at: Utc::now(),
        revealed_at: None,
        closed_at: None,
    }
}

#[wasm_bindgen_test]
async fn a_vote_row_shows_its_count_voters_quorum_deadline_and_state() {
    let root = container();
    let vote = summary();
    let _mounted = leptos::mount::mount_to(
        root.clone(),
        move || view! { <Router><VoteRow vote=vote.clone() /></Router> },
    );
    leptos::task::tick().await;

    assert_eq!(texts(&root, ".tally__count"), ["3 votes"]);
    assert_eq!(texts(&root, ".voter"), ["Ana", "Ben", "Chloé"]);
    assert_eq!(texts(&root, ".tally__quorum span"), ["3 of 5 for quorum"]);
    assert_eq!(texts(&root, ".badge"), ["● Voting"]);
    assert_eq!(texts(&root, ".vote-row__deadline"), ["Reveals in 3 h"]);
    let text = root.text_content().unwrap();
    assert!(text.contains("Started 2 h ago"), "{text}");
    let ticket = root.query_selector(".vote-row__ticket").unwrap().unwrap();
    assert_eq!(
        ticket.get_attribute("href").as_deref(),
        Some("https://example.com/t/1")
    );
    assert_eq!(
        ticket.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    let open = root.query_selector(".vote-row__open").unwrap().unwrap();
    assert_eq!(open.get_attribute("href").as_deref(), Some("/votes/abc123"));
}

#[wasm_bindgen_test]
async fn a_revealed_or_closed_row_says_so_and_hides_the_deadline() {
    let root = container();
    let mut vote = summary();
    vote.state = VoteState::Closed;
    vote.final_size = Some("8".into());
    let _mounted = leptos::mount::mount_to(
        root.clone(),
        move || view! { <Router><VoteRow vote=vote.clone() /></Router> },
    );
    leptos::task::tick().await;
    assert_eq!(texts(&root, ".badge"), ["■ Closed"]);
    assert_eq!(texts(&root, ".vote-row__final"), ["Final size 8"]);
    assert!(texts(&root, ".vote-row__deadline").is_empty());
}

#[wasm_bindgen_test]
async fn a_tally_without_quorum_only_counts() {
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), || view! { <Tally cast=1 quorum=None /> });
    leptos::task::tick().await;
    assert_eq!(texts(&root, ".tally__count"), ["1 vote"]);
    assert!(root.query_selector("progress").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_error_view_shows_the_servers_own_message() {
    // A real browser Response carrying the server's error body, read by the API client.
    let init = web_sys::ResponseInit::new();
    init.set_status(409);
    let raw = web_sys::Response::new_with_opt_str_and_init(
        Some(r#"{"error":{"code":"conflict","message":"the vote is closed"}}"#),
        &init,
    )
    .unwrap();
    let error = api::decode::<VoteDetail>(raw.into()).await.unwrap_err();
    assert!(matches!(&error, ApiError::Api { status: 409, body } if body.error.code == "conflict"));

    let root = container();
    let retried = RwSignal::new(0);
    let message = error.to_string();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <ErrorView message=message.clone() retry=Callback::new(move |_| retried.update(|n| *n += 1)) /> }
    });
    leptos::task::tick().await;
    assert_eq!(texts(&root, ".notice__message"), ["the vote is closed"]);
    let button: web_sys::HtmlElement = root
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    assert_eq!(retried.get_untracked(), 1);
}

#[wasm_bindgen_test]
async fn an_error_without_a_json_body_still_says_what_happened() {
    let init = web_sys::ResponseInit::new();
    init.set_status(502);
    init.set_status_text("Bad Gateway");
    let raw = web_sys::Response::new_with_opt_str_and_init(Some("<html>proxy error</html>"), &init)
        .unwrap();
    let error = api::decode::<VoteDetail>(raw.into()).await.unwrap_err();
    assert_eq!(error.to_string(), "The server answered 502 Bad Gateway.");
}

#[wasm_bindgen_test]
async fn the_card_picker_offers_real_buttons_with_key_hints_and_marks_my_card() {
    use asyncvoter_dashboard::components::{CardPicker, PickerMemory};
    use asyncvoter_wire::Card;
    let cards: Vec<Card> = ["1", "2", "3", "?"]
        .iter()
        .zip([
            Some("Simple"),
            Some("Medium"),
            Some("Hard"),
            Some("No opinion"),
        ])
        .map(|(label, name)| Card {
            label: (*label).into(),
            name: name.map(Into::into),
        })
        .collect();
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <CardPicker vote_id="v1" cards=cards.clone() my_card=Some("2".to_owned()) on_change=Callback::new(|_| ()) memory=PickerMemory::default() />
        }
    });
    leptos::task::tick().await;
    let buttons = root.query_selector_all("button.deck__card").unwrap();
    assert_eq!(buttons.length(), 4, "every card is a button");
    let attr = |i: u32, name: &str| {
        let element: web_sys::Element = buttons.item(i).unwrap().unchecked_into();
        element.get_attribute(name).unwrap_or_default()
    };
    let pressed: Vec<String> = (0..4).map(|i| attr(i, "aria-pressed")).collect();
    assert_eq!(
        pressed,
        ["false", "true", "false", "false"],
        "my card is marked"
    );
    let keys: Vec<String> = (0..4).map(|i| attr(i, "aria-keyshortcuts")).collect();
    assert_eq!(keys, ["1", "2", "3", "?"]);
    assert_eq!(attr(0, "aria-label"), "Vote 1 (Simple)");
    assert_eq!(attr(0, "type"), "button");
    assert_eq!(texts(&root, ".deck__key"), ["1", "2", "3", "?"]);
}
