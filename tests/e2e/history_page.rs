//! `/history`: closed votes and their final sizes.

use reqwest::Method;
use serde_json::json;

use crate::harness::World;
use crate::pages::ListPage;

#[tokio::test]
async fn closed_votes_show_their_final_size_and_open_ones_stay_out() {
    let world = World::start().await;
    let closed = world
        .create_vote(json!({"name": "Done deal", "deck": "fibonacci", "project": "api"}))
        .await;
    world.cast(&closed, "slack:Ana", "5").await;
    world
        .call(
            Method::POST,
            &format!("/api/votes/{closed}/close"),
            Some(json!({"final_size": "5"})),
        )
        .await;
    world
        .create_vote(json!({"name": "Still voting", "deck": "fibonacci"}))
        .await;

    let page = ListPage::open(&world, "/history").await;
    page.wait_for_names(&["Done deal"]).await;
    let row = &page.rows().await[0];
    assert!(
        row.text.contains("Final size 5") && row.text.contains("Closed"),
        "{}",
        row.text
    );
    assert_eq!(world.text_of("h1").await, "History");
}
