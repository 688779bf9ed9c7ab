//! Every endpoint against bad requests: each gets the documented JSON error and status,
//! never a 500, and nothing is partly written.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// One bad request: what it is, who sends it, and the status and code it must get.
struct Case {
    why: &'static str,
    who: As<'static>,
    method: Method,
    path: String,
    body: Body,
    status: StatusCode,
    code: &'static str,
}

enum Body {
    None,
    Json(Value),
    Raw(&'static str, Vec<u8>),
}

fn case(
    why: &'static str,
    method: Method,
    path: impl Into<String>,
    body: Body,
    status: StatusCode,
    code: &'static str,
) -> Case {
    Case {
        why,
        who: As::Bot,
        method,
        path: path.into(),
        body,
        status,
        code,
    }
}

fn by(who: As<'static>, c: Case) -> Case {
    Case { who, ..c }
}

async fn run(app: &TestApp, cases: Vec<Case>) {
    for c in cases {
        let reply = match c.body {
            Body::Raw(content_type, bytes) => {
                app.send_raw(c.method.clone(), &c.path, content_type, bytes)
                    .await
            }
            Body::Json(value) => {
                app.send(c.who, c.method.clone(), &c.path, Some(value))
                    .await
            }
            Body::None => app.send(c.who, c.method.clone(), &c.path, None).await,
        };
        assert_eq!(reply.status, c.status, "{}: {}", c.why, reply.body);
        assert_eq!(reply.error_code(), c.code, "{}", c.why);
    }
}

fn oversize() -> Body {
    Body::Raw(
        "application/json",
        format!("{{\"name\": \"{}\"}}", "x".repeat(65 * 1024)).into_bytes(),
    )
}

fn malformed() -> Body {
    Body::Raw("application/json", b"{\"name\": ".to_vec())
}

use StatusCode as S;

#[tokio::test]
async fn starting_a_vote_rejects_bad_input_and_writes_nothing() {
    let app = spawn_app().await;
    let p = "/api/votes";
    let j = |v: Value| Body::Json(v);
    let cards21: Vec<String> = (1..=21).map(|n| n.to_string()).collect();
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    let cases = vec![
        case(
            "malformed JSON",
            Method::POST,
            p,
            malformed(),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "not JSON",
            Method::POST,
            p,
            Body::Raw("text/plain", b"name=x".to_vec()),
            S::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        case(
            "over 64 KiB",
            Method::POST,
            p,
            oversize(),
            S::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        case(
            "name is a number",
            Method::POST,
            p,
            j(json!({"name": 5, "deck": "fibonacci"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "no name",
            Method::POST,
            p,
            j(json!({"deck": "fibonacci"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "no deck",
            Method::POST,
            p,
            j(json!({"name": "x"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "unknown deck",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "poker"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "empty name",
            Method::POST,
            p,
            j(json!({"name": "  ", "deck": "fibonacci"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "201-char name",
            Method::POST,
            p,
            j(json!({"name": "n".repeat(201), "deck": "fibonacci"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "javascript: url",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "fibonacci", "url": "javascript:alert(1)"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "data: url",
            Method::POST,
            p,
            j(
                json!({"name": "x", "deck": "fibonacci", "url": "data:text/html,<script>alert(1)</script>"}),
            ),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "custom deck with duplicates",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "custom", "cards": ["S", "M", "S"]})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "custom deck of 1 card",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "custom", "cards": ["S"]})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "custom deck of 21 cards",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "custom", "cards": cards21})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "custom deck without cards",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "custom"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "cards for a built-in deck",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "tshirt", "cards": ["a", "b"]})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "card of 9 characters",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "custom", "cards": ["a", "123456789"]})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "quorum 0",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "fibonacci", "quorum": 0})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "quorum negative",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "fibonacci", "quorum": -1})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "quorum as text",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "fibonacci", "quorum": "3"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "deadline not a time",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "fibonacci", "deadline": "tomorrow"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "deadline in the past",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "fibonacci", "deadline": past})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        case(
            "owner not external",
            Method::POST,
            p,
            j(json!({"name": "x", "deck": "fibonacci", "owner": "alice"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        by(
            As::Anonymous,
            case(
                "no token",
                Method::POST,
                p,
                j(json!({"name": "x", "deck": "fibonacci"})),
                S::UNAUTHORIZED,
                "unauthorized",
            ),
        ),
        by(
            As::Header("Bearer av_wrong"),
            case(
                "unknown token",
                Method::POST,
                p,
                j(json!({"name": "x", "deck": "fibonacci"})),
                S::UNAUTHORIZED,
                "unauthorized",
            ),
        ),
        by(
            As::Header("Basic dXNlcjpwYXNz"),
            case(
                "not a bearer token",
                Method::POST,
                p,
                j(json!({"name": "x", "deck": "fibonacci"})),
                S::UNAUTHORIZED,
                "unauthorized",
            ),
        ),
    ];
    run(&app, cases).await;
    assert!(app.list("").await.items.is_empty(), "no vote was written");
}

#[tokio::test]
async fn reading_rejects_bad_filters_and_unknown_ids() {
    let app = spawn_app().await;
    let get =
        |why, path: &str, status, code| case(why, Method::GET, path, Body::None, status, code);
    run(
        &app,
        vec![
            get(
                "limit 0",
                "/api/votes?limit=0",
                S::BAD_REQUEST,
                "bad_request",
            ),
            get(
                "limit 101",
                "/api/votes?limit=101",
                S::BAD_REQUEST,
                "bad_request",
            ),
            get(
                "limit not a number",
                "/api/votes?limit=ten",
                S::BAD_REQUEST,
                "bad_request",
            ),
            get(
                "unknown state",
                "/api/votes?state=pending",
                S::BAD_REQUEST,
                "bad_request",
            ),
            get(
                "forged cursor",
                "/api/votes?cursor=bm90LWEtY3Vyc29y",
                S::BAD_REQUEST,
                "bad_request",
            ),
            get(
                "cursor not base64",
                "/api/votes?cursor=%%%",
                S::BAD_REQUEST,
                "bad_request",
            ),
            get(
                "unknown vote",
                "/api/votes/0123456789abcdef01234567",
                S::NOT_FOUND,
                "not_found",
            ),
            get(
                "unknown API route",
                "/api/nothing-here",
                S::NOT_FOUND,
                "not_found",
            ),
            case(
                "wrong method",
                Method::PATCH,
                "/api/votes",
                Body::None,
                S::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn ballots_reject_bad_input_and_leave_the_tally_as_it_was() {
    let app = spawn_app().await;
    let id = app.fibonacci_vote("open").await.vote.id;
    app.cast_ok(&id, "slack:U1", "5").await;
    let revealed = app.fibonacci_vote("revealed").await.vote.id;
    app.act(&revealed, "reveal", None).await;
    let closed = app.fibonacci_vote("closed").await.vote.id;
    app.act(&closed, "close", Some(json!({"final_size": "3"})))
        .await;

    let put =
        |why, path: String, body, status, code| case(why, Method::PUT, path, body, status, code);
    let card = |c: Value| Body::Json(json!({ "card": c }));
    let mine = ballot_path(&id, "slack:U1");
    let cases = vec![
        put(
            "malformed JSON",
            mine.clone(),
            malformed(),
            S::BAD_REQUEST,
            "bad_request",
        ),
        put(
            "over 64 KiB",
            mine.clone(),
            oversize(),
            S::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        put(
            "card not in the deck",
            mine.clone(),
            card(json!("4")),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        put(
            "card is a number",
            mine.clone(),
            card(json!(5)),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        put(
            "no card",
            mine.clone(),
            Body::Json(json!({})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        put(
            "unknown vote",
            ballot_path("nope", "slack:U1"),
            card(json!("5")),
            S::NOT_FOUND,
            "not_found",
        ),
        put(
            "a member's name from an integration",
            ballot_path(&id, "alice"),
            card(json!("5")),
            S::FORBIDDEN,
            "forbidden",
        ),
        put(
            "on a revealed vote",
            ballot_path(&revealed, "slack:U1"),
            card(json!("5")),
            S::CONFLICT,
            "conflict",
        ),
        put(
            "on a closed vote",
            ballot_path(&closed, "slack:U1"),
            card(json!("5")),
            S::CONFLICT,
            "conflict",
        ),
        by(
            As::Anonymous,
            put(
                "no token",
                mine.clone(),
                card(json!("8")),
                S::UNAUTHORIZED,
                "unauthorized",
            ),
        ),
        by(
            As::Header("Bearer av_wrong"),
            put(
                "unknown token",
                mine.clone(),
                card(json!("8")),
                S::UNAUTHORIZED,
                "unauthorized",
            ),
        ),
        case(
            "withdraw on unknown vote",
            Method::DELETE,
            ballot_path("nope", "slack:U1"),
            Body::None,
            S::NOT_FOUND,
            "not_found",
        ),
        case(
            "withdraw without a ballot",
            Method::DELETE,
            ballot_path(&id, "slack:U2"),
            Body::None,
            S::NOT_FOUND,
            "not_found",
        ),
        case(
            "withdraw on a revealed vote",
            Method::DELETE,
            ballot_path(&revealed, "slack:U1"),
            Body::None,
            S::CONFLICT,
            "conflict",
        ),
        by(
            As::Anonymous,
            case(
                "withdraw without token",
                Method::DELETE,
                mine.clone(),
                Body::None,
                S::UNAUTHORIZED,
                "unauthorized",
            ),
        ),
    ];
    run(&app, cases).await;
    let vote = app.vote(&id).await;
    assert_eq!(
        vote.vote.ballots_cast, 1,
        "the one good ballot, nothing else"
    );
    app.act(&id, "reveal", None).await;
    assert_eq!(
        app.vote(&id).await.rounds[0].ballots[0].card.as_deref(),
        Some("5"),
        "unchanged"
    );
}

#[tokio::test]
async fn owner_actions_reject_bad_input() {
    let app = spawn_app().await;
    let id = app.fibonacci_vote("actions").await.vote.id;
    let post =
        |why, path: String, body, status, code| case(why, Method::POST, path, body, status, code);
    let close = format!("/api/votes/{id}/close");
    let cases = vec![
        post(
            "reveal unknown vote",
            "/api/votes/nope/reveal".into(),
            Body::None,
            S::NOT_FOUND,
            "not_found",
        ),
        post(
            "new round on unknown vote",
            "/api/votes/nope/rounds".into(),
            Body::None,
            S::NOT_FOUND,
            "not_found",
        ),
        post(
            "close unknown vote",
            "/api/votes/nope/close".into(),
            Body::Json(json!({"final_size": "3"})),
            S::NOT_FOUND,
            "not_found",
        ),
        by(
            As::Anonymous,
            post(
                "reveal without token",
                format!("/api/votes/{id}/reveal"),
                Body::None,
                S::UNAUTHORIZED,
                "unauthorized",
            ),
        ),
        by(
            As::Anonymous,
            post(
                "new round without token",
                format!("/api/votes/{id}/rounds"),
                Body::None,
                S::UNAUTHORIZED,
                "unauthorized",
            ),
        ),
        by(
            As::Header("Bearer x"),
            post(
                "close with unknown token",
                close.clone(),
                Body::Json(json!({"final_size": "3"})),
                S::UNAUTHORIZED,
                "unauthorized",
            ),
        ),
        post(
            "close without a size",
            close.clone(),
            Body::Json(json!({})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        post(
            "close with a numeric size",
            close.clone(),
            Body::Json(json!({"final_size": 3})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        post(
            "close with a size off the deck",
            close.clone(),
            Body::Json(json!({"final_size": "4"})),
            S::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        post(
            "close with malformed JSON",
            close.clone(),
            malformed(),
            S::BAD_REQUEST,
            "bad_request",
        ),
        post(
            "close over 64 KiB",
            close.clone(),
            oversize(),
            S::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        post(
            "new round while open",
            format!("/api/votes/{id}/rounds"),
            Body::None,
            S::CONFLICT,
            "conflict",
        ),
    ];
    run(&app, cases).await;
    let vote = app.vote(&id).await;
    assert_eq!(
        (vote.vote.state, vote.vote.round),
        (asyncvoter_wire::VoteState::Open, 1),
        "untouched"
    );
}

#[tokio::test]
async fn the_2016_api_rejects_bad_input_with_400() {
    let app = spawn_app().await;
    let story = app
        .send(
            As::Bot,
            Method::POST,
            "/stories",
            Some(json!({"name": "legacy"})),
        )
        .await
        .json();
    let id = story["_id"].as_str().unwrap();
    let j = |v: Value| Body::Json(v);
    let cases = vec![
        case(
            "story without a name",
            Method::POST,
            "/stories",
            j(json!({"url": "https://x.org"})),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "story name is a number",
            Method::POST,
            "/stories",
            j(json!({"name": 7})),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "story with a javascript: url",
            Method::POST,
            "/stories",
            j(json!({"name": "x", "url": "javascript:alert(1)"})),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "story name over 200",
            Method::POST,
            "/stories",
            j(json!({"name": "n".repeat(201)})),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "malformed story",
            Method::POST,
            "/stories",
            malformed(),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "oversize story",
            Method::POST,
            "/stories",
            oversize(),
            S::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        case(
            "vote without size",
            Method::POST,
            format!("/stories/{id}/votes"),
            j(json!({"userId": "@a"})),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "vote with a size object",
            Method::POST,
            format!("/stories/{id}/votes"),
            j(json!({"size": {"a": 1}})),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "vote on unknown story",
            Method::POST,
            "/stories/nope/votes",
            j(json!({"size": "1"})),
            S::NOT_FOUND,
            "not_found",
        ),
        case(
            "close without size",
            Method::PUT,
            format!("/stories/{id}"),
            j(json!({})),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "close with size 0",
            Method::PUT,
            format!("/stories/{id}"),
            j(json!({"size": 0})),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "close unknown story",
            Method::PUT,
            "/stories/nope",
            j(json!({"size": "2"})),
            S::NOT_FOUND,
            "not_found",
        ),
    ];
    run(&app, cases).await;
    let stories = app
        .send(As::Bot, Method::GET, "/stories", None)
        .await
        .json();
    assert_eq!(stories.as_array().unwrap().len(), 1, "only the good story");
    assert_eq!(
        app.send(As::Bot, Method::GET, &format!("/stories/{id}/votes"), None)
            .await
            .json(),
        json!([])
    );
}
