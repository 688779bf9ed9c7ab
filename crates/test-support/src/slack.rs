//! Slack's side, where Slack's cloud cannot run: a local stand-in of the Web API that
//! records every call and answers as Slack documents it (`ok`, `ts`, `channel`, errors
//! such as `invalid_auth`, `message_not_found`, and `ratelimited` with `Retry-After`), and
//! requests signed exactly as Slack signs them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::net::TcpListener;

/// The headers Slack sends with `body` at `timestamp` (Unix seconds): the `v0` signature,
/// HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret, in hex.
pub fn slack_headers(secret: &str, timestamp: i64, body: &str) -> Vec<(&'static str, String)> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("v0:{timestamp}:{body}").as_bytes());
    vec![
        ("x-slack-request-timestamp", timestamp.to_string()),
        (
            "x-slack-signature",
            format!("v0={}", hex::encode(mac.finalize().into_bytes())),
        ),
    ]
}

/// One Web API call the stand-in received.
#[derive(Debug, Clone)]
pub struct SlackCall {
    /// `chat.postMessage`, `chat.update`, …
    pub method: String,
    /// The JSON body, or a GET's query as an object of strings.
    pub body: Value,
    /// When it arrived.
    pub at: Instant,
    /// Whether it was answered `ok: true`.
    pub ok: bool,
}

/// A Slack user the stand-in knows.
#[derive(Debug, Clone)]
struct Person {
    email: Option<String>,
    confirmed: bool,
}

#[derive(Default)]
struct Workspace {
    token: String,
    calls: Vec<SlackCall>,
    people: HashMap<String, Person>,
    rate_limited: HashMap<String, u64>,
    posted: Vec<(String, String)>,
}

/// The stand-in on a free port; it stops when dropped.
pub struct SlackStandIn {
    /// The Web API's base URL, `http://127.0.0.1:PORT/api`, for `--slack-api-url`.
    pub api_url: String,
    workspace: Arc<Mutex<Workspace>>,
    task: tokio::task::JoinHandle<()>,
}

impl SlackStandIn {
    /// Starts a workspace whose bot token is `token`.
    pub async fn start(token: &str) -> SlackStandIn {
        let workspace = Arc::new(Mutex::new(Workspace {
            token: token.to_owned(),
            ..Workspace::default()
        }));
        let app = Router::new()
            .route("/api/{method}", axum::routing::any(call))
            .with_state(workspace.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let api_url = format!("http://{}/api", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        SlackStandIn {
            api_url,
            workspace,
            task,
        }
    }

    /// Adds a user; `email` is what `users.info` shows, as confirmed.
    pub fn add_user(&self, id: &str, email: Option<&str>) {
        self.workspace.lock().unwrap().people.insert(
            id.to_owned(),
            Person {
                email: email.map(str::to_owned),
                confirmed: email.is_some(),
            },
        );
    }

    /// Answers the next call of `method` with `429` and `Retry-After: seconds`.
    pub fn rate_limit_next(&self, method: &str, seconds: u64) {
        self.workspace
            .lock()
            .unwrap()
            .rate_limited
            .insert(method.to_owned(), seconds);
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<SlackCall> {
        self.workspace.lock().unwrap().calls.clone()
    }

    /// The calls of one method.
    pub fn calls_to(&self, method: &str) -> Vec<SlackCall> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }
}

impl Drop for SlackStandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn call(
    State(workspace): State<Arc<Mutex<Workspace>>>,
    Path(method): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: Value = if body.is_empty() {
        Value::Object(
            url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect(),
        )
    } else {
        let json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        match serde_json::from_slice(&body) {
            Ok(value) if json => value,
            _ => return answer(json!({"ok": false, "error": "invalid_json"})),
        }
    };
    let mut workspace = workspace.lock().unwrap();
    let bearer = format!("Bearer {}", workspace.token);
    let authorized = headers
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v.as_bytes() == bearer.as_bytes());
    let mut call = SlackCall {
        method: method.clone(),
        body: body.clone(),
        at: Instant::now(),
        ok: false,
    };
    if let Some(seconds) = workspace.rate_limited.remove(&method) {
        workspace.calls.push(call);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, seconds.to_string())],
            axum::Json(json!({"ok": false, "error": "ratelimited"})),
        )
            .into_response();
    }
    let reply = if authorized {
        reply(&mut workspace, &method, &body)
    } else {
        json!({"ok": false, "error": "invalid_auth"})
    };
    call.ok = reply["ok"] == true;
    workspace.calls.push(call);
    answer(reply)
}

fn answer(body: Value) -> Response {
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn reply(workspace: &mut Workspace, method: &str, body: &Value) -> Value {
    let text = |key: &str| body[key].as_str().map(str::to_owned);
    let has_content = body["text"].is_string() || body["blocks"].is_array();
    match method {
        "chat.postMessage" => match text("channel") {
            None => json!({"ok": false, "error": "channel_not_found"}),
            Some(_) if !has_content => json!({"ok": false, "error": "no_text"}),
            Some(channel) => {
                let ts = format!("1700000000.{:06}", workspace.posted.len() + 1);
                workspace.posted.push((channel.clone(), ts.clone()));
                json!({"ok": true, "channel": channel, "ts": ts,
                       "message": {"type": "message", "text": body["text"], "ts": ts}})
            }
        },
        "chat.update" => {
            let (channel, ts) = (text("channel"), text("ts"));
            let known = workspace
                .posted
                .iter()
                .any(|(c, t)| Some(c) == channel.as_ref() && Some(t) == ts.as_ref());
            if !known {
                json!({"ok": false, "error": "message_not_found"})
            } else if !has_content {
                json!({"ok": false, "error": "no_text"})
            } else {
                json!({"ok": true, "channel": channel, "ts": ts, "text": body["text"]})
            }
        }
        "chat.postEphemeral" => match (text("channel"), text("user")) {
            (Some(_), Some(_)) if has_content => {
                json!({"ok": true, "message_ts": "1700000000.999999"})
            }
            (Some(_), Some(_)) => json!({"ok": false, "error": "no_text"}),
            _ => json!({"ok": false, "error": "channel_not_found"}),
        },
        "conversations.open" => match text("users") {
            Some(user) if workspace.people.contains_key(&user) => {
                json!({"ok": true, "channel": {"id": format!("D{user}")}})
            }
            _ => json!({"ok": false, "error": "user_not_found"}),
        },
        "users.info" => match text("user").and_then(|u| workspace.people.get(&u).map(|p| (u, p))) {
            Some((id, person)) => json!({"ok": true, "user": {
                "id": id, "team_id": "T1", "name": id.to_lowercase(), "deleted": false,
                "is_bot": false, "is_email_confirmed": person.confirmed,
                "profile": {"email": person.email, "real_name": id, "display_name": id}
            }}),
            None => json!({"ok": false, "error": "user_not_found"}),
        },
        "views.open" if body["trigger_id"].is_string() && body["view"].is_object() => {
            json!({"ok": true, "view": {"id": "V1", "type": body["view"]["type"]}})
        }
        "views.publish" if body["user_id"].is_string() && body["view"].is_object() => {
            json!({"ok": true, "view": {"id": "V2", "type": body["view"]["type"]}})
        }
        "views.open" | "views.publish" => json!({"ok": false, "error": "invalid_arguments"}),
        _ => json!({"ok": false, "error": "unknown_method"}),
    }
}
