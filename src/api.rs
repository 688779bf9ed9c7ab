//! The typed client of the server's `/api/`. Every failure becomes an [`ApiError`] the
//! visitor can read; nothing is turned into an empty list.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use gloo_net::http::{Method, Request, RequestBuilder, Response};
use leptos::prelude::{document, window};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use asyncvoter_wire::{
    BallotReceipt, CastBallot, CloseVote, CreatedToken, CreatedWebhook, Delivery, ErrorBody,
    LinkedSlackUser, ListState, Login, Member, MemberPatch, MemberSettings, NewMember, NewToken,
    NewVote, NewWebhook, Overview, PasswordChange, PasswordReset, Project, ProjectUpdate,
    SlackLink, Token, VoteDetail, VoteList, VotePatch, Waiting, Webhook,
};

/// The header the server requires on every change made with a session cookie.
const CSRF_HEADER: &str = "x-asyncvoter-csrf";

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network(String),
    /// The server answered with an error.
    Api {
        /// The HTTP status.
        status: u16,
        /// What the server said.
        body: ErrorBody,
    },
    /// The server answered something this dashboard cannot read.
    Decode(String),
}

impl ApiError {
    /// True when the server said the thing asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Api { status: 404, .. })
    }

    /// True when the server wants a login first.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::Api { status: 401, .. })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The browser's own words ("TypeError: Failed to fetch") help nobody here.
            ApiError::Network(_) => write!(
                f,
                "The server could not be reached. Check your connection, then try again."
            ),
            ApiError::Api { body, .. } => write!(f, "{}", body.error.message),
            ApiError::Decode(cause) => {
                write!(f, "The server's answer could not be read ({cause}).")
            }
        }
    }
}

impl std::error::Error for ApiError {}

/// Which votes a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoteFilter {
    /// Which states.
    pub state: ListState,
    /// Only this project.
    pub project: Option<String>,
    /// Only names containing this.
    pub name: Option<String>,
    /// Only votes closed (or started) on or after this day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Only votes closed (or started) on or before this day.
    pub to: Option<String>,
    /// Continue after this page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: u32,
}

thread_local! {
    /// Set while the visitor must log in before reading anything (members only).
    static LOGIN_NEEDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Says whether reads need a login first; reads then answer 401 without a request.
pub fn set_login_needed(needed: bool) {
    LOGIN_NEEDED.set(needed);
}

/// True while reads need a login first.
pub fn login_needed() -> bool {
    LOGIN_NEEDED.get()
}

/// `GET /api/votes`, sent when called.
pub fn list_votes(filter: &VoteFilter) -> impl Future<Output = Result<VoteList, ApiError>> + use<> {
    let limit = filter.limit.to_string();
    let mut query: Vec<(&str, &str)> = vec![("state", filter.state.as_str()), ("limit", &limit)];
    for (key, value) in [
        ("project", &filter.project),
        ("q", &filter.name),
        ("from", &filter.from),
        ("to", &filter.to),
        ("cursor", &filter.cursor),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            query.push((key, value));
        }
    }
    fetch(Request::get("/api/votes").query(query))
}

/// `GET /api/projects`: every project's name.
pub async fn projects() -> Result<Vec<String>, ApiError> {
    fetch(Request::get("/api/projects")).await
}

/// `GET /api/votes/{id}`.
pub async fn get_vote(id: &str) -> Result<VoteDetail, ApiError> {
    fetch(Request::get(&format!(
        "/api/votes/{}",
        crate::routes::encode(id)
    )))
    .await
}

/// The logged-in member, or `None` when nobody is.
pub async fn who_am_i() -> Result<Option<Member>, ApiError> {
    // Nobody logged in is 204 with no body, not an error (no console noise for visitors).
    let text = exchange(
        Request::get("/api/session")
            .header("accept", "application/json")
            .build(),
    )
    .await?;
    text.map(decode).transpose()
}

/// `GET /api/stats/overview`.
pub async fn overview() -> Result<Overview, ApiError> {
    fetch(Request::get("/api/stats/overview")).await
}

/// `POST /api/session`.
pub async fn log_in(login: &Login) -> Result<Member, ApiError> {
    change(Method::POST, "/api/session", Some(login)).await
}

/// `DELETE /api/session`.
pub async fn log_out() -> Result<(), ApiError> {
    change_without_answer(Method::DELETE, "/api/session", None::<&()>).await
}

