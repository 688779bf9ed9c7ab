//! `--demo`: sample votes that show every part of the product to a newcomer, added once.

use reqwest::Method;

use asyncvoter_server::demo;

use crate::helpers::*;

#[tokio::test]
async fn the_demo_shows_waiting_votes_and_reasons_only_after_the_reveal_and_seeds_once() {
    let app = spawn_app().await;
    let login = demo::seed_if_empty(app.store.as_ref())
        .await
        .unwrap()
        .expect("an empty database gets the samples");
    assert!(
        demo::seed_if_empty(app.store.as_ref())
            .await
            .unwrap()
            .is_none(),
        "a second start adds nothing"
    );
    let (_, session) = app.log_in_with(&login.username, &login.password).await;
    let session = session.expect("the printed login works");

    let waiting = app
        .send(As::Member(&session), Method::GET, "/api/me/waiting", None)
        .await
        .json();
    let names: Vec<&str> = waiting["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Migrate billing to PostgreSQL 16",
            "Checkout: apply discount codes"
        ],
        "soonest deadline first"
    );

    let all = app
        .send(
            As::Anonymous,
            Method::GET,
            "/api/votes?state=all&limit=100",
            None,
        )
        .await
        .json();
    let vote_named = |name: &str| {
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let revealed = app
        .send(
            As::Anonymous,
            Method::GET,
            &format!("/api/votes/{}", vote_named("Search results pagination")),
            None,
        )
        .await
        .json();
    let reasons: Vec<&str> = revealed["rounds"][0]["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["reason"].as_str())
        .collect();
    assert_eq!(reasons.len(), 3, "{revealed}");
    let open = app
        .send(
            As::Anonymous,
            Method::GET,
            &format!(
                "/api/votes/{}",
                vote_named("Migrate billing to PostgreSQL 16")
            ),
            None,
        )
        .await;
    assert!(
        !open.body.contains("SQLite date functions"),
        "a sealed sample keeps its reason sealed: {}",
        open.body
    );
}
