//! Component tests in headless Chromium: mount, act, tick, read the DOM.
#![cfg(target_arch = "wasm32")]

use asyncvoter_dashboard::api::{self, ApiError};
use asyncvoter_dashboard::components::chart::{Bar, Headers, RowChart};
use asyncvoter_dashboard::components::{ErrorView, RoundResults, Tally, VoteRows};
use asyncvoter_dashboard::json;
use asyncvoter_dashboard::navigation::provide_navigation;
use asyncvoter_estimation::{Deck, statistics};
use asyncvoter_wire::{
    Ballot, Card, DeckKind, Round, StreamData, VoteDetail, VoteState, VoteSummary, Voter,
};
use chrono::{Duration, Utc};
use leptos::prelude::*;
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

/// Waits until `css` matches inside `root`, for at most five seconds (a request to the
/// test page's server answers in well under that).
async fn poll_for(root: &web_sys::HtmlElement, css: &str) {
    let deadline = js_sys::Date::now() + 5_000.0;
    while root.query_selector(css).unwrap().is_none() {
        assert!(
            js_sys::Date::now() < deadline,
            "nothing matched {css} within 5 s"
        );
        let pause = js_sys::Promise::new(&mut |resolve, _| {
            set_timeout(
                move || drop(resolve.call0(&wasm_bindgen::JsValue::NULL)),
                std::time::Duration::from_millis(20),
            );
        });
        wasm_bindgen_futures::JsFuture::from(pause).await.unwrap();
    }
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
        expected_voters: vec![voter("Ana"), voter("Dev"), voter("Eli")],
        waiting_on: vec![voter("Dev"), voter("Eli")],
        reveal_when_all_voted: true,
        created_at: Utc::now() - Duration::hours(2) - Duration::minutes(5),
        updated_at: Utc::now(),
        revealed_at: None,
        closed_at: None,
        agreement: None,
    }
}

#[wasm_bindgen_test]
async fn a_vote_row_shows_its_count_voters_quorum_deadline_and_state() {
    let root = container();
    let vote = summary();
    let row = ArcRwSignal::new(vote);
    let shown = row.clone();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_navigation();
        view! { <VoteRows rows=Signal::stored(vec![shown.clone()]) /> }
    });
    leptos::task::tick().await;

    assert_eq!(texts(&root, ".tally__count"), ["3 votes"]);
    assert_eq!(texts(&root, ".voter"), ["Ana", "Ben", "Chloé"]);
    assert_eq!(texts(&root, ".tally__quorum span"), ["3 of 5 for quorum"]);
    assert_eq!(texts(&root, ".badge"), ["● Voting"]);
    assert_eq!(texts(&root, ".vote-row__deadline"), ["Reveals in 3 h"]);
    assert_eq!(
        texts(&root, ".vote-row__waiting"),
        ["Waiting on Dev and Eli"]
    );
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
    assert!(
        root.query_selector(".vote-row__open").unwrap().is_none(),
        "the title is the one way in"
    );
    let name = root.query_selector(".vote-row__link").unwrap().unwrap();
    assert_eq!(
        name.get_attribute("href").as_deref(),
        Some("/votes/abc123"),
        "the title opens the vote, not the ticket"
    );

    // A ballot changes the row in place: the same row, a new count and voter.
    let li = root.query_selector(".vote-row").unwrap().unwrap();
    row.update(|v| {
        v.voters.push(voter("Dev"));
        v.ballots_cast = 4;
    });
    leptos::task::tick().await;
    assert_eq!(texts(&root, ".tally__count"), ["4 votes"]);
    assert_eq!(texts(&root, ".voter"), ["Ana", "Ben", "Chloé", "Dev"]);
    let same = root.query_selector(".vote-row").unwrap().unwrap();
    assert!(li.is_same_node(Some(&same)), "the row was not rebuilt");
    let title = root.query_selector(".vote-row__link").unwrap().unwrap();
    assert!(name.is_same_node(Some(&title)), "the title was not rebuilt");

    // A reveal redraws the head and the tally: the new state, no deadline.
    row.update(|v| v.state = VoteState::Revealed);
    leptos::task::tick().await;
    assert_eq!(texts(&root, ".badge"), ["◐ Revealed"]);
    assert_eq!(li.get_attribute("data-state").as_deref(), Some("revealed"));
    assert!(texts(&root, ".vote-row__deadline").is_empty());
    let copy = root.query_selector(".copy-link button").unwrap().unwrap();
    assert_eq!(
        copy.get_attribute("data-copy").as_deref(),
        Some("/votes/abc123")
    );
    assert_eq!(
        copy.text_content().unwrap(),
        "Copy link to Checkout coupons"
    );
}