/// `PUT /api/session/password`.
pub async fn change_password(password: &PasswordChange) -> Result<(), ApiError> {
    change_without_answer(Method::PUT, "/api/session/password", Some(password)).await
}

/// `POST /api/votes`.
pub async fn create_vote(vote: &NewVote) -> Result<VoteDetail, ApiError> {
    change(Method::POST, "/api/votes", Some(vote)).await
}

/// `PATCH /api/votes/{id}`: only the fields given change.
pub async fn change_vote(id: &str, patch: &VotePatch) -> Result<VoteDetail, ApiError> {
    change(Method::PATCH, &vote_path(id), Some(patch)).await
}

/// `PUT /api/votes/{id}/ballots/me`, with a reason when one is given.
pub async fn cast(id: &str, card: &str, reason: Option<String>) -> Result<BallotReceipt, ApiError> {
    let body = CastBallot {
        card: card.to_owned(),
        reason,
        name: None,
    };
    change(
        Method::PUT,
        &format!("{}/ballots/me", vote_path(id)),
        Some(&body),
    )
    .await
}

/// `DELETE /api/votes/{id}/ballots/me`.
pub async fn withdraw(id: &str) -> Result<(), ApiError> {
    change_without_answer(
        Method::DELETE,
        &format!("{}/ballots/me", vote_path(id)),
        None::<&()>,
    )
    .await
}

/// `POST /api/votes/{id}/reveal`.
pub async fn reveal(id: &str) -> Result<VoteDetail, ApiError> {
    change(
        Method::POST,
        &format!("{}/reveal", vote_path(id)),
        None::<&()>,
    )
    .await
}

/// `POST /api/votes/{id}/rounds`.
pub async fn new_round(id: &str) -> Result<VoteDetail, ApiError> {
    change(
        Method::POST,
        &format!("{}/rounds", vote_path(id)),
        None::<&()>,
    )
    .await
}

/// `DELETE /api/votes/{id}`.
pub async fn delete_vote(id: &str) -> Result<(), ApiError> {
    change_without_answer(Method::DELETE, &vote_path(id), None::<&()>).await
}

/// `POST /api/votes/{id}/close`.
pub async fn close(id: &str, final_size: &str) -> Result<VoteDetail, ApiError> {
    let body = CloseVote {
        final_size: final_size.to_owned(),
    };
    change(
        Method::POST,
        &format!("{}/close", vote_path(id)),
        Some(&body),
    )
    .await
}

/// `GET /api/members`.
pub async fn members() -> Result<Vec<Member>, ApiError> {
    fetch(Request::get("/api/members")).await
}

/// The members a vote can wait on: `GET /api/members` without disabled ones (which
/// admins are shown too).
pub async fn active_members() -> Result<Vec<Member>, ApiError> {
    let mut all = members().await?;
    all.retain(|m| !m.disabled);
    Ok(all)
}

/// `POST /api/members`.
pub async fn add_member(member: &NewMember) -> Result<Member, ApiError> {
    change(Method::POST, "/api/members", Some(member)).await
}

/// `PUT /api/members/{username}/password`.
pub async fn reset_password(username: &str, reset: &PasswordReset) -> Result<(), ApiError> {
    let path = format!("/api/members/{}/password", crate::routes::encode(username));
    change_without_answer(Method::PUT, &path, Some(reset)).await
}

/// `GET /api/me/waiting`: the open votes that wait on the logged-in member.
pub async fn waiting_on_me() -> Result<Waiting, ApiError> {
    fetch(Request::get("/api/me/waiting")).await
}

/// `GET /api/me/settings`.
pub async fn my_settings() -> Result<MemberSettings, ApiError> {
    fetch(Request::get("/api/me/settings")).await
}

/// `PUT /api/me/settings`.
pub async fn save_my_settings(settings: &MemberSettings) -> Result<MemberSettings, ApiError> {
    change(Method::PUT, "/api/me/settings", Some(settings)).await
}

/// `POST /api/me/slack`.
pub async fn link_slack(link: &SlackLink) -> Result<LinkedSlackUser, ApiError> {
    change(Method::POST, "/api/me/slack", Some(link)).await
}

/// `GET /api/projects/{name}`.
pub async fn project(name: &str) -> Result<Project, ApiError> {
    fetch(Request::get(&project_path(name))).await
}

/// `PUT /api/projects/{name}`.
pub async fn save_project(name: &str, update: &ProjectUpdate) -> Result<Project, ApiError> {
    change(Method::PUT, &project_path(name), Some(update)).await
}

