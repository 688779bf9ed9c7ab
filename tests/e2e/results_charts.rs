//! The results chart on `/votes/:id` and the overview on `/insights`, drawn from ballots
//! cast through the API.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::json;

use crate::harness::World;
use crate::pages::{Chart, VoteView};

const FIBONACCI: [&str; 8] = ["0", "1", "2", "3", "5", "8", "13", "21"];
/// Height of the tallest column, in chart units.
const PLOT: u32 = 120;

#[tokio::test]
async fn a_revealed_vote_charts_exactly_the_ballots_cast_and_nothing_before() {
    let world = World::start().await;
    let id = world
        .create_vote(json!({"name": "Coupon codes", "deck": "fibonacci"}))
        .await;
    let ballots = [
        ("slack:Ana", "3"),
        ("slack:Ben", "5"),
        ("slack:Chloé", "5"),
        ("slack:Dev", "13"),
        ("slack:Eun", "?"),
    ];
    for (voter, card) in ballots {
        world.cast(&id, voter, card).await;
    }

    // Sealed: who voted, no chart, no statistics, no values.
    VoteView::open(&world, &id).await;
    world.text_of(".voters").await;
    assert!(
        world.texts_of("svg[role=img]").await.is_empty(),
        "no chart before reveal"
    );
    assert!(world.texts_of(".facts--results").await.is_empty());
    // The deck's cards are listed for reference; the round's panel names no card.
    let round = world.text_of("section[aria-labelledby=tally-title]").await;
    let lines: Vec<&str> = round
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines,
        [
            "Round 1",
            "5 votes",
            "Who has voted",
            "Ana · Slack",
            "Ben · Slack",
            "Chloé · Slack",
            "Dev · Slack",
            "Eun · Slack",
            "Estimates and reasons stay sealed until the vote is revealed."
        ],
        "sealed: who voted, never what"
    );

    world
        .call(Method::POST, &format!("/api/votes/{id}/reveal"), None)
        .await;
    VoteView::open(&world, &id).await;
    let chart = Chart::read(&world.browser, "#round-1-chart").await;
    assert_eq!(chart.role, "img");
    assert_eq!(chart.title, "Ballots per card, round 1");

    let mut expected: BTreeMap<&str, u32> = BTreeMap::new();
    for (_, card) in ballots {
        *expected.entry(card).or_default() += 1;
    }
    let tallest = FIBONACCI
        .iter()
        .map(|c| expected.get(c).copied().unwrap_or(0))
        .max()
        .unwrap();
    let drawn: Vec<(String, u32, u32)> = chart
        .bars
        .iter()
        .map(|b| (b.label.clone(), b.value, b.extent))
        .collect();
    let wanted: Vec<(String, u32, u32)> = FIBONACCI
        .iter()
        .chain(["?"].iter())
        .map(|card| {
            let count = expected.get(card).copied().unwrap_or(0);
            (card.to_string(), count, count * PLOT / tallest)
        })
        .collect();
    assert_eq!(
        drawn, wanted,
        "one bar per card in deck order, ? last, heights to scale"
    );
    let highlighted: Vec<&str> = chart
        .bars
        .iter()
        .filter(|b| b.highlighted)
        .map(|b| b.label.as_str())
        .collect();
    assert_eq!(highlighted, ["5"], "the mode stands out");

    // The table repeats the bars: 4 ballots count (the ? does not), 5 has half of them.
    let table: Vec<(String, String)> = chart
        .table
        .iter()
        .map(|row| (row[0].replace(" ★ most chosen", ""), row[1].clone()))
        .collect();
    let from_bars: Vec<(String, String)> = wanted
        .iter()
        .map(|(card, count, _)| (card.clone(), count.to_string()))
        .collect();
    assert_eq!(table, from_bars);
    assert_eq!(chart.table[4], ["5 ★ most chosen", "2", "50 %"]);

    let facts = world.text_of(".facts--results").await;
    for fact in [
        "4 of 5 (1 no opinion)",
        "Majority · 50 %",
        "Ana · Slack (3)",
        "Dev · Slack (13)",
        "Far apart",
    ] {
        assert!(facts.contains(fact), "{fact} in {facts}");
    }
}

