//! Bad days: a database that stops answering, a disk that fills up or turns read-only,
//! a shutdown in the middle of requests, and floods of logins and event streams. The server answers a clear JSON error (never
//! a hang or a crash), keeps every acknowledged ballot, and recovers by itself.

mod backup;
mod disk;
mod export;
mod floods;
mod locked;
mod shutdown;

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

/// A response's status, `Retry-After` and JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub retry_after: Option<String>,
    pub body: Value,
    pub took: Duration,
}

/// Sends a request as the integration and reads the answer.
pub async fn send(
    base: &str,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let started = Instant::now();
    let mut request = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .bearer_auth(token)
        .timeout(Duration::from_secs(20));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .expect("an answer, not a dropped connection");
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    Answer {
        status,
        retry_after,
        body: serde_json::from_str(&text).unwrap_or(json!({ "raw": text })),
        took: started.elapsed(),
    }
}

/// Casts a ballot for `voter`.
pub async fn cast(base: &str, token: &str, vote: &str, voter: &str, card: &str) -> Answer {
    send(
        base,
        token,
        reqwest::Method::PUT,
        &format!("/api/votes/{vote}/ballots/{voter}"),
        Some(json!({ "card": card })),
    )
    .await
}

/// Starts a Fibonacci vote; its id.
pub async fn start_vote(base: &str, token: &str) -> String {
    let answer = send(
        base,
        token,
        reqwest::Method::POST,
        "/api/votes",
        Some(json!({"name": "Bad day", "deck": "fibonacci"})),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    answer.body["vote"]["id"].as_str().unwrap().to_owned()
}

/// The voters of the current round, as the API lists them.
pub async fn voters(base: &str, token: &str, vote: &str) -> Vec<String> {
    let answer = send(
        base,
        token,
        reqwest::Method::GET,
        &format!("/api/votes/{vote}"),
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body["vote"]["voters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts the documented 503: JSON error `unavailable`, a reason, `Retry-After`.
pub fn assert_unavailable(answer: &Answer, reason: &str) {
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    assert_eq!(answer.body["error"]["code"], "unavailable");
    let message = answer.body["error"]["message"].as_str().unwrap();
    assert!(message.contains(reason), "{reason} in {message}");
    assert!(message.contains("nothing was saved"), "{message}");
    assert_eq!(answer.retry_after.as_deref(), Some("5"));
}
