//! The first screen's data embedded in a page (`data-api` elements): exactly what the API
//! answers the same caller, sealed alike, nothing for a visitor of a members-only server,
//! and the newest event id so the page's stream catches up on what came after. The first
//! screen of `/` drawn as HTML from that same answer (`data-first-paint`).

use std::time::Duration;

use asyncvoter_server::{LegacyApi, Settings, Visibility};
use asyncvoter_test_support::TestServer;
use asyncvoter_wire::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{As, Session, TestApp, ballot_path, spawn_app_with_settings};

const INDEX: &str =
    "<!doctype html><html><head><title>AsyncVoter</title></head><body></body></html>";
const ONGOING: &str = "/api/votes?state=ongoing&limit=50";
const SEALED_REASON: &str = "Sealed-reason-only-ana-may-read";

/// A server with a dashboard, `visibility`, and a vote that waits on ana and ben, where
/// ana has cast a sealed 8 with a reason.
async fn with_a_sealed_ballot(
    visibility: Visibility,
) -> (TestApp, tempfile::TempDir, Session, Session, String) {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("dist");
    std::fs::create_dir(&ui).unwrap();
    std::fs::write(ui.join("index.html"), INDEX).unwrap();
    let settings = Settings {
        visibility,
        ..TestServer::settings(LegacyApi::Token, Some(&ui))
    };
    let app = spawn_app_with_settings(settings).await;
    let ana = app.member("ana", Role::Member).await;
    let ben = app.member("ben", Role::Member).await;
    let vote = app
        .create_vote(json!({"name": "Checkout <b>flow</b>", "deck": "fibonacci", "expected_voters": ["ana", "ben"]}))
        .await;
    let id = vote.vote.id;
    let cast = app
        .send(
            As::Member(&ana),
            Method::PUT,
            &ballot_path(&id, "ana"),
            Some(json!({"card": "8", "reason": SEALED_REASON})),
        )
        .await;
    assert_eq!(cast.status, StatusCode::OK, "{}", cast.body);
    (app, dir, ana, ben, id)
}

/// Every embedded answer of a page: its API path and its JSON.
fn embedded(page: &str) -> Vec<(String, Value)> {
    let open = "<script type=\"application/json\" data-api=\"";
    page.match_indices(open)
        .map(|(at, _)| {
            let rest = &page[at + open.len()..];
            let path = rest[..rest.find('"').unwrap()].replace("&amp;", "&");
            let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
            (path, serde_json::from_str(json).expect("embedded JSON"))
        })
        .collect()
}

/// The page at `path` for `who`, and what it embeds.
async fn page(app: &TestApp, who: As<'_>, path: &str) -> (String, Vec<(String, Value)>) {
    let reply = app.send(who, Method::GET, path, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}");
    let answers = embedded(&reply.body);
    (reply.body, answers)
}