#[tokio::test]
async fn the_insights_page_charts_projects_final_sizes_and_voters() {
    let world = World::start().await;
    let web = |name: &str| json!({"name": name, "deck": "fibonacci", "project": "web"});
    let first = world.create_vote(web("Checkout")).await;
    world.create_vote(web("Search")).await;
    world
        .create_vote(json!({"name": "Login", "deck": "tshirt", "project": "mobile"}))
        .await;
    world.cast(&first, "slack:Ana", "5").await;
    world.cast(&first, "slack:Ben", "8").await;
    for (name, size) in [("Export", "8"), ("Import", "8"), ("Audit", "3")] {
        let id = world.create_vote(web(name)).await;
        world.cast(&id, "slack:Ana", size).await;
        world
            .call(Method::POST, &format!("/api/votes/{id}/reveal"), None)
            .await;
        world
            .call(
                Method::POST,
                &format!("/api/votes/{id}/close"),
                Some(json!({"final_size": size})),
            )
            .await;
    }

    world.open("/insights").await;
    let projects = Chart::read(&world.browser, "#projects-chart").await;
    let rows: Vec<(String, u32)> = projects
        .bars
        .iter()
        .map(|b| (b.label.clone(), b.value))
        .collect();
    assert_eq!(rows, [("web".into(), 2), ("mobile".into(), 1)]);
    assert_eq!(projects.bars[0].extent, 2 * projects.bars[1].extent);
    assert_eq!(projects.table[0], ["web", "2", "2 open · 0 revealed"]);

    let sizes = Chart::read(&world.browser, "#sizes-fibonacci").await;
    let drawn: Vec<(String, u32)> = sizes
        .bars
        .iter()
        .map(|b| (b.label.clone(), b.value))
        .collect();
    assert_eq!(drawn, [("3".into(), 1), ("8".into(), 2)], "deck order");
    assert!(sizes.bars[1].highlighted && !sizes.bars[0].highlighted);
    assert_eq!(sizes.bars[1].extent, PLOT);

    let voters = Chart::read(&world.browser, "#voters-chart").await;
    let drawn: Vec<(String, u32)> = voters
        .bars
        .iter()
        .map(|b| (b.label.clone(), b.value))
        .collect();
    assert_eq!(
        drawn,
        [("Ana · Slack".into(), 4), ("Ben · Slack".into(), 1)]
    );

    let reveal = Chart::read(&world.browser, "#reveal-chart").await;
    let revealed: u32 = reveal.bars.iter().map(|b| b.value).sum();
    assert_eq!(revealed, 3);
    assert_eq!(reveal.bars[0].label, "< 1 h");
    assert_eq!(reveal.bars[0].value, 3, "revealed within the test");
}

#[tokio::test]
async fn chart_text_stays_body_size_at_every_width_and_the_median_is_right() {
    let world = World::start().await;
    let store = world.server.store.clone();
    let now = asyncvoter_server::rules::now();
    // Sealed for 1 min and for 5 h: the median is 2 h 30 min, shown in whole hours.
    for (name, sealed) in [
        ("Quick", chrono::Duration::minutes(1)),
        ("Slow", chrono::Duration::hours(5)),
    ] {
        let vote = store
            .create_vote(
                asyncvoter_server::store::NewVoteRecord {
                    name: name.into(),
                    url: None,
                    project: Some("a-project-with-a-long-name".into()),
                    owner: None,
                    deck: asyncvoter_wire::DeckKind::Fibonacci,
                    cards: None,
                    quorum: None,
                    deadline: None,
                    final_size: None,
                    expected_voters: Vec::new(),
                    reveal_when_all_voted: false,
                    slack: None,
                },
                now - sealed,
            )
            .await
            .unwrap();
        store
            .reveal(&vote.id, asyncvoter_server::store::RevealCause::Manual, now)
            .await
            .unwrap();
    }
    let id = world
        .create_vote(json!({"name": "Still open", "deck": "fibonacci"}))
        .await;
    world.cast(&id, "slack:Ana", "8").await;

    world.open("/insights").await;
    let median = world
        .text_of("section[aria-labelledby=reveal-heading] .muted")
        .await;
    assert_eq!(
        median,
        "2 rounds revealed by their owner, a quorum or a deadline. Median: 2 h."
    );
    // The rendered size of each chart's text against the page's body text.
    let sizes = "const body = parseFloat(getComputedStyle(document.body).fontSize); \
        return [...document.querySelectorAll(arguments[0] + ' svg text')] \
          .map(t => t.getBoundingClientRect().height / body);";
    for width in [1440, 390] {
        world.browser.set_window_size(width, 900).await.unwrap();
        for chart in ["#projects-chart", "#voters-chart", "#reveal-chart"] {
            let ratios = world
                .browser
                .execute(sizes, vec![json!(chart)])
                .await
                .unwrap();
            let ratios: Vec<f64> = serde_json::from_value(ratios).unwrap();
            assert!(!ratios.is_empty(), "{chart} has text");
            for ratio in ratios {
                assert!(
                    (0.7..=1.4).contains(&ratio),
                    "{chart} at {width} px draws text at {ratio:.2}× the body's"
                );
            }
        }
    }
    // The five ranges of the reveal-time chart fit a phone without scrolling.
    let scrolls = world
        .browser
        .execute(
            "const frame = document.querySelector('#reveal-chart .chart__frame'); \
             return frame.scrollWidth > frame.clientWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        scrolls,
        json!(false),
        "the reveal-time chart scrolls at 390 px"
    );
    for width in [1440, 390] {
        world.browser.screenshot("insights", width).await;
    }
}
