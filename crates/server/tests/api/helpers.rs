//! Starting a server per test and one typed helper per endpoint.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use asyncvoter_server::LegacyApi;
use asyncvoter_server::store::Store;
use asyncvoter_server::testing::TestServer;
use asyncvoter_wire::{BallotReceipt, VoteDetail, VoteList};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

/// A running server with its own database and an integration token.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub token: String,
    pub store: Arc<dyn Store>,
    pub db_path: PathBuf,
    _server: TestServer,
    _dir: TempDir,
}

/// A response's status and body text.
pub struct Reply {
    pub status: StatusCode,
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `error.code` of an error body, checking its shape.
    pub fn error_code(&self) -> String {
        let body = self.json();
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "an error body has a message: {}",
            self.body
        );
        body["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code: {}", self.body))
            .to_owned()
    }
}

/// Starts a server with the 2016 API behind tokens.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(LegacyApi::Token).await
}

/// Starts a server with the given 2016 API mode.
pub async fn spawn_app_with(legacy_api: LegacyApi) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("asyncvoter.db");
    let server = TestServer::start(&db_path, TestServer::settings(legacy_api, None)).await;
    TestApp {
        base: server.base.clone(),
        client: reqwest::Client::new(),
        token: server.token.clone(),
        store: server.store.clone(),
        db_path,
        _server: server,
        _dir: dir,
    }
}

/// Who sends a request.
#[derive(Clone, Copy, Debug)]
pub enum As<'a> {
    /// No credentials.
    Anonymous,
    /// The test's integration token.
    Bot,
    /// Any `Authorization` header value.
    Header(&'a str),
}

impl TestApp {
    /// Sends `method path` with an optional JSON body.
    pub async fn send(
        &self,
        who: As<'_>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        request = match who {
            As::Anonymous => request,
            As::Bot => request.bearer_auth(&self.token),
            As::Header(value) => request.header("authorization", value),
        };
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        Reply {
            status: response.status(),
            body: response.text().await.unwrap(),
        }
    }

    /// Sends raw bytes with a content type.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let response = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("the server answers");
        Reply {
            status: response.status(),
            body: response.text().await.unwrap(),
        }
    }

    /// `POST /api/votes` as the bot; panics unless 201.
    pub async fn create_vote(&self, body: Value) -> VoteDetail {
        let reply = self
            .send(As::Bot, Method::POST, "/api/votes", Some(body))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        serde_json::from_str(&reply.body).unwrap()
    }

    /// A fibonacci vote named `name`.
    pub async fn fibonacci_vote(&self, name: &str) -> VoteDetail {
        self.create_vote(json!({"name": name, "deck": "fibonacci"}))
            .await
    }

    /// `GET /api/votes/{id}` anonymously; panics unless 200.
    pub async fn vote(&self, id: &str) -> VoteDetail {
        let reply = self
            .send(
                As::Anonymous,
                Method::GET,
                &format!("/api/votes/{id}"),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        serde_json::from_str(&reply.body).unwrap()
    }

    /// `GET /api/votes?{query}` anonymously; panics unless 200.
    pub async fn list(&self, query: &str) -> VoteList {
        let reply = self
            .send(
                As::Anonymous,
                Method::GET,
                &format!("/api/votes?{query}"),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        serde_json::from_str(&reply.body).unwrap()
    }

    /// `PUT /api/votes/{id}/ballots/{voter}` as the bot.
    pub async fn cast(&self, id: &str, voter: &str, card: &str) -> Reply {
        self.send(
            As::Bot,
            Method::PUT,
            &ballot_path(id, voter),
            Some(json!({"card": card})),
        )
        .await
    }

    /// Casts and panics unless 200.
    pub async fn cast_ok(&self, id: &str, voter: &str, card: &str) -> BallotReceipt {
        let reply = self.cast(id, voter, card).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        serde_json::from_str(&reply.body).unwrap()
    }

    /// `POST /api/votes/{id}/{action}` as the bot (`reveal`, `rounds`, `close`).
    pub async fn act(&self, id: &str, action: &str, body: Option<Value>) -> Reply {
        self.send(
            As::Bot,
            Method::POST,
            &format!("/api/votes/{id}/{action}"),
            body,
        )
        .await
    }
}

/// The path of a voter's ballot, with the voter id escaped.
pub fn ballot_path(id: &str, voter: &str) -> String {
    format!(
        "/api/votes/{id}/ballots/{}",
        voter
            .replace('%', "%25")
            .replace('#', "%23")
            .replace('?', "%3F")
    )
}

/// Polls `check` every 50 ms until it returns `Some`, or panics after `limit`.
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    let mut every = tokio::time::interval(Duration::from_millis(50));
    loop {
        every.tick().await;
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
    }
}
