//! `/api/me/…`: what concerns the logged-in member.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{ErrorBody, LinkedSlackUser, MemberSettings, SlackLink, Waiting};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::Caller;
use crate::domain::records::MemberSettingsRecord;
use crate::domain::{notices, rules, views};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{Json, Query};
use crate::store::{self, StateFilter, VoteQuery};
use asyncvoter_wire::markup::escape;

/// Most votes `GET /api/me/waiting` lists.
const MOST_WAITING: u32 = 100;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(waiting))
        .routes(routes!(settings, save_settings))
        .routes(routes!(unsubscribe, unsubscribe_at_once))
        .routes(routes!(linked_slack_users, link_slack_user))
}

/// The Slack users tied to the logged-in member.
///
/// A member sees only their own links; linking happens from Slack, through a one-time link
/// that `POST /api/me/slack` uses.
#[utoipa::path(
    get, path = "/api/me/slack", tag = "session",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "Their Slack users", body = Vec<LinkedSlackUser>),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "An integration token", body = ErrorBody),
    )
)]
async fn linked_slack_users(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<LinkedSlackUser>>> {
    let member = caller.require_member()?;
    let users = state.store.slack_users_of(&member.username).await?;
    Ok(Json(
        users
            .into_iter()
            .map(|(team, user)| LinkedSlackUser { team, user })
            .collect(),
    ))
}

/// Ties the Slack user of a one-time link (from Slack's "Link your AsyncVoter account") to
/// the logged-in member: their Slack ballots become the member's, also those already cast
/// in rounds not yet revealed. The link then stops working.
///
/// The link's secret comes from Slack (a vote's confirmation or the App Home), is valid for
/// an hour and works once. Afterwards Slack clicks by that user count as this member's
/// ballots.
#[utoipa::path(
    post, path = "/api/me/slack", tag = "session", request_body = SlackLink,
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "Linked", body = LinkedSlackUser),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "An integration token", body = ErrorBody),
        (status = 404, description = "The link is unknown, used or expired", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "The body lacks the link's `token`", body = ErrorBody),
    )
)]
async fn link_slack_user(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<SlackLink>,
) -> ApiResult<Json<LinkedSlackUser>> {
    let member = caller.require_member()?;
    let linked = state
        .store
        .use_slack_link(
            &crate::auth::hash_token(input.token.trim()),
            &member.username,
            state.settings.clock.now(),
        )
        .await?;
    let Some((team, user)) = linked else {
        return Err(ApiError::NotFound(
            "this link was used already or has expired: ask for a new one in Slack (vote again, or open the app's Home tab)".into(),
        ));
    };
    tracing::info!(member = %member.username, "a Slack user was linked");
    Ok(Json(LinkedSlackUser { team, user }))
}

/// The open votes that wait on the logged-in member and have no ballot of theirs in the
/// current round, soonest deadline first (at most 100).
///
/// Only for a member's session: the list that `/` shows as "Waiting on you". A vote leaves
/// it when the member votes, the round is revealed or the vote closes.
#[utoipa::path(
    get, path = "/api/me/waiting", tag = "votes",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "Votes waiting on you", body = Waiting),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "An integration token: integrations are nobody's to wait on", body = ErrorBody),
    )
)]
async fn waiting(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Waiting>> {
    let member = caller.require_member()?;
    let query = VoteQuery {
        state: StateFilter::All,
        limit: MOST_WAITING,
        waiting_for: Some(member.username.clone()),
        ..VoteQuery::default()
    };
    let mut listings = state.store.list_votes(&query).await?;
    listings.truncate(MOST_WAITING as usize);
    let names = store::names(state.store.as_ref(), views::listing_ids(&listings)).await?;
    Ok(Json(Waiting {
        items: listings.iter().map(|l| views::summary(l, &names)).collect(),
    }))
}

fn settings_of(record: MemberSettingsRecord) -> MemberSettings {
    MemberSettings {
        email: record.email,
        reminders: record.reminders,
        results: record.results,
        all_voted: record.all_voted,
    }
}

/// What the logged-in member wants to hear, and where.
///
/// A member's email address and which of reminders, results and "everyone has voted" they
/// receive. Integrations have no settings.
#[utoipa::path(
    get, path = "/api/me/settings", tag = "session",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "Their settings", body = MemberSettings),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "An integration token", body = ErrorBody),
    )
)]
async fn settings(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<MemberSettings>> {
    let member = caller.require_member()?;
    let record = state.store.member_settings(&member.username).await?;
    Ok(Json(settings_of(record)))
}

/// Sets the logged-in member's email address and which messages they get.
///
/// An empty `email` removes the address; without one nothing is mailed. The three switches
/// choose which emails arrive; every email also carries a one-click unsubscribe link.
#[utoipa::path(
    put, path = "/api/me/settings", tag = "session", request_body = MemberSettings,
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "Saved", body = MemberSettings),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "An integration token", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "Not an email address", body = ErrorBody),
    )
)]
async fn save_settings(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<MemberSettings>,
) -> ApiResult<Json<MemberSettings>> {
    let member = caller.require_member()?;
    let record = MemberSettingsRecord {
        email: rules::email(input.email.as_deref())?,
        reminders: input.reminders,
        results: input.results,
        all_voted: input.all_voted,
    };
    state
        .store
        .save_member_settings(&member.username, &record)
        .await?;
    Ok(Json(settings_of(record)))
}