/// What the API answers `who` for `path`.
async fn api(app: &TestApp, who: As<'_>, path: &str) -> Value {
    let reply = app.send(who, Method::GET, path, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    reply.json()
}

/// The page's `data-event-id`.
fn newest_event(page: &str) -> i64 {
    let open = "data-event-id=\"";
    let start = page.find(open).expect("a newest event id") + open.len();
    page[start..start + page[start..].find('"').unwrap()]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn each_page_embeds_what_the_api_answers_its_caller_and_nothing_sealed() {
    let (app, _dir, ana, ben, id) = with_a_sealed_ballot(Visibility::Public).await;
    let vote_page = format!("/votes/{id}");
    let vote_api = format!("/api/votes/{id}");

    // A visitor: the first page of `/`, the vote on its page; no waiting list.
    let (body, answers) = page(&app, As::Anonymous, "/").await;
    assert_eq!(answers.len(), 1, "{body}");
    assert_eq!(answers[0].0, ONGOING);
    assert_eq!(answers[0].1, api(&app, As::Anonymous, ONGOING).await);
    assert_eq!(
        answers[0].1["items"][0]["voters"][0]["id"], "ana",
        "who voted is public"
    );
    let (body, answers) = page(&app, As::Anonymous, &vote_page).await;
    assert_eq!(
        answers,
        [(vote_api.clone(), api(&app, As::Anonymous, &vote_api).await)]
    );
    assert_eq!(answers[0].1["my_card"], Value::Null);
    assert!(!body.contains(SEALED_REASON), "{body}");
    assert!(
        !body.contains("<b>flow"),
        "markup in a name stays text: {body}"
    );

    // Ben, who has not voted: not ana's card, and the vote waits on him.
    let (body, answers) = page(&app, As::Member(&ben), &vote_page).await;
    let detail = &answers[0].1;
    assert_eq!(detail["my_card"], Value::Null);
    assert_eq!(
        detail["rounds"][0]["ballots"][0]["card"],
        Value::Null,
        "sealed"
    );
    assert!(!body.contains(SEALED_REASON), "{body}");
    assert_eq!(answers[1].0, "/api/me/waiting");
    assert_eq!(answers[1].1["items"][0]["id"], id.as_str());
    assert_eq!(
        answers[1].1,
        api(&app, As::Member(&ben), "/api/me/waiting").await
    );

    // Ana sees her own card and reason, and only on her page.
    let (_, answers) = page(&app, As::Member(&ana), &vote_page).await;
    assert_eq!(answers[0].1["my_card"], "8");
    assert_eq!(answers[0].1["my_reason"], SEALED_REASON);
    assert_eq!(answers[0].1, api(&app, As::Member(&ana), &vote_api).await);
    assert_eq!(answers[1].1["items"], json!([]), "nothing waits on ana");

    // A filtered list is the dashboard's own request; an unknown vote embeds nothing.
    let (_, answers) = page(&app, As::Anonymous, "/?project=web").await;
    assert!(answers.is_empty());
    let missing = app
        .send(As::Anonymous, Method::GET, "/votes/nosuchvote", None)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(embedded(&missing.body).is_empty());

    // After the reveal the page shows what the API shows: the cards.
    let revealed = app.act(&id, "reveal", None).await;
    assert_eq!(revealed.status, StatusCode::OK, "{}", revealed.body);
    let (_, answers) = page(&app, As::Member(&ben), &vote_page).await;
    assert_eq!(answers[0].1["rounds"][0]["ballots"][0]["card"], "8");
}

/// The first screen a page draws as HTML, if it has one.
fn first_paint(page: &str) -> Option<&str> {
    let at = page.find("<div data-first-paint>")?;
    let end = at
        + page[at..]
            .find("</main></div>")
            .expect("a closed first paint");
    Some(&page[at..end])
}

#[tokio::test]
async fn the_home_page_draws_its_first_screen_from_the_answer_it_embeds() {
    let (app, _dir, ana, _ben, id) = with_a_sealed_ballot(Visibility::Public).await;
    for who in [As::Anonymous, As::Member(&ana)] {
        let (body, _) = page(&app, who, "/").await;
        let paint = first_paint(&body).expect("`/` draws its first screen");
        for part in [
            format!(
                "<a class=\"vote-row__link\" href=\"/votes/{id}\">Checkout &lt;b&gt;flow&lt;/b&gt;</a>"
            ),
            "<span class=\"tally__count\">1 vote</span>".to_owned(),
            "<li class=\"voter\" title=\"ana\">".to_owned(),
            "Waiting on BEN Tester".to_owned(),
        ] {
            assert!(paint.contains(&part), "{part} missing from {paint}");
        }
        assert!(!paint.contains(SEALED_REASON), "{paint}");
        assert!(!paint.contains("<b>"), "{paint}");
    }
    // Only `/` unfiltered and a vote's page: the other pages' first screens are the
    // dashboard's to draw.
    for path in ["/history", "/?project=web", "/insights"] {
        let (body, _) = page(&app, As::Anonymous, path).await;
        assert_eq!(first_paint(&body), None, "{path}");
    }
}

#[tokio::test]
async fn a_vote_page_draws_its_vote_sealed_for_all_but_its_voter() {
    let (app, _dir, ana, ben, id) = with_a_sealed_ballot(Visibility::Public).await;
    let path = format!("/votes/{id}");
    for (who, mine) in [
        (As::Anonymous, None),
        (As::Member(&ben), None),
        (As::Member(&ana), Some("8")),
    ] {
        let (body, _) = page(&app, who, &path).await;
        let paint = first_paint(&body).expect("a vote's page draws its first screen");
        for part in [
            "<h1 class=\"vote__title\"><span>Checkout &lt;b&gt;flow&lt;/b&gt;</span></h1>",
            "<span class=\"tally__count\">1 vote</span>",
            "<li class=\"voter\" title=\"ana\">",
            "<ul class=\"voters\" aria-label=\"Who the vote waits on\"><li class=\"voter\" title=\"ben\">",
        ] {
            assert!(paint.contains(part), "{part} missing from {paint}");
        }
        let pressed = paint.contains("aria-pressed=\"true\" aria-label=\"Vote 8\"");
        assert_eq!(pressed, mine.is_some(), "{paint}");
        assert_eq!(paint.contains(SEALED_REASON), mine.is_some(), "{paint}");
        assert!(!paint.contains("<b>"), "{paint}");
    }
    // Nothing is drawn for a vote that is not there.
    let missing = app
        .send(As::Anonymous, Method::GET, "/votes/nope", None)
        .await;
    assert_eq!(first_paint(&missing.body), None);
}

#[tokio::test]
async fn a_members_only_server_embeds_nothing_for_a_visitor() {
    let (app, _dir, _ana, ben, id) = with_a_sealed_ballot(Visibility::Members).await;
    for path in [
        "/".to_owned(),
        format!("/votes/{id}"),
        "/history".to_owned(),
    ] {
        let (body, answers) = page(&app, As::Anonymous, &path).await;
        assert!(answers.is_empty(), "{path}: {body}");
        assert!(!body.contains("Checkout"), "{path}: {body}");
        assert_eq!(first_paint(&body), None, "{path}");
    }
    let (body, answers) = page(&app, As::Member(&ben), "/").await;
    assert_eq!(answers[0].1["items"][0]["name"], "Checkout <b>flow</b>");
    assert!(first_paint(&body).is_some_and(|paint| paint.contains(&id)));
}

#[tokio::test]
async fn a_page_names_its_newest_event_so_its_stream_catches_up_on_later_changes() {
    let (app, _dir, _ana, ben, id) = with_a_sealed_ballot(Visibility::Public).await;
    let (body, answers) = page(&app, As::Anonymous, "/").await;
    let newest = newest_event(&body);
    assert_eq!(newest, app.store.last_event_id().await.unwrap());
    assert_eq!(answers[0].1["items"][0]["ballots_cast"], 1);
    // Ben votes after the page was written, before its stream opens.
    let cast = app
        .send(
            As::Member(&ben),
            Method::PUT,
            &ballot_path(&id, "ben"),
            Some(json!({"card": "5"})),
        )
        .await;
    assert_eq!(cast.status, StatusCode::OK, "{}", cast.body);
    let mut stream = app.events(Some(&newest.to_string())).await;
    let mut kinds = Vec::new();
    while let Some(event) = stream.next(Duration::from_secs(2)).await {
        kinds.push(event.event.clone());
        assert!(!event.data.contains("\"5\""), "sealed: {}", event.data);
        if event.event == "revealed" {
            break;
        }
    }
    assert!(kinds.starts_with(&["ballot_cast".to_owned()]), "{kinds:?}");
    assert!(
        kinds.contains(&"revealed".to_owned()),
        "everyone voted: {kinds:?}"
    );
}