#[wasm_bindgen_test]
async fn a_list_adds_removes_and_moves_rows_alone_and_keeps_the_others() {
    let vote = |id: &str| {
        let mut v = summary();
        v.id = id.into();
        v.name = format!("Story {id}");
        ArcRwSignal::new(v)
    };
    let (a, b, c) = (vote("a"), vote("b"), vote("c"));
    let rows = RwSignal::new(vec![a.clone(), b.clone(), c.clone()]);
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_navigation();
        view! { <VoteRows rows /> }
    });
    leptos::task::tick().await;
    let ids = |root: &web_sys::HtmlElement| -> Vec<String> {
        let rows = root.query_selector_all(".vote-row").unwrap();
        (0..rows.length())
            .map(|i| {
                rows.item(i)
                    .unwrap()
                    .unchecked_into::<web_sys::Element>()
                    .get_attribute("data-vote-id")
                    .unwrap()
            })
            .collect()
    };
    assert_eq!(ids(&root), ["a", "b", "c"]);
    let row_of = |id: &str| {
        root.query_selector(&format!(".vote-row[data-vote-id={id}]"))
            .unwrap()
            .unwrap()
    };
    let (kept_a, kept_c) = (row_of("a"), row_of("c"));

    // A new vote on top, one gone, the last moved up: only those change.
    let d = vote("d");
    rows.set(vec![d.clone(), a.clone(), c.clone()]);
    leptos::task::tick().await;
    assert_eq!(ids(&root), ["d", "a", "c"]);
    assert!(row_of("a").is_same_node(Some(&kept_a)));
    assert!(row_of("c").is_same_node(Some(&kept_c)));
    assert_eq!(texts(&root, ".vote-row__link")[0], "Story d");
    rows.set(vec![c.clone(), d.clone(), a.clone()]);
    leptos::task::tick().await;
    assert_eq!(ids(&root), ["c", "d", "a"]);
    assert!(row_of("c").is_same_node(Some(&kept_c)));

    // A change reaches the row shown; a row that left stays gone.
    b.update(|v| v.ballots_cast = 9);
    c.update(|v| v.ballots_cast = 7);
    leptos::task::tick().await;
    assert_eq!(ids(&root), ["c", "d", "a"]);
    assert_eq!(
        texts(&root, ".vote-row[data-vote-id=c] .tally__count"),
        ["7 votes"]
    );
    // Another search: none of the rows stay, the new ones show in their order.
    rows.set(vec![vote("e"), vote("f")]);
    leptos::task::tick().await;
    assert_eq!(ids(&root), ["e", "f"]);
    c.update(|v| v.ballots_cast = 8);
    leptos::task::tick().await;
    assert_eq!(ids(&root), ["e", "f"]);
    assert!(texts(&root, ".tally__count").iter().all(|t| t != "8 votes"));
    rows.set(Vec::new());
    leptos::task::tick().await;
    assert!(ids(&root).is_empty());
}

#[wasm_bindgen_test]
async fn a_revealed_or_closed_row_says_so_and_hides_the_deadline() {
    let root = container();
    let mut vote = summary();
    vote.state = VoteState::Closed;
    vote.final_size = Some("8".into());
    vote.round = 2;
    vote.agreement = Some(asyncvoter_wire::AgreementLabel::Consensus);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_navigation();
        view! { <VoteRows rows=Signal::stored(vec![ArcRwSignal::new(vote.clone())]) /> }
    });
    leptos::task::tick().await;
    assert_eq!(texts(&root, ".badge"), ["■ Closed"]);
    assert_eq!(
        texts(&root, ".vote-row__final"),
        ["Final size 8 · 2 rounds · Consensus"]
    );
    assert!(texts(&root, ".vote-row__deadline").is_empty());
    assert!(
        texts(&root, ".vote-row__waiting").is_empty(),
        "a closed vote waits on nobody"
    );
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
    let error = api::read_answer(raw.into()).await.unwrap_err();
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
    let error = api::read_answer(raw.into()).await.unwrap_err();
    assert_eq!(error.to_string(), "The server answered 502 Bad Gateway.");
}

#[wasm_bindgen_test]
async fn the_card_picker_offers_real_buttons_with_key_hints_and_marks_my_card() {
    use asyncvoter_dashboard::components::CardPicker;
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
            <CardPicker vote_id="v1" cards=cards.clone() my_card=Signal::stored(Some("2".to_owned())) on_change=Callback::new(|_| ()) />
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
    assert!(
        texts(&root, ".picker__help")[0].contains("type its value: 3 for 3, ? for no opinion."),
        "the hint says keys type values"
    );
}