/// `PATCH /api/members/{username}`.
pub async fn change_member(username: &str, patch: &MemberPatch) -> Result<Member, ApiError> {
    let path = format!("/api/members/{}", crate::routes::encode(username));
    change(Method::PATCH, &path, Some(patch)).await
}

/// `GET /api/tokens`.
pub async fn tokens() -> Result<Vec<Token>, ApiError> {
    fetch(Request::get("/api/tokens")).await
}

/// `POST /api/tokens`: the answer holds the token's secret, shown this once.
pub async fn add_token(token: &NewToken) -> Result<CreatedToken, ApiError> {
    change(Method::POST, "/api/tokens", Some(token)).await
}

/// `DELETE /api/tokens/{name}`.
pub async fn revoke_token(name: &str) -> Result<(), ApiError> {
    let path = format!("/api/tokens/{}", crate::routes::encode(name));
    change_without_answer(Method::DELETE, &path, None::<&()>).await
}

/// `GET /api/webhooks`.
pub async fn webhooks() -> Result<Vec<Webhook>, ApiError> {
    fetch(Request::get("/api/webhooks")).await
}

/// `POST /api/webhooks`: the answer holds the signing secret, shown this once.
pub async fn add_webhook(webhook: &NewWebhook) -> Result<CreatedWebhook, ApiError> {
    change(Method::POST, "/api/webhooks", Some(webhook)).await
}

/// `DELETE /api/webhooks/{id}`.
pub async fn remove_webhook(id: &str) -> Result<(), ApiError> {
    change_without_answer(Method::DELETE, &webhook_path(id), None::<&()>).await
}

/// `POST /api/webhooks/{id}/test`: a `ping` on its way.
pub async fn test_webhook(id: &str) -> Result<(), ApiError> {
    let path = format!("{}/test", webhook_path(id));
    change_without_answer(Method::POST, &path, None::<&()>).await
}

/// `GET /api/webhooks/{id}/deliveries`.
pub async fn webhook_deliveries(id: &str) -> Result<Vec<Delivery>, ApiError> {
    fetch(Request::get(&format!("{}/deliveries", webhook_path(id)))).await
}

/// `GET /api/notifications`, only the failed ones when `failed`.
pub async fn notifications(failed: bool) -> Result<Vec<Delivery>, ApiError> {
    let request = Request::get("/api/notifications");
    fetch(if failed {
        request.query([("failed", "true")])
    } else {
        request
    })
    .await
}

fn project_path(name: &str) -> String {
    format!("/api/projects/{}", crate::routes::encode(name))
}

fn webhook_path(id: &str) -> String {
    format!("/api/webhooks/{}", crate::routes::encode(id))
}

fn vote_path(id: &str) -> String {
    format!("/api/votes/{}", crate::routes::encode(id))
}

/// A call's answer, boxed: every call shares one copy of the request code instead of
/// inlining it into its own state machine (measured: a smaller wasm). The body as the
/// browser's JSON parser read it; `None` for a success without one (204, 202).
type Answer = Pin<Box<dyn Future<Output = Result<Option<JsValue>, ApiError>>>>;

/// A read: the answer's body as `T`. The request leaves when this is called, not when
/// its answer is first awaited, so a part of a page that asks while it is being built
/// has its request on the way while the rest of the page is built.
fn fetch<T: DeserializeOwned>(
    request: RequestBuilder,
) -> impl Future<Output = Result<T, ApiError>> + use<T> {
    let started = if login_needed() {
        Err(ApiError::Api {
            status: 401,
            body: ErrorBody {
                error: asyncvoter_wire::ErrorDetail {
                    code: "unauthorized".to_owned(),
                    message: "This server shows its votes to members only: log in.".to_owned(),
                },
            },
        })
    } else {
        let request = request.header("accept", "application/json").build();
        Ok(
            match request.as_ref().ok().and_then(|r| embedded(&r.url())) {
                Some(text) => Read::Embedded(text),
                None => Read::Sent(exchange(request)),
            },
        )
    };
    async move {
        match started? {
            Read::Embedded(text) => parse(&text),
            Read::Sent(answer) => decode(answer.await?.unwrap_or(JsValue::NULL)),
        }
    }
}

/// Where a read's answer comes from.
enum Read {
    /// The page's own copy, as the server wrote it into the HTML.
    Embedded(String),
    /// The server, asked now.
    Sent(Answer),
}

