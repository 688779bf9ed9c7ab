//! `GET /api/votes/export`: CSV and JSON, sealed like the API, filtered like the list,
//! and safe to open in a spreadsheet.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// The export at `query` as a visitor reads it: status, content type, body.
async fn export(app: &TestApp, query: &str) -> (StatusCode, String, String) {
    let reply = app
        .send(
            As::Anonymous,
            Method::GET,
            &format!("/api/votes/export?{query}"),
            None,
        )
        .await;
    let kind = reply
        .headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (reply.status, kind, reply.body)
}

/// The CSV's records after its header, read by an RFC 4180 parser.
fn records(body: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[tokio::test]
async fn csv_has_a_row_per_ballot_cards_only_once_revealed_and_no_formulas() {
    let app = spawn_app().await;
    let sized = app
        .create_vote(
            json!({"name": "=HYPERLINK(\"http://evil\")", "deck": "custom",
                            "cards": ["ZEBRA", "QUAIL"], "project": "web"}),
        )
        .await
        .vote
        .id;
    let cast = app
        .send(
            As::Bot,
            Method::PUT,
            &ballot_path(&sized, "slack:T1:U1"),
            Some(json!({"card": "ZEBRA", "reason": "+1, said \"twice\"\nreally", "name": "@Ana"})),
        )
        .await;
    assert_eq!(cast.status, StatusCode::OK, "{}", cast.body);
    app.cast_ok(&sized, "slack:T1:U2", "QUAIL").await;
    app.act(&sized, "close", Some(json!({"final_size": "QUAIL"})))
        .await;
    let sealed = app
        .create_vote(json!({"name": "Still sealed", "deck": "custom", "cards": ["OTTER", "MOOSE"]}))
        .await
        .vote
        .id;
    app.cast_ok(&sealed, "slack:T1:U3", "OTTER").await;
    app.fibonacci_vote("Nobody voted").await;

    let (status, kind, body) = export(&app, "format=csv").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(body.contains("\r\n"), "RFC 4180 line ends");
    assert!(!body.contains("OTTER"), "a sealed card: {body}");
    let (header, rows) = records(&body);
    assert_eq!(header[..4], ["vote_id", "name", "url", "project"]);
    assert_eq!(
        rows.len(),
        4,
        "two ballots, one sealed ballot, one vote without: {rows:?}"
    );
    let first = &rows[0];
    assert_eq!(
        first[1], "'=HYPERLINK(\"http://evil\")",
        "a formula made text"
    );
    assert_eq!(first[3], "web");
    assert_eq!(first[6], "QUAIL", "final size");
    assert_eq!(first[13], "'@Ana · Slack");
    assert_eq!(first[14], "ZEBRA");
    assert_eq!(
        first[15], "'+1, said \"twice\"\nreally",
        "quotes and line breaks survive"
    );
    let sealed_row = rows.iter().find(|r| r[0] == sealed).unwrap();
    assert_eq!(
        (sealed_row[12].as_str(), sealed_row[14].as_str()),
        ("slack:T1:U3", "")
    );
    let empty = rows.iter().find(|r| r[1] == "Nobody voted").unwrap();
    assert_eq!(empty[12..], ["", "", "", "", ""]);

    // Filters as the list has them; any project spelling.
    let (_, _, body) = export(&app, "format=csv&state=closed&project=WEB").await;
    assert_eq!(records(&body).1.len(), 2);
    let (_, _, body) = export(&app, "format=csv&to=2000-01-01").await;
    assert!(records(&body).1.is_empty());
}

#[tokio::test]
async fn json_is_the_votes_as_the_api_shows_them_to_a_visitor() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for n in 0..450 {
        ids.push(app.fibonacci_vote(&format!("Vote {n}")).await.vote.id);
    }
    app.cast_ok(&ids[0], "slack:T1:U1", "13").await;
    let (status, kind, body) = export(&app, "format=json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/json");
    let exported: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(exported.len(), 450, "every page, once each");
    let exported_ids: Vec<&str> = exported
        .iter()
        .map(|v| v["vote"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(exported_ids, ids, "oldest first");
    let shown = app
        .send(
            As::Anonymous,
            Method::GET,
            &format!("/api/votes/{}", ids[0]),
            None,
        )
        .await
        .json();
    assert_eq!(exported[0], shown);
    assert_eq!(
        exported[0]["rounds"][0]["ballots"][0]["card"],
        Value::Null,
        "sealed"
    );
}

#[tokio::test]
async fn a_compressed_export_arrives_whole() {
    let app = spawn_app().await;
    for n in 0..250 {
        app.fibonacci_vote(&format!("Vote {n}")).await;
    }
    for encoding in ["gzip", "br", "zstd"] {
        let reply = app
            .send_with(
                Method::GET,
                "/api/votes/export?format=csv",
                &[("accept-encoding", encoding)],
                None,
            )
            .await;
        // Whole: a stream that panicked at its end would cut the connection instead.
        assert_eq!(reply.status, StatusCode::OK, "{encoding}");
        assert!(reply.body.len() > 1000, "{encoding}");
    }
    // The server is still there: a panic in the stream would have ended the request.
    let (status, _, body) = export(&app, "format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(records(&body).1.len(), 250);
}

#[tokio::test]
async fn bad_exports_are_clear_errors() {
    let app = spawn_app().await;
    for query in [
        "format=xml",
        "state=lost",
        "from=yesterday",
        "to=2026-13-40",
    ] {
        let (status, _, body) = export(&app, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert!(error["error"]["message"].is_string(), "{query}: {body}");
    }
}

#[tokio::test]
async fn lists_search_by_date_and_say_how_much_a_closed_vote_agreed() {
    let app = spawn_app().await;
    let agreed = app.fibonacci_vote("Agreed").await.vote.id;
    app.cast_ok(&agreed, "slack:T1:U1", "8").await;
    app.cast_ok(&agreed, "slack:T1:U2", "8").await;
    app.act(&agreed, "close", Some(json!({"final_size": "8"})))
        .await;
    let open = app.fibonacci_vote("Open").await.vote.id;
    app.cast_ok(&open, "slack:T1:U1", "3").await;
    let list = app.list("state=all").await;
    let item = |id: &str| list.items.iter().find(|v| v.id == id).unwrap().clone();
    assert_eq!(
        item(&agreed).agreement,
        Some(asyncvoter_wire::AgreementLabel::Unanimous)
    );
    assert_eq!(item(&open).agreement, None, "sealed rounds say nothing");
    let today = chrono::Utc::now().date_naive();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let found = app
        .list(&format!(
            "state=closed&from={}&to={}",
            day(today),
            day(today)
        ))
        .await;
    assert_eq!(found.items.len(), 1);
    let before = app
        .list(&format!(
            "state=closed&to={}",
            day(today.pred_opt().unwrap())
        ))
        .await;
    assert!(before.items.is_empty());
    let bad = app
        .send(
            As::Anonymous,
            Method::GET,
            "/api/votes?from=31/12/2026",
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
}