fn attribute(root: &web_sys::HtmlElement, css: &str, name: &str) -> String {
    root.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("no {css}"))
        .get_attribute(name)
        .unwrap_or_else(|| panic!("{css} has no {name}"))
}

/// A revealed Fibonacci round with these `(voter, card)` ballots and the statistics the
/// server's estimation crate computes for them.
fn revealed_round(ballots: &[(&str, &str)]) -> Round {
    let deck = Deck::new(DeckKind::Fibonacci, None).unwrap();
    let ids: Vec<(String, &str)> = ballots
        .iter()
        .map(|(name, card)| (voter(name).id, *card))
        .collect();
    Round {
        number: 2,
        started_at: Utc::now() - Duration::hours(1),
        revealed_at: Some(Utc::now()),
        revealed_by: Some(asyncvoter_wire::RevealCause::Manual),
        ballots: ballots
            .iter()
            .map(|(name, card)| Ballot {
                voter: voter(name),
                cast_at: Utc::now(),
                card: Some((*card).to_owned()),
                reason: Some(format!("{name} thinks {card}")),
            })
            .collect(),
        statistics: Some(statistics(&deck, ids.iter().map(|(v, c)| (v.as_str(), *c)))),
    }
}

#[wasm_bindgen_test]
async fn the_results_chart_draws_one_bar_per_card_scaled_to_the_mode() {
    let root = container();
    let round = revealed_round(&[
        ("Ana", "3"),
        ("Ben", "5"),
        ("Chloé", "5"),
        ("Dev", "5"),
        ("Eun", "13"),
        ("Farah", "?"),
    ]);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <RoundResults round=round.clone() with_no_opinion=true /> }
    });
    leptos::task::tick().await;

    let labels = texts(&root, ".chart__bar .chart__label");
    assert_eq!(
        labels,
        ["0", "1", "2", "3", "5", "8", "13", "21", "?"],
        "deck order, ? last"
    );
    // The tallest bar (3 ballots on 5) fills the 120-unit plot; one ballot is a third.
    let height = |card: &str| {
        attribute(
            &root,
            &format!(".chart__bar[data-label='{card}'] rect"),
            "height",
        )
    };
    assert_eq!(height("5"), "120");
    assert_eq!(height("3"), "40");
    assert_eq!(height("13"), "40");
    assert_eq!(height("8"), "0");
    assert_eq!(height("?"), "40");
    assert_eq!(texts(&root, ".chart__bar--mode .chart__label"), ["5"]);
    assert_eq!(texts(&root, ".chart__bar--mode .chart__value"), ["★ 3"]);
    assert_eq!(texts(&root, ".chart__bar--apart .chart__label"), ["?"]);
    assert_eq!(
        texts(&root, ".chart__bar[data-label='5'] .chart__note"),
        ["60 %"]
    );

    let svg = root.query_selector("svg").unwrap().unwrap();
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(texts(&root, "svg title"), ["Ballots per card, round 2"]);
    let description = texts(&root, "svg desc").join("");
    assert!(
        description.contains("5 of 6 ballots counted; most chosen 5."),
        "{description}"
    );
    assert!(description.contains("5: 3 (most chosen)"), "{description}");

    // The table holds the same numbers.
    let rows: Vec<String> = texts(&root, ".data-table tbody tr");
    assert_eq!(rows.len(), 9);
    assert_eq!(
        texts(&root, ".data-table tbody tr:nth-child(5) td"),
        ["3", "60 %"]
    );
    assert_eq!(
        texts(&root, ".data-table tbody tr:nth-child(5) th"),
        ["5 ★ most chosen"]
    );
    assert_eq!(
        texts(&root, ".data-table tbody tr:nth-child(9) td"),
        ["1", "no opinion"]
    );

    let facts: Vec<String> = texts(&root, ".facts--results > div");
    for expected in [
        "Counted5 of 6 (1 no opinion)",
        "AgreementMajority · 60 %",
        "Median5",
        "Lowest Ana (3)",
        "Highest Eun (13)",
    ] {
        let squashed = expected.replace(' ', "");
        assert!(
            facts.iter().any(|f| f.replace([' ', '\n'], "") == squashed),
            "{expected} in {facts:?}"
        );
    }
    assert_eq!(texts(&root, ".flag"), ["⚑ Far apart: talk it through"]);
}

#[wasm_bindgen_test]
async fn a_sealed_round_draws_no_chart() {
    let root = container();
    let mut round = revealed_round(&[("Ana", "3")]);
    round.revealed_at = None;
    round.statistics = None;
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <RoundResults round=round.clone() with_no_opinion=true /> }
    });
    leptos::task::tick().await;
    assert!(root.query_selector("svg").unwrap().is_none());
    assert_eq!(root.text_content().unwrap_or_default(), "");
}

