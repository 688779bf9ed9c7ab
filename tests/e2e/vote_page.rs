//! `/votes/:id`: the shareable page of one vote.

use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;

use crate::harness::World;
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
    world.open("/votes/0123456789abcdef01234567").await;
    assert_eq!(world.text_of("#not-found-title").await, "Not found");
    assert!(
        world
            .text_of(".notice--not-found")
            .await
            .contains("There is no vote with this link")
    );
}