/// The answer the server embedded in the page for `url` (see
/// [`asyncvoter_wire::pages::FIRST_SCREEN_ATTRIBUTE`]), taken once: asking again asks the
/// server. Events since the page was written reach the page through its stream.
fn embedded(url: &str) -> Option<String> {
    let origin = window().location().origin().ok()?;
    let path = url.strip_prefix(&origin)?;
    // A CSS string: only `"` and `\` need escaping.
    let quoted = path.replace('\\', "\\\\").replace('"', "\\\"");
    let attribute = asyncvoter_wire::pages::FIRST_SCREEN_ATTRIBUTE;
    let element = document()
        .query_selector(&format!("script[{attribute}=\"{quoted}\"]"))
        .ok()??;
    element.remove();
    element.text_content()
}

/// A state change, answered with `T`.
async fn change<T: DeserializeOwned, B: Serialize>(
    method: Method,
    url: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    decode(
        exchange(changing(method, url, body))
            .await?
            .unwrap_or(JsValue::NULL),
    )
}

/// A state change answered with 204.
async fn change_without_answer<B: Serialize>(
    method: Method,
    url: &str,
    body: Option<&B>,
) -> Result<(), ApiError> {
    exchange(changing(method, url, body)).await.map(drop)
}

fn changing<B: Serialize>(
    method: Method,
    url: &str,
    body: Option<&B>,
) -> Result<Request, gloo_net::Error> {
    let request = RequestBuilder::new(url)
        .method(method)
        .header(CSRF_HEADER, "1")
        .header("accept", "application/json");
    match body {
        Some(body) => request.json(body),
        None => request.build(),
    }
}

/// Sends `request` now (not when first awaited), and reads the answer: its body on
/// success, otherwise the server's error as an [`ApiError`].
fn exchange(request: Result<Request, gloo_net::Error>) -> Answer {
    let sent = request
        .map(|request| window().fetch_with_request(&web_sys::Request::from(request)))
        .map_err(|e| ApiError::Network(e.to_string()));
    Box::pin(async move {
        let response = wasm_bindgen_futures::JsFuture::from(sent?)
            .await
            .map_err(|e| ApiError::Network(js_error(&e)))?;
        read_answer(Response::from(
            response.unchecked_into::<web_sys::Response>(),
        ))
        .await
    })
}

/// What a failed `fetch` says, as gloo-net words it: the error's message.
fn js_error(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| format!("{}: {}", e.name(), e.message()))
        .unwrap_or_else(|| format!("{error:?}"))
}

/// Reads a response: its body on success (parsed by the browser, never copied into the
/// wasm as text), otherwise the server's error body (or, failing that, its status) as an
/// [`ApiError`].
pub async fn read_answer(response: Response) -> Result<Option<JsValue>, ApiError> {
    let status = response.status();
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|kind| kind.contains("json"));
    // 204, or 202 with nothing to say.
    if response.ok() && !json {
        return Ok(None);
    }
    let response = web_sys::Response::from(response);
    let body = match response.json() {
        Ok(parsing) => wasm_bindgen_futures::JsFuture::from(parsing).await,
        Err(error) => Err(error),
    };
    if response.ok() {
        return body.map(Some).map_err(|error| {
            if error.is_instance_of::<js_sys::SyntaxError>() {
                ApiError::Decode("the answer is not JSON".to_owned())
            } else {
                ApiError::Network(format!("{error:?}"))
            }
        });
    }
    let body = body
        .ok()
        .and_then(|value| crate::json::from_value::<ErrorBody>(value).ok())
        .unwrap_or_else(|| ErrorBody {
            error: asyncvoter_wire::ErrorDetail {
                code: "http".to_owned(),
                message: format!("The server answered {status} {}.", response.status_text()),
            },
        });
    Err(ApiError::Api { status, body })
}

/// Reads an answer's body as `T`.
#[inline(never)]
fn decode<T: DeserializeOwned>(body: JsValue) -> Result<T, ApiError> {
    crate::json::from_value(body).map_err(|e| ApiError::Decode(e.to_string()))
}

/// Reads a successful answer's body as `T`.
// The browser's JSON.parse, read by `json`: serde_json's parser would add 5 KB brotli to
// the wasm (measured).
#[inline(never)]
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    crate::json::from_str(text).map_err(|e| ApiError::Decode(e.to_string()))
}