#[wasm_bindgen_test]
async fn a_row_chart_scales_bars_to_the_longest() {
    let root = container();
    let bars = vec![
        Bar::new("web-shop", 3),
        Bar::new("a project with a long name", 1),
    ];
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <RowChart id="rows" title="Votes by project" summary="2 projects." bars=bars.clone()
                headers=Headers { label: "Project", value: "Votes", note: None } />
        }
    });
    leptos::task::tick().await;
    let width = |label: &str| {
        attribute(
            &root,
            &format!(".chart__bar[data-label='{label}'] rect"),
            "width",
        )
    };
    assert_eq!(width("web-shop"), "170");
    assert_eq!(width("a project with a long name"), "57");
    assert_eq!(
        texts(&root, ".chart__bar .chart__label"),
        ["web-shop", "a project with…"]
    );
    assert_eq!(
        texts(&root, ".data-table tbody th"),
        ["web-shop", "a project with a long name"]
    );
    assert_eq!(texts(&root, ".data-table tbody td"), ["3", "1"]);
    assert_eq!(
        attribute(&root, "svg", "aria-labelledby"),
        "rows-title rows-desc"
    );
}

/// Reads `text` with the dashboard's reader and with serde_json, the reference.
fn read_both<T>(text: &str) -> (T, T)
where
    T: serde::de::DeserializeOwned,
{
    let ours = json::from_str::<T>(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (ours, serde_json::from_str::<T>(text).unwrap())
}

#[wasm_bindgen_test]
fn answers_read_as_serde_json_reads_them() {
    let mut vote = summary();
    vote.final_size = Some("8".into());
    vote.quorum = None;
    let detail = VoteDetail {
        my_reason: Some("Because — «quoted»".into()),
        vote,
        cards: vec![
            Card {
                label: "1".into(),
                name: Some("Simple".into()),
            },
            Card {
                label: "?".into(),
                name: None,
            },
        ],
        rounds: vec![revealed_round(&[
            ("Ana", "3"),
            ("Ben", "5"),
            ("Chloé", "?"),
        ])],
        my_card: None,
    };
    let text = serde_json::to_string(&detail).unwrap();
    let (ours, reference) = read_both::<VoteDetail>(&text);
    assert_eq!(ours, reference);
    let mean = ours.rounds[0].statistics.as_ref().unwrap().mean;
    assert_eq!(
        mean,
        Some(4.0),
        "fractions and whole numbers read as floats"
    );

    // The notification log and settings: ids as numbers, absent times as null.
    let log = serde_json::to_string(&[asyncvoter_wire::Delivery {
        id: 9_007_199_254_740_991,
        channel: "webhook".into(),
        target: "wh_1".into(),
        topic: "ping".into(),
        vote_id: None,
        status: "pending".into(),
        attempts: 2,
        created_at: Utc::now(),
        delivered_at: None,
        next_attempt_at: Some(Utc::now() + Duration::minutes(1)),
        last_error: Some("HTTP 500".into()),
    }])
    .unwrap();
    let (ours, reference) = read_both::<Vec<asyncvoter_wire::Delivery>>(&log);
    assert_eq!(ours, reference);
    let (ours, reference) = read_both::<asyncvoter_wire::MemberSettings>(r#"{"email": null}"#);
    assert_eq!(ours, reference);
    assert!(
        ours.reminders && ours.results && ours.all_voted,
        "absent means yes"
    );

    // An untagged enum (buffered by serde, read through `deserialize_any`).
    let (ours, reference) = read_both::<StreamData>(r#"{"id": 7, "reason": "lagging"}"#);
    assert_eq!(ours, reference);
    assert_eq!(
        ours,
        StreamData::Resync(asyncvoter_wire::Resync {
            id: 7,
            reason: "lagging".into()
        })
    );
}

#[wasm_bindgen_test]
fn unreadable_answers_say_what_was_expected() {
    let error = |text: &str| json::from_str::<Voter>(text).unwrap_err().to_string();
    assert_eq!(error("not json"), "the text is not JSON");
    assert_eq!(error(r#"{"id": "slack:Ana"}"#), "missing field `name`");
    assert_eq!(
        error(r#"["slack:Ana", "Ana"]"#),
        "Voter: expected an object"
    );
    assert_eq!(error(r#"{"id": 5, "name": "Ana"}"#), "expected a string");
    assert_eq!(
        json::from_str::<VoteState>(r#""sideways""#)
            .unwrap_err()
            .to_string(),
        "unknown variant `sideways`, expected one of `open`, `revealed`, `closed`"
    );
    assert_eq!(
        json::from_str::<u32>("2.5").unwrap_err().to_string(),
        "a value of another type where u32 was expected"
    );
    assert_eq!(
        json::from_str::<u32>("-1").unwrap_err().to_string(),
        "a value that is not u32"
    );
    assert_eq!(json::from_str::<Option<u32>>("null"), Ok(None));
    assert_eq!(json::from_str::<f64>("3"), Ok(3.0));
}

/// "Why so far apart?" and the ballots of `round`, as the vote page shows them.
fn mount_results(
    root: &web_sys::HtmlElement,
    round: Round,
) -> leptos::mount::UnmountHandle<impl Mountable> {
    use asyncvoter_dashboard::components::{BallotTable, FarApart};
    let ballots = round.ballots.clone();
    leptos::mount::mount_to(root.clone(), move || {
        view! {
            <FarApart round=round.clone() />
            <BallotTable ballots=ballots.clone() caption="Ballots" />
        }
    })
}

#[wasm_bindgen_test]
async fn far_apart_rounds_show_the_lowest_and_highest_reasons_first() {
    let root = container();
    let round = revealed_round(&[("Ana", "3"), ("Ben", "13"), ("Chloé", "5"), ("Dev", "3")]);
    let _mounted = mount_results(&root, round);
    leptos::task::tick().await;
    assert_eq!(texts(&root, ".far-apart h3"), ["Why so far apart?"]);
    assert_eq!(texts(&root, ".far-apart__side h4"), ["Lowest", "Highest"]);
    assert_eq!(
        texts(&root, ".far-apart__reason"),
        ["Ana thinks 3", "Dev thinks 3", "Ben thinks 13"]
    );
    assert_eq!(
        texts(&root, ".ballots__reason"),
        [
            "Ana thinks 3",
            "Ben thinks 13",
            "Chloé thinks 5",
            "Dev thinks 3"
        ]
    );
}

#[wasm_bindgen_test]
async fn agreement_needs_no_explaining_and_a_table_without_reasons_has_no_reason_column() {
    let root = container();
    let mut round = revealed_round(&[("Ana", "5"), ("Ben", "5")]);
    for ballot in &mut round.ballots {
        ballot.reason = None;
    }
    let _mounted = mount_results(&root, round);
    leptos::task::tick().await;
    assert!(texts(&root, ".far-apart").is_empty());
    assert_eq!(texts(&root, "thead th"), ["Voter", "Card", "Cast"]);
}

#[wasm_bindgen_test]
async fn the_voter_picker_says_when_members_fail_to_load_filters_and_enter_picks() {
    use asyncvoter_dashboard::components::VoterPicker;
    let root = container();
    let people: Vec<Voter> = [
        "Ana", "Ben", "Chloé", "Dev", "Eli", "Fay", "Gus", "Hal", "Ida",
    ]
    .iter()
    .map(|name| voter(name))
    .collect();
    let chosen = RwSignal::new(Vec::<String>::new());
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <VoterPicker others=Signal::stored(people.clone()) chosen /> }
    });
    // The test page has no server, so asking for the members fails: the picker says so
    // and still offers everyone else.
    poll_for(&root, "[role=alert]").await;
    let alert = texts(&root, "[role=alert]");
    assert!(
        alert[0].starts_with("The members could not be loaded: "),
        "{alert:?}"
    );
    assert_eq!(texts(&root, "label.checkbox").len(), 9);
    let filter: web_sys::HtmlInputElement = root
        .query_selector(".voter-picker__filter")
        .unwrap()
        .expect("a filter above nine people")
        .unchecked_into();
    filter.set_value("DE");
    filter
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(texts(&root, "label.checkbox"), ["Dev slack:Dev"]);
    let enter = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &{
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Enter");
        init.set_cancelable(true);
        init
    })
    .unwrap();
    filter.dispatch_event(&enter).unwrap();
    leptos::task::tick().await;
    assert!(enter.default_prevented(), "Enter picks; it does not submit");
    assert_eq!(chosen.get_untracked(), ["slack:Dev"]);
    assert_eq!(
        filter.value(),
        "",
        "the filter is cleared for the next name"
    );
    assert_eq!(
        texts(&root, ".voter-picker__summary [role=status]"),
        ["1 person chosen"]
    );
    let everyone: web_sys::HtmlElement = root
        .query_selector(".voter-picker__summary button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    everyone.click();
    leptos::task::tick().await;
    assert_eq!(chosen.get_untracked().len(), 9);
}
