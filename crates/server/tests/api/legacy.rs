//! The 2016 API: every example and rule of LEGACY-API.md, as its old clients used it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use asyncvoter_server::LegacyApi;
use asyncvoter_wire::{Role, Scope};

use crate::helpers::*;

/// `2016-05-01T12:00:00.000Z`: ISO 8601 with milliseconds and `Z`.
fn is_mongo_time(value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    text.len() == 24
        && text.ends_with('Z')
        && text.as_bytes()[19] == b'.'
        && chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

async fn post(app: &TestApp, path: &str, body: Value) -> Reply {
    app.send(As::Anonymous, Method::POST, path, Some(body))
        .await
}

async fn get(app: &TestApp, path: &str) -> Reply {
    app.send(As::Anonymous, Method::GET, path, None).await
}

#[tokio::test]
async fn starting_a_story_answers_200_and_lists_it_as_active_and_unrevealed() {
    let app = spawn_app_with(LegacyApi::Open).await;
    let reply = post(
        &app,
        "/stories",
        json!({"name": "document the API", "size": "0", "url": "https://github.com/AgileVentures/AsyncVoter/issues/69"}),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "old clients check for exactly 200: {}",
        reply.body
    );
    let story = reply.json();
    let id = story["_id"].as_str().expect("an _id");
    assert_eq!(story["__v"], 0);
    assert_eq!(story["name"], "document the API");
    assert_eq!(story["size"], "0");
    assert_eq!(
        story["url"],
        "https://github.com/AgileVentures/AsyncVoter/issues/69"
    );
    assert_eq!(story["revealed"], false);
    assert!(is_mongo_time(&story["createdAt"]), "{}", story["createdAt"]);
    assert!(is_mongo_time(&story["updatedAt"]), "{}", story["updatedAt"]);

    let active = get(&app, "/stories?state=active").await;
    assert_eq!(active.status, StatusCode::OK);
    let listed = active.json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["_id"], id);
    assert_eq!(listed[0]["revealed"], false);
    assert_eq!(get(&app, &format!("/stories/{id}")).await.json(), story);
}

#[tokio::test]
async fn a_bot_reads_back_source_and_user_id_unchanged() {
    let app = spawn_app_with(LegacyApi::Open).await;
    let story = post(
        &app,
        "/stories",
        json!({"name": "bot story", "source": "#async_voter", "userId": "@slack_user"}),
    )
    .await
    .json();
    assert_eq!(story["source"], "#async_voter");
    assert_eq!(story["userId"], "@slack_user");
    let again = get(
        &app,
        &format!("/stories/{}", story["_id"].as_str().unwrap()),
    )
    .await
    .json();
    assert_eq!(
        (&again["source"], &again["userId"]),
        (&story["source"], &story["userId"])
    );
}