/// Query of `/api/unsubscribe`, as an email's link carries it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnsubscribeParams {
    /// The secret of the member's links.
    token: String,
    /// `reminder`, `results` or `all_voted`; anything else stops them all.
    topic: Option<String>,
}

/// The page an email's unsubscribe link opens: what it stops, and a button to stop it.
/// Opening the link changes nothing, so mail scanners that follow links stop nothing.
///
/// Opening the link changes nothing (mail scanners follow links); the page's button sends
/// the `POST` that stops the emails.
#[utoipa::path(
    get, path = "/api/unsubscribe", tag = "session", params(UnsubscribeParams),
    responses(
        (status = 200, description = "A page with the button", content_type = "text/html"),
        (status = 400, description = "No token", body = ErrorBody),
    )
)]
async fn unsubscribe(Query(params): Query<UnsubscribeParams>) -> Response {
    let topic = params.topic.as_deref().unwrap_or("all");
    let action = format!(
        "/api/unsubscribe?token={}&topic={}",
        escape(&params.token),
        escape(topic)
    );
    page(
        "Stop these emails?",
        &format!(
            "<p>AsyncVoter will send you no more {}.</p>\
             <form method=\"post\" action=\"{action}\"><button type=\"submit\">Stop these emails</button></form>",
            described(topic)
        ),
    )
}

/// Stops a kind of email, from the link's button or a mail client's one-click
/// unsubscribe (RFC 8058); answers a short page.
///
/// The token identifies the member without a login; `topic` picks one kind of email or, by
/// default, all of them. Also answers RFC 8058 one-click unsubscribes from mail clients.
#[utoipa::path(
    post, path = "/api/unsubscribe", tag = "session", params(UnsubscribeParams),
    responses(
        (status = 200, description = "Stopped; a page that says so", content_type = "text/html"),
        (status = 400, description = "No token", body = ErrorBody),
        (status = 404, description = "No member has this token", body = ErrorBody),
    )
)]
async fn unsubscribe_at_once(
    State(state): State<AppState>,
    Query(params): Query<UnsubscribeParams>,
) -> ApiResult<Response> {
    let topic = params.topic.as_deref().unwrap_or("all");
    match state.store.unsubscribe(&params.token, topic).await? {
        Some(member) => tracing::info!(%member, topic, "unsubscribed from a link"),
        None => {
            return Err(ApiError::NotFound(
                "this link is not valid any more: change your emails on your account page".into(),
            ));
        }
    }
    Ok(page(
        "Done",
        &format!(
            "<p>You will get no more {} from AsyncVoter.</p>\
             <p>You can change this on <a href=\"{}\">your account page</a>.</p>",
            described(topic),
            asyncvoter_wire::pages::ACCOUNT
        ),
    ))
}

fn described(topic: &str) -> &'static str {
    match topic {
        notices::REMINDER => "reminder emails",
        notices::RESULTS => "emails with results",
        notices::ALL_VOTED => "emails when everyone has voted",
        _ => "emails",
    }
}

/// A small page of its own (the dashboard is not needed to stop emails).
fn page(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title} · AsyncVoter</title>\
         </head><body><h1>{title}</h1>{body}</body></html>"
    );
    ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}
