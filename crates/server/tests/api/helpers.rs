//! Starting a server per test and one typed helper per endpoint.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use asyncvoter_server::auth::{self, passwords};
use asyncvoter_server::store::{MemberRecord, Store};
use asyncvoter_server::{LegacyApi, Settings, rules};
use asyncvoter_test_support::TestServer;
use asyncvoter_wire::{BallotReceipt, VoteDetail, VoteList};
use asyncvoter_wire::{Role, Scope};
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
    /// The first-admin link the server opened (nobody was a member at its start).
    pub setup_path: Option<String>,
    _server: TestServer,
    _dir: TempDir,
}

/// A response's status, headers and body text.
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    /// Reads a whole response.
    pub async fn read(response: reqwest::Response) -> Reply {
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

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
    spawn_app_with_settings(TestServer::settings(legacy_api, None)).await
}

/// Starts a server with these settings on a fresh database.
pub async fn spawn_app_with_settings(settings: Settings) -> TestApp {
    start_in(tempfile::tempdir().unwrap(), settings).await
}

async fn start_in(dir: TempDir, settings: Settings) -> TestApp {
    let db_path = dir.path().join("asyncvoter.db");
    let server = TestServer::start(&db_path, settings).await;
    TestApp {
        base: server.base.clone(),
        client: reqwest::Client::new(),
        setup_path: server.setup_path.clone(),
        token: server.token.clone(),
        store: server.store.clone(),
        db_path,
        _server: server,
        _dir: dir,
    }
}

impl TestApp {
    /// Stops this server and starts a new one on the same database file.
    pub async fn restart(self, settings: Settings) -> TestApp {
        let TestApp { _server, _dir, .. } = self;
        drop(_server);
        start_in(_dir, settings).await
    }
}

/// Who sends a request.
#[derive(Clone, Copy, Debug)]
pub enum As<'a> {
    /// No credentials.
    Anonymous,
    /// The test's integration token, with every scope.
    Bot,
    /// Another integration token.
    Token(&'a str),
    /// Any `Authorization` header value.
    Header(&'a str),
    /// A logged-in member's browser: their session cookie and the dashboard's CSRF header.
    Member(&'a Session),
}

/// A member's session, as a browser holds it.
#[derive(Debug, Clone)]
pub struct Session {
    /// `name=value` of the session cookie.
    pub cookie: String,
}

/// The `name=value` pair of a response's session cookie, if it set one.
pub fn session_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("asyncvoter=") || v.starts_with("__Host-asyncvoter="))
        .map(|v| v.split(';').next().unwrap().to_owned())
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
            As::Token(token) => request.bearer_auth(token),
            As::Header(value) => request.header("authorization", value),
            As::Member(session) => request
                .header("cookie", &session.cookie)
                .header("x-asyncvoter-csrf", "1"),
        };
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        Reply::read(response).await
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
        Reply::read(response).await
    }

    /// Adds a member straight to the store; returns their password.
    pub async fn add_member(&self, username: &str, role: Role) -> String {
        let password = format!("{username}-secret-pass");
        let record = MemberRecord {
            username: username.to_owned(),
            display_name: format!("{} Tester", username.to_uppercase()),
            role,
            password_hash: passwords::hash(password.clone()).await.unwrap(),
            email: None,
            disabled: false,
        };
        self.store
            .create_member(&record, rules::now())
            .await
            .unwrap();
        password
    }

    /// A new integration token with exactly these scopes, stored as `asyncvoter token
    /// create` would.
    pub async fn token_with(&self, scopes: &[Scope]) -> String {
        let token = auth::new_token();
        let name = format!("bot-{}", hex::encode(rand::random::<[u8; 4]>()));
        self.store
            .create_integration(
                &name,
                &auth::hash_token(&token),
                scopes,
                auth::MAX_TOKENS,
                rules::now(),
            )
            .await
            .unwrap();
        token
    }

    /// `POST /api/session` as a browser would; the reply and the cookie it set.
    pub async fn log_in_with(&self, username: &str, password: &str) -> (Reply, Option<Session>) {
        let reply = self
            .send_with(
                Method::POST,
                "/api/session",
                &[("x-asyncvoter-csrf", "1")],
                Some(json!({"username": username, "password": password})),
            )
            .await;
        let cookie = session_cookie(&reply.headers).map(|cookie| Session { cookie });
        (reply, cookie)
    }

    /// Adds a member and logs them in.
    pub async fn member(&self, username: &str, role: Role) -> Session {
        let password = self.add_member(username, role).await;
        let (reply, session) = self.log_in_with(username, &password).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        session.expect("login sets a cookie")
    }

    /// Sends a request with exactly these extra headers and no credentials of its own.
    pub async fn send_with(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        Reply::read(response).await
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

/// An open `GET /api/events` stream, read event by event.
pub struct EventStream {
    response: reqwest::Response,
    parser: asyncvoter_test_support::SseParser,
    ready: std::collections::VecDeque<asyncvoter_test_support::SseEvent>,
}

impl EventStream {
    /// The next event, or `None` when none arrives within `limit` or the stream ends.
    pub async fn next(&mut self, limit: Duration) -> Option<asyncvoter_test_support::SseEvent> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(event);
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?;
            let bytes = chunk.ok()??;
            self.ready.extend(self.parser.feed(&bytes));
        }
    }

    /// Whether the server ends the stream within `limit` (events before the end are read
    /// and dropped).
    pub async fn ended_within(&mut self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(_))) => continue,
                Ok(Ok(None) | Err(_)) => return true,
            }
        }
    }

    /// The next event, which must arrive within 2 s.
    pub async fn expect(&mut self) -> asyncvoter_test_support::SseEvent {
        self.next(Duration::from_secs(2))
            .await
            .expect("an event within 2 s")
    }
}

impl From<reqwest::Response> for EventStream {
    /// Reads an event stream already opened.
    fn from(response: reqwest::Response) -> EventStream {
        EventStream {
            response,
            parser: Default::default(),
            ready: Default::default(),
        }
    }
}

impl TestApp {
    /// Opens the event stream anonymously, resuming after `last_event_id` when given.
    pub async fn events(&self, last_event_id: Option<&str>) -> EventStream {
        let mut request = self.client.get(format!("{}/api/events", self.base));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("the server answers");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "text/event-stream",
            "an event stream"
        );
        EventStream {
            response,
            parser: Default::default(),
            ready: Default::default(),
        }
    }
}