#[tokio::test]
async fn casting_returns_the_vote_and_forgetting_the_size_is_a_400() {
    let app = spawn_app_with(LegacyApi::Open).await;
    let id = post(&app, "/stories", json!({"name": "cast"})).await.json()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = post(&app, &format!("/stories/{id}/votes"), json!({"size": "1"})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let vote = reply.json();
    assert_eq!(vote["story"], id.as_str());
    assert_eq!(vote["size"], "1");
    assert!(vote["_id"].is_string());
    assert_eq!(vote["__v"], 0);
    assert!(is_mongo_time(&vote["createdAt"]) && is_mongo_time(&vote["updatedAt"]));
    assert!(
        vote.get("userId").is_none(),
        "no userId given, none returned"
    );

    let forgot = post(&app, &format!("/stories/{id}/votes"), json!({})).await;
    assert_eq!(forgot.status, StatusCode::BAD_REQUEST);
    assert_eq!(forgot.error_code(), "bad_request");
    let votes = get(&app, &format!("/stories/{id}/votes")).await.json();
    assert_eq!(
        votes.as_array().unwrap().len(),
        1,
        "nothing written by the bad request"
    );
}

#[tokio::test]
async fn closing_with_a_numeric_size_answers_it_as_a_string_and_revealed() {
    let app = spawn_app_with(LegacyApi::Open).await;
    let id = post(&app, "/stories", json!({"name": "close me"}))
        .await
        .json()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = app
        .send(
            As::Anonymous,
            Method::PUT,
            &format!("/stories/{id}"),
            Some(json!({"size": 2})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let story = reply.json();
    assert_eq!(story["size"], "2");
    assert_eq!(story["revealed"], true);
    let active = get(&app, "/stories?state=active").await.json();
    assert!(
        active.as_array().unwrap().is_empty(),
        "a sized story is no longer active"
    );
    assert_eq!(
        get(&app, "/stories").await.json().as_array().unwrap().len(),
        1,
        "but still a story"
    );

    let missing = app
        .send(
            As::Anonymous,
            Method::PUT,
            &format!("/stories/{id}"),
            Some(json!({})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sizes_given_as_numbers_come_back_as_strings_and_the_slack_deck_is_understood() {
    let app = spawn_app_with(LegacyApi::Open).await;
    let id = post(&app, "/stories", json!({"name": "deck"})).await.json()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/stories/{id}/votes");
    let sizes = [
        (json!(3), "3", "@a"),
        (json!("Simple"), "Simple", "@b"),
        (json!("Medium"), "Medium", "@c"),
        (json!("Hard"), "Hard", "@d"),
        (json!("No-opinion"), "No-opinion", "@e"),
        (json!("13"), "13", "@f"),
    ];
    for (size, expected, user) in &sizes {
        let vote = post(&app, &path, json!({"size": size, "userId": user}))
            .await
            .json();
        assert_eq!(vote["size"], *expected);
        assert_eq!(vote["userId"], *user);
    }
    let too_long = post(&app, &path, json!({"size": "x".repeat(17)})).await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);

    // The dashboard's statistics read Simple/Medium/Hard as 1/2/3 and No-opinion as `?`.
    app.act(&id, "reveal", None).await;
    let vote = app.vote(&id).await;
    let stats = vote.rounds[0].statistics.as_ref().unwrap();
    assert_eq!((stats.cast, stats.counted, stats.no_opinion), (6, 5, 1));
    let counts: Vec<(&str, u32)> = stats
        .counts
        .iter()
        .map(|c| (c.card.as_str(), c.count))
        .collect();
    assert_eq!(counts, [("1", 1), ("2", 1), ("3", 2), ("13", 1)]);
}

#[tokio::test]
async fn one_ballot_per_user_and_anonymous_votes_stand_alone() {
    let app = spawn_app_with(LegacyApi::Open).await;
    let id = post(&app, "/stories", json!({"name": "recast"}))
        .await
        .json()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/stories/{id}/votes");
    let first = post(&app, &path, json!({"size": "1", "userId": "@bob"}))
        .await
        .json();
    let second = post(&app, &path, json!({"size": "3", "userId": "@bob"}))
        .await
        .json();
    assert_eq!(first["_id"], second["_id"], "the same ballot, replaced");
    post(&app, &path, json!({"size": "2"})).await;
    post(&app, &path, json!({"size": "2"})).await;
    let votes = get(&app, &path).await.json();
    let votes = votes.as_array().unwrap();
    assert_eq!(
        votes.len(),
        3,
        "bob's latest and two anonymous ballots: {votes:?}"
    );
    assert_eq!(votes[0]["userId"], "@bob");
    assert_eq!(votes[0]["size"], "3");
    assert!(votes[1].get("userId").is_none() && votes[2].get("userId").is_none());
}

#[tokio::test]
async fn active_stories_are_sorted_by_name() {
    let app = spawn_app_with(LegacyApi::Open).await;
    for name in ["charlie", "alpha", "bravo"] {
        post(&app, "/stories", json!({"name": name})).await;
    }
    let names: Vec<String> = get(&app, "/stories?state=active")
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["alpha", "bravo", "charlie"]);
}

#[tokio::test]
async fn stories_and_dashboard_votes_are_the_same_records() {
    let app = spawn_app_with(LegacyApi::Open).await;
    let story = post(
        &app,
        "/stories",
        json!({"name": "from 2016", "source": "#team"}),
    )
    .await
    .json();
    let listed = app.list("project=%23team").await;
    assert_eq!(listed.items[0].id, story["_id"].as_str().unwrap());
    assert_eq!(
        listed.items[0].deck,
        asyncvoter_wire::DeckKind::Agileventures
    );

    let vote = app.fibonacci_vote("from the dashboard").await;
    app.cast_ok(&vote.vote.id, "slack:U7", "8").await;
    let stories = get(&app, "/stories").await.json();
    assert!(
        stories
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["_id"] == vote.vote.id.as_str())
    );
    let votes = get(&app, &format!("/stories/{}/votes", vote.vote.id))
        .await
        .json();
    assert_eq!(votes[0]["userId"], "slack:U7");
    assert_eq!(votes[0]["size"], "8");
}

#[tokio::test]
async fn unknown_stories_are_404_json() {
    let app = spawn_app_with(LegacyApi::Open).await;
    for path in ["/stories/0123456789abcdef01234567", "/stories/nope/votes"] {
        let reply = get(&app, path).await;
        assert_eq!(
            (reply.status, reply.error_code().as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn by_default_the_2016_api_needs_an_integration_token() {
    let app = spawn_app().await;
    let anonymous = get(&app, "/stories").await;
    assert_eq!(
        (anonymous.status, anonymous.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let bad = app
        .send(As::Header("Bearer nope"), Method::GET, "/stories", None)
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    let created = app
        .send(
            As::Bot,
            Method::POST,
            "/stories",
            Some(json!({"name": "with a token"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(
        app.send(As::Bot, Method::GET, "/stories", None)
            .await
            .json()[0]["name"],
        "with a token"
    );
}

#[tokio::test]
async fn the_2016_api_can_be_turned_off() {
    let app = spawn_app_with(LegacyApi::Off).await;
    for (method, path) in [
        (Method::GET, "/stories"),
        (Method::POST, "/stories"),
        (Method::GET, "/stories/x/votes"),
    ] {
        let reply = app
            .send(As::Bot, method, path, Some(json!({"name": "x"})))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.error_code(), "not_found");
    }
}

#[tokio::test]
async fn a_sized_story_can_be_sized_again_as_in_2016() {
    let app = spawn_app_with(LegacyApi::Open).await;
    let id = post(&app, "/stories", json!({"name": "resize"}))
        .await
        .json()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let put = |size: Value| {
        let (app, id) = (&app, &id);
        async move {
            app.send(
                As::Anonymous,
                Method::PUT,
                &format!("/stories/{id}"),
                Some(json!({"size": size})),
            )
            .await
        }
    };
    assert_eq!(put(json!(2)).await.json()["size"], "2");
    let again = put(json!(3)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.json()["size"], "3");
    assert_eq!(again.json()["revealed"], true);
    assert_eq!(
        get(&app, &format!("/stories/{id}")).await.json()["size"],
        "3"
    );
    assert_eq!(
        app.vote(&id).await.vote.final_size.as_deref(),
        Some("3"),
        "the dashboard sees the new size"
    );
}

#[tokio::test]
async fn the_2016_slack_app_names_its_voter_user_id_and_recasting_replaces() {
    let app = spawn_app_with(LegacyApi::Open).await;
    let id = post(&app, "/stories", json!({"name": "from slack"}))
        .await
        .json()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/stories/{id}/votes");
    // Exactly what the unchanged 2016 Slack app sends.
    let first = post(
        &app,
        &path,
        json!({"user_id": "U2147483697", "size": "Simple"}),
    )
    .await
    .json();
    assert_eq!(first["userId"], "U2147483697");
    post(
        &app,
        &path,
        json!({"user_id": "U2147483697", "size": "Hard"}),
    )
    .await;
    let votes = get(&app, &path).await.json();
    let votes = votes.as_array().unwrap();
    assert_eq!(votes.len(), 1, "one person, one ballot: {votes:?}");
    assert_eq!(votes[0]["size"], "Hard");
    // `userId` wins when a client sends both.
    let both = post(
        &app,
        &path,
        json!({"userId": "@ana", "user_id": "U1", "size": "Medium"}),
    )
    .await
    .json();
    assert_eq!(both["userId"], "@ana");
}

#[tokio::test]
async fn members_sizes_stay_sealed_on_the_2016_api_until_the_reveal() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let id = app
        .create_vote(json!({"name": "mixed voters", "deck": "custom", "cards": ["Zq9", "Wx7"]}))
        .await
        .vote
        .id;
    let marker = "Zq9";
    let mine = app
        .send(
            As::Member(&ana),
            Method::PUT,
            &ballot_path(&id, "me"),
            Some(json!({"card": marker})),
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    app.cast_ok(&id, "slack:U7", "Wx7").await;
    let path = format!("/stories/{id}/votes");
    let sealed = app.send(As::Bot, Method::GET, &path, None).await;
    assert_eq!(sealed.status, StatusCode::OK);
    let votes = sealed.json();
    assert_eq!(votes.as_array().unwrap().len(), 1, "{votes}");
    assert_eq!(
        votes[0]["userId"], "slack:U7",
        "external voters read back theirs"
    );
    assert!(
        !sealed.body.contains(marker),
        "ana's card leaked: {}",
        sealed.body
    );

    assert_eq!(app.act(&id, "reveal", None).await.status, StatusCode::OK);
    let revealed = app.send(As::Bot, Method::GET, &path, None).await.json();
    let mut sizes: Vec<&str> = revealed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["size"].as_str().unwrap())
        .collect();
    sizes.sort();
    assert_eq!(sizes, ["Wx7", "Zq9"], "after the reveal, everyone's");
}

#[tokio::test]
async fn only_tokens_with_the_legacy_scope_use_the_2016_api() {
    let app = spawn_app().await;
    let writer = app
        .token_with(&[Scope::VotesWrite, Scope::VotesManage])
        .await;
    let refused = app
        .send(As::Token(&writer), Method::GET, "/stories", None)
        .await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(refused.body.contains("legacy"), "{}", refused.body);
    let legacy = app.token_with(&[Scope::Legacy]).await;
    assert_eq!(
        app.send(As::Token(&legacy), Method::GET, "/stories", None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_dashboard_vote_takes_only_its_own_cards_through_the_2016_api() {
    let app = spawn_app_with(LegacyApi::Open).await;
    let id = app.fibonacci_vote("fibonacci").await.vote.id;
    let cast = post(
        &app,
        &format!("/stories/{id}/votes"),
        json!({"size": "banana"}),
    )
    .await;
    assert_eq!(cast.status, StatusCode::BAD_REQUEST, "{}", cast.body);
    let off_deck = app
        .send(
            As::Anonymous,
            Method::PUT,
            &format!("/stories/{id}"),
            Some(json!({"size": "Simple"})),
        )
        .await;
    assert_eq!(
        off_deck.status,
        StatusCode::BAD_REQUEST,
        "{}",
        off_deck.body
    );
    assert_eq!(
        app.vote(&id).await.vote.state,
        asyncvoter_wire::VoteState::Open
    );
    let on_deck = post(&app, &format!("/stories/{id}/votes"), json!({"size": 8})).await;
    assert_eq!(on_deck.status, StatusCode::OK, "{}", on_deck.body);
}
