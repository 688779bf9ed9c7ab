//! The loop a team runs on: who a vote waits on, what waits on me, changing a vote, a
//! project's usual voters, and reasons sealed like cards.

use std::time::Duration;

use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use asyncvoter_wire::{RevealCause, Role, Scope, VoteDetail, VoteState};

use crate::helpers::*;

fn ids(voters: &Value) -> Vec<String> {
    voters
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `GET /api/votes/{id}` as `who`, as JSON.
async fn vote_json(app: &TestApp, who: As<'_>, id: &str) -> Value {
    app.send(who, Method::GET, &format!("/api/votes/{id}"), None)
        .await
        .json()
}

/// `PATCH /api/votes/{id}` as `who`.
async fn patch(app: &TestApp, who: As<'_>, id: &str, body: Value) -> Reply {
    app.send(who, Method::PATCH, &format!("/api/votes/{id}"), Some(body))
        .await
}

/// Casts as a member through their session.
async fn cast_as(
    app: &TestApp,
    who: &Session,
    id: &str,
    card: &str,
    reason: Option<&str>,
) -> Reply {
    app.send(
        As::Member(who),
        Method::PUT,
        &ballot_path(id, "me"),
        Some(json!({"card": card, "reason": reason})),
    )
    .await
}

#[tokio::test]
async fn a_vote_waits_on_its_expected_voters_round_by_round_and_reveals_when_all_voted() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let ben = app.member("ben", Role::Member).await;
    let created = app
        .send(
            As::Member(&ana),
            Method::POST,
            "/api/votes",
            Some(json!({"name": "Waits", "deck": "fibonacci",
                        "expected_voters": ["ana", " BEN ", "slack:T1:U2", "ana"]})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let vote = created.json();
    let id = vote["vote"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        ids(&vote["vote"]["expected_voters"]),
        ["ana", "ben", "slack:T1:U2"],
        "folded, each once, in order"
    );
    assert_eq!(vote["vote"]["reveal_when_all_voted"], true, "on by default");
    assert_eq!(
        vote["vote"]["expected_voters"][1]["name"], "BEN Tester",
        "members by name"
    );

    assert_eq!(
        cast_as(&app, &ana, &id, "3", None).await.status,
        StatusCode::OK
    );
    app.cast_ok(&id, "slack:Z9", "8").await; // not expected: changes nothing
    let listed = app.list("state=ongoing").await;
    let item = listed.items.iter().find(|v| v.id == id).unwrap();
    let waiting: Vec<&str> = item.waiting_on.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(waiting, ["ben", "slack:T1:U2"], "lists carry it too");

    assert_eq!(
        cast_as(&app, &ben, &id, "5", None).await.status,
        StatusCode::OK
    );
    let last = app.cast_ok(&id, "slack:T1:U2", "5").await;
    assert_eq!(
        last.state,
        VoteState::Revealed,
        "the last expected voter reveals"
    );
    let revealed = app.vote(&id).await;
    assert_eq!(revealed.rounds[0].revealed_by, Some(RevealCause::AllVoted));
    assert!(revealed.vote.waiting_on.is_empty());

    // A new round waits on everyone again.
    let rounds = format!("/api/votes/{id}/rounds");
    let round = app
        .send(As::Member(&ana), Method::POST, &rounds, None)
        .await;
    assert_eq!(round.status, StatusCode::CREATED);
    assert_eq!(
        ids(&vote_json(&app, As::Anonymous, &id).await["vote"]["waiting_on"]),
        ["ana", "ben", "slack:T1:U2"]
    );

    // Turned off, everyone voting leaves the round open.
    let off = app
        .create_vote(json!({"name": "Off", "deck": "fibonacci",
                            "expected_voters": ["slack:A"], "reveal_when_all_voted": false}))
        .await;
    let still = app.cast_ok(&off.vote.id, "slack:A", "3").await;
    assert_eq!(still.state, VoteState::Open);

    // Unknown members are refused, without a vote started.
    let before = app.list("").await.items.len();
    let unknown = app
        .send(
            As::Bot,
            Method::POST,
            "/api/votes",
            Some(json!({"name": "x", "deck": "fibonacci", "expected_voters": ["nobody"]})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("nobody"), "{}", unknown.body);
    assert_eq!(app.list("").await.items.len(), before);
}

#[tokio::test]
async fn only_the_owner_or_an_admin_changes_a_vote_and_never_its_deck_after_a_ballot() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let ben = app.member("ben", Role::Member).await;
    let root = app.member("root", Role::Admin).await;
    let id = app
        .send(
            As::Member(&ana),
            Method::POST,
            "/api/votes",
            Some(json!({"name": "Patch me", "deck": "fibonacci"})),
        )
        .await
        .json()["vote"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let patch = |who, body| patch(&app, who, &id, body);
    let writer = app
        .token_with(&[Scope::VotesWrite, Scope::VotesManage])
        .await;
    for (who, expected) in [
        (As::Anonymous, StatusCode::UNAUTHORIZED),
        (As::Member(&ben), StatusCode::FORBIDDEN),
        (As::Token(&writer), StatusCode::FORBIDDEN),
    ] {
        let reply = patch(who, json!({"name": "hijacked"})).await;
        assert_eq!(reply.status, expected, "{who:?}: {}", reply.body);
    }
    let mut events = app.events(None).await;
    assert_eq!(events.expect().await.event, "ready");
    let deadline = (Utc::now() + chrono::Duration::hours(48)).to_rfc3339();
    let changed = patch(
        As::Member(&ana),
        json!({"name": "Patched", "url": "https://example.com/t/9", "project": "web",
               "quorum": 4, "deadline": deadline, "deck": "tshirt"}),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let vote: VoteDetail = serde_json::from_str(&changed.body).unwrap();
    assert_eq!(
        (
            vote.vote.name.as_str(),
            vote.vote.project.as_deref(),
            vote.vote.quorum
        ),
        ("Patched", Some("web"), Some(4))
    );
    assert_eq!(vote.cards.len(), 6, "t-shirt sizes");
    assert_eq!(events.expect().await.event, "vote_updated");

    // Clearing with null; the deck stays once someone voted.
    let cleared = patch(As::Member(&root), json!({"url": null, "quorum": null})).await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert_eq!(cleared.json()["vote"]["url"], Value::Null);
    app.cast_ok(&id, "slack:U1", "M").await;
    let deck = patch(As::Member(&ana), json!({"deck": "fibonacci"})).await;
    assert_eq!(
        (deck.status, deck.error_code().as_str()),
        (StatusCode::CONFLICT, "conflict")
    );
    for (body, why) in [
        (
            json!({"deadline": "2001-01-01T00:00:00Z"}),
            "a past deadline",
        ),
        (json!({"quorum": 0}), "a zero quorum"),
        (json!({"name": " "}), "a blank name"),
        (json!({"cards": ["a", "b"]}), "cards without a deck"),
        (json!({"expected_voters": ["nobody"]}), "an unknown member"),
    ] {
        let reply = patch(As::Member(&ana), body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{why}: {}",
            reply.body
        );
    }
    assert_eq!(
        app.vote(&id).await.vote.name,
        "Patched",
        "nothing half-written"
    );

    // Fewer expected voters can complete the round at once.
    let expect = patch(
        As::Member(&ana),
        json!({"expected_voters": ["slack:U1", "ben"]}),
    )
    .await;
    assert_eq!(expect.json()["vote"]["state"], "open");
    let reduce = patch(As::Member(&ana), json!({"expected_voters": ["slack:U1"]})).await;
    assert_eq!(reduce.status, StatusCode::OK);
    assert_eq!(reduce.json()["vote"]["state"], "revealed");

    // A closed vote takes corrections to its name, not to its voting.
    let close = format!("/api/votes/{id}/close");
    let closed = app
        .send(
            As::Member(&ana),
            Method::POST,
            &close,
            Some(json!({"final_size": "M"})),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK);
    assert_eq!(
        patch(As::Member(&ana), json!({"name": "Final name"}))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        patch(As::Member(&ana), json!({"quorum": 3})).await.status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn what_waits_on_me_comes_soonest_deadline_first_and_leaves_when_i_vote() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let hours = |h: i64| (Utc::now() + chrono::Duration::hours(h)).to_rfc3339();
    let later = app
        .create_vote(json!({"name": "Later", "deck": "fibonacci", "expected_voters": ["ana"], "deadline": hours(30)}))
        .await;
    let sooner = app
        .create_vote(json!({"name": "Sooner", "deck": "fibonacci", "expected_voters": ["ana"], "deadline": hours(2)}))
        .await;
    app.create_vote(
        json!({"name": "Whenever", "deck": "fibonacci", "expected_voters": ["ana", "slack:X"]}),
    )
    .await;
    app.create_vote(
        json!({"name": "Not mine", "deck": "fibonacci", "expected_voters": ["slack:X"]}),
    )
    .await;
    let names = |reply: Reply| -> Vec<String> {
        reply.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let mine = app
        .send(As::Member(&ana), Method::GET, "/api/me/waiting", None)
        .await;
    assert_eq!(names(mine), ["Sooner", "Later", "Whenever"]);
    assert_eq!(
        cast_as(&app, &ana, &sooner.vote.id, "3", None).await.status,
        StatusCode::OK
    );
    let mine = app
        .send(As::Member(&ana), Method::GET, "/api/me/waiting", None)
        .await;
    assert_eq!(
        names(mine),
        ["Later", "Whenever"],
        "voted, so no longer waiting"
    );
    app.act(&later.vote.id, "reveal", None).await;
    let mine = app
        .send(As::Member(&ana), Method::GET, "/api/me/waiting", None)
        .await;
    assert_eq!(names(mine), ["Whenever"], "revealed, so no longer waiting");
    for (who, status) in [
        (As::Anonymous, StatusCode::UNAUTHORIZED),
        (As::Bot, StatusCode::FORBIDDEN),
    ] {
        assert_eq!(
            app.send(who, Method::GET, "/api/me/waiting", None)
                .await
                .status,
            status
        );
    }
}

#[tokio::test]
async fn a_project_remembers_its_usual_voters_and_only_admins_set_its_channel() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let root = app.member("root", Role::Admin).await;
    let empty = app
        .send(As::Anonymous, Method::GET, "/api/projects/web%20team", None)
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(
        empty.json(),
        json!({"name": "web team", "default_voters": [], "announces": false})
    );
    let saved = app
        .send(
            As::Member(&ana),
            Method::PUT,
            "/api/projects/web%20team",
            Some(json!({"default_voters": ["ana", "slack:T1:U2"]})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(ids(&saved.json()["default_voters"]), ["ana", "slack:T1:U2"]);
    let channel = json!({"chat_webhook_url": "https://chat.example.com/hooks/x"});
    let refused = app
        .send(
            As::Member(&ana),
            Method::PUT,
            "/api/projects/web%20team",
            Some(channel.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let set = app
        .send(
            As::Member(&root),
            Method::PUT,
            "/api/projects/web%20team",
            Some(channel),
        )
        .await;
    assert_eq!(set.json()["announces"], true);
    assert!(
        !set.body.contains("chat.example.com"),
        "the hook URL is a secret"
    );
    let read = app
        .send(As::Anonymous, Method::GET, "/api/projects/web%20team", None)
        .await;
    assert_eq!(
        ids(&read.json()["default_voters"]),
        ["ana", "slack:T1:U2"],
        "kept"
    );
    for (who, body) in [
        (As::Anonymous, json!({"default_voters": []})),
        (As::Bot, json!({"default_voters": []})),
    ] {
        let reply = app
            .send(who, Method::PUT, "/api/projects/web", Some(body))
            .await;
        assert!(matches!(reply.status.as_u16(), 401 | 403), "{}", reply.body);
    }
    let unknown = app
        .send(
            As::Member(&ana),
            Method::PUT,
            "/api/projects/web",
            Some(json!({"default_voters": ["ghost"]})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A reason nobody would write by chance.
const MARKER: &str = "Because-QX7-legacy-coupling";

#[tokio::test]
async fn a_reason_is_sealed_like_its_card_everywhere_until_the_reveal() {
    let app = spawn_app_with(asyncvoter_server::LegacyApi::Token).await;
    let ana = app.member("ana", Role::Member).await;
    let ben = app.member("ben", Role::Member).await;
    let id = app
        .create_vote(json!({"name": "Why", "deck": "fibonacci", "project": "web"}))
        .await
        .vote
        .id;
    let mut events = app.events(None).await;
    assert_eq!(events.expect().await.event, "ready");
    let cast = cast_as(&app, &ana, &id, "13", Some(MARKER)).await;
    assert_eq!(cast.status, StatusCode::OK);
    assert_eq!(cast.json()["reason"], MARKER, "the voter's own receipt");
    app.send(
        As::Bot,
        Method::PUT,
        &ballot_path(&id, "slack:U1"),
        Some(json!({"card": "2", "reason": "small change"})),
    )
    .await;
    assert_eq!(
        cast_as(&app, &ben, &id, "3", Some(&"x".repeat(501)))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let reads: Vec<(&str, As, String)> = vec![
        (
            "the vote, anonymously",
            As::Anonymous,
            format!("/api/votes/{id}"),
        ),
        (
            "the vote, as ben",
            As::Member(&ben),
            format!("/api/votes/{id}"),
        ),
        ("the vote, as the bot", As::Bot, format!("/api/votes/{id}")),
        ("the list", As::Anonymous, "/api/votes".into()),
        (
            "ben's waiting list",
            As::Member(&ben),
            "/api/me/waiting".into(),
        ),
        ("the 2016 votes", As::Bot, format!("/stories/{id}/votes")),
        ("the 2016 story", As::Bot, format!("/stories/{id}")),
        ("the overview", As::Anonymous, "/api/stats/overview".into()),
    ];
    for (what, who, path) in &reads {
        let reply = app.send(*who, Method::GET, path, None).await;
        assert!(
            !reply.body.contains(MARKER),
            "{what} shows the reason: {}",
            reply.body
        );
    }
    while let Some(event) = events.next(Duration::from_millis(300)).await {
        assert!(
            !event.data.contains(MARKER),
            "an event shows it: {}",
            event.data
        );
    }
    let ana_view = vote_json(&app, As::Member(&ana), &id).await;
    assert_eq!(ana_view["my_reason"], MARKER, "its voter sees it");

    app.act(&id, "reveal", None).await;
    let ballots = vote_json(&app, As::Anonymous, &id).await["rounds"][0]["ballots"].clone();
    let reasons: Vec<(String, Value)> = ballots
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["voter"]["id"].as_str().unwrap().to_owned(),
                b["reason"].clone(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            ("ana".to_owned(), json!(MARKER)),
            ("slack:U1".to_owned(), json!("small change"))
        ],
        "after the reveal every reason stands beside its ballot"
    );
    let legacy = app
        .send(As::Bot, Method::GET, &format!("/stories/{id}/votes"), None)
        .await;
    assert!(
        !legacy.body.contains(MARKER),
        "the 2016 API never carries reasons"
    );
}

#[tokio::test]
async fn projects_match_ignoring_case_and_keep_their_first_spelling() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let first = app
        .create_vote(json!({"name": "One", "deck": "fibonacci", "project": "Platform"}))
        .await;
    assert_eq!(first.vote.project.as_deref(), Some("Platform"));
    // Many spellings at once: every vote lands in the one project.
    let spellings = ["platform", "PLATFORM", "pLaTfOrM", "Platform"];
    let created = futures::future::join_all((0..20).map(|n| {
        app.send(
            As::Bot,
            Method::POST,
            "/api/votes",
            Some(
                json!({"name": format!("v{n}"), "deck": "fibonacci", "project": spellings[n % 4]}),
            ),
        )
    }))
    .await;
    for reply in &created {
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        assert_eq!(reply.json()["vote"]["project"], "Platform");
    }
    assert_eq!(app.list("project=platform&limit=100").await.items.len(), 21);
    let names = app
        .send(As::Anonymous, Method::GET, "/api/projects", None)
        .await;
    assert_eq!(names.json(), json!(["Platform"]));

    // A project's settings are found by any spelling, and saved under the first.
    let saved = app
        .send(
            As::Member(&ana),
            Method::PUT,
            "/api/projects/PLATFORM",
            Some(json!({"default_voters": ["ana"]})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let read = app
        .send(As::Anonymous, Method::GET, "/api/projects/platform", None)
        .await
        .json();
    assert_eq!(read["default_voters"][0]["id"], "ana", "{read}");
    // Renaming a vote's project follows the same rule; a new project keeps its spelling.
    let moved = app
        .send(
            As::Bot,
            Method::PATCH,
            &format!("/api/votes/{}", first.vote.id),
            Some(json!({"project": "Web-Shop"})),
        )
        .await;
    assert_eq!(moved.json()["vote"]["project"], "Web-Shop");
    let later = app
        .create_vote(json!({"name": "Two", "deck": "fibonacci", "project": "web-shop"}))
        .await;
    assert_eq!(later.vote.project.as_deref(), Some("Web-Shop"));
    let names = app
        .send(As::Anonymous, Method::GET, "/api/projects", None)
        .await;
    assert_eq!(names.json(), json!(["Platform", "Web-Shop"]));
}

#[tokio::test]
async fn a_disabled_member_is_waited_on_by_no_vote_and_mailed_nothing() {
    let app = spawn_app().await;
    let root = app.member("root", Role::Admin).await;
    let ana = app.member("ana", Role::Member).await;
    let ben = app.member("ben", Role::Member).await;
    let set_email = app
        .send(
            As::Member(&ana),
            Method::PUT,
            "/api/me/settings",
            Some(json!({"email": "ana@example.com", "reminders": true, "results": true, "all_voted": true})),
        )
        .await;
    assert_eq!(set_email.status, StatusCode::OK, "{}", set_email.body);
    let start = |name: &str, expected: Value| {
        let body = json!({"name": name, "deck": "fibonacci", "expected_voters": expected});
        let app = &app;
        let root = &root;
        async move {
            let reply = app
                .send(As::Member(root), Method::POST, "/api/votes", Some(body))
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
            reply.json()["vote"]["id"].as_str().unwrap().to_owned()
        }
    };
    // Ana voted on one vote; the other waits on her and on ben, who voted.
    let voted = start("Ana voted", json!(["ana", "slack:T1:U1"])).await;
    let missing = start("Waits on ana", json!(["ana", "ben"])).await;
    assert_eq!(
        cast_as(&app, &ana, &voted, "5", None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        cast_as(&app, &ben, &missing, "8", None).await.status,
        StatusCode::OK
    );
    let mut stream = app.events(None).await;
    assert_eq!(stream.expect().await.event, "ready");

    let disabled = app
        .send(
            As::Member(&root),
            Method::PATCH,
            "/api/members/ana",
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);

    // Nobody waits on her any more: the vote she alone held back reveals, as if she had
    // voted last; the other waits on its external voter only and keeps her ballot.
    let revealed = vote_json(&app, As::Member(&ben), &missing).await;
    assert_eq!(revealed["vote"]["state"], "revealed", "{revealed}");
    assert_eq!(ids(&revealed["vote"]["expected_voters"]), ["ben"]);
    let open = vote_json(&app, As::Member(&ben), &voted).await;
    assert_eq!(open["vote"]["state"], "open");
    assert_eq!(ids(&open["vote"]["waiting_on"]), ["slack:T1:U1"]);
    assert_eq!(ids(&open["vote"]["voters"]), ["ana"]);
    let mut heard = Vec::new();
    while heard.len() < 3 {
        let event = stream.expect().await;
        let data: Value = serde_json::from_str(&event.data).unwrap();
        heard.push((event.event, data["vote_id"].as_str().unwrap().to_owned()));
    }
    for expected in [
        ("vote_updated", &voted),
        ("vote_updated", &missing),
        ("revealed", &missing),
    ] {
        assert!(
            heard.contains(&(expected.0.to_owned(), expected.1.clone())),
            "{expected:?} in {heard:?}"
        );
    }

    // Results of the vote she voted on go to its voters who are still members: not her.
    let reveal = app
        .send(
            As::Member(&root),
            Method::POST,
            &format!("/api/votes/{voted}/reveal"),
            None,
        )
        .await;
    assert_eq!(reveal.status, StatusCode::OK, "{}", reveal.body);
    let mails = app
        .store
        .deliveries(&asyncvoter_server::store::DeliveryQuery {
            channel: Some(asyncvoter_server::store::Channel::Email),
            target: Some("ana".into()),
            failed_only: false,
            limit: 100,
        })
        .await
        .unwrap();
    assert!(mails.is_empty(), "{mails:?}");
}
