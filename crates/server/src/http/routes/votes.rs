//! `/api/votes`: list, start, read, and the owner's actions (reveal, new round, close).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{
    CloseVote, ErrorBody, ListState, NewVote, VoteDetail, VoteList, VotePatch, VoteState,
    VoteSummary,
};

use crate::AppState;
use crate::auth::Caller;
use crate::domain::rules;
use crate::domain::views;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{Json, Path, Query};
use crate::read_cache::{Compressible, Encoding, VoteRead};
use crate::store::{self, ListCursor, RevealCause, StateFilter, TimeRange, VoteQuery};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_votes, create_vote))
        .routes(routes!(get_vote, update_vote, delete_vote))
        .routes(routes!(reveal_vote))
        .routes(routes!(start_round))
        .routes(routes!(close_vote))
}

/// Query of `GET /api/votes`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Which states to list (default `all`).
    pub(crate) state: Option<ListState>,
    /// Only votes of this project.
    pub(crate) project: Option<String>,
    /// Only votes whose name contains this text (case-insensitive).
    pub(crate) q: Option<String>,
    /// Only votes closed on or after this day (`YYYY-MM-DD`, UTC); a vote not closed
    /// counts from when it started.
    #[param(format = Date)]
    pub(crate) from: Option<String>,
    /// Only votes closed on or before this day (`YYYY-MM-DD`, UTC, the whole day).
    #[param(format = Date)]
    pub(crate) to: Option<String>,
    /// Page size, 1–100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub(crate) limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub(crate) cursor: Option<String>,
}

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 100;

fn encode_cursor(cursor: &ListCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", cursor.updated_at_ms, cursor.id))
}

fn decode_cursor(text: &str) -> Result<ListCursor, ApiError> {
    let bad = || ApiError::BadRequest("`cursor` is not one this server gave out".into());
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (ms, id) = text.split_once(':').ok_or_else(bad)?;
    Ok(ListCursor {
        updated_at_ms: ms.parse().map_err(|_| bad())?,
        id: id.to_owned(),
    })
}

/// Lists votes, newest activity first.
///
/// Paged by an opaque `cursor` (`next_cursor` of the previous page) and `limit`; `state` is
/// `all` (the default), `ongoing` (open or revealed), `open`, `revealed` or `closed`;
/// `project` and `q` (part of the name) narrow it. Lists show who voted, never cards before
/// the reveal.
#[utoipa::path(
    get, path = "/api/votes", tag = "votes", params(ListParams),
    responses(
        (status = 200, description = "A page of votes", body = VoteList),
        (status = 400, description = "A bad filter or cursor", body = ErrorBody),
    )
)]
async fn list_votes(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    // Read before the list, so a kept answer is never older than the version it is kept
    // under (see `read_cache`).
    let version = state.store.read_version().await?;
    let key = format!("{params:?}");
    let cached = match state.reads.get(&key, version) {
        Some(cached) => cached,
        None => {
            let list = read_list(&state, params).await?;
            let json =
                serde_json::to_vec(&list).map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
            state
                .reads
                .put(&key, version, Compressible::new(json.into()))
        }
    };
    let accepted = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let (encoding, body) = cached.body(Encoding::preferred(accepted));
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::VARY, "accept-encoding"),
        ],
        body,
    )
        .into_response();
    if let Some(encoding) = encoding.header() {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    Ok(response)
}

/// A page of votes for `params`, from the store.
async fn read_list(state: &AppState, params: ListParams) -> ApiResult<VoteList> {
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "`limit` must be between 1 and {MAX_PAGE}"
        )));
    }
    let query = VoteQuery {
        after: params
            .cursor
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(decode_cursor)
            .transpose()?,
        limit,
        ..filters(params)?
    };
    let mut listings = state.store.list_votes(&query).await?;
    let next_cursor = if listings.len() > limit as usize {
        listings.truncate(limit as usize);
        listings.last().map(|last| {
            encode_cursor(&ListCursor {
                updated_at_ms: last.vote.updated_at.timestamp_millis(),
                id: last.vote.id.clone(),
            })
        })
    } else {
        None
    };
    let names = store::names(state.store.as_ref(), views::listing_ids(&listings)).await?;
    let mut items: Vec<VoteSummary> = listings.iter().map(|l| views::summary(l, &names)).collect();
    with_agreement(state, &listings, &mut items).await?;
    Ok(VoteList { items, next_cursor })
}

/// Fills in how much each revealed or closed vote's last round agreed: one read for the
/// page, and none when nothing on it is revealed.
async fn with_agreement(
    state: &AppState,
    listings: &[store::VoteListing],
    items: &mut [VoteSummary],
) -> ApiResult<()> {
    let revealed: Vec<String> = listings
        .iter()
        .filter(|l| l.revealed_at.is_some())
        .map(|l| l.vote.id.clone())
        .collect();
    if revealed.is_empty() {
        return Ok(());
    }
    let ballots = state.store.revealed_cards(&revealed).await?;
    for (listing, item) in listings.iter().zip(items) {
        let of_vote = ballots
            .iter()
            .filter(|(vote, ..)| *vote == listing.vote.id)
            .map(|(_, voter, card)| (voter.as_str(), card.as_str()));
        if listing.revealed_at.is_some() {
            item.agreement = views::agreement(&listing.vote, of_vote);
        }
    }
    Ok(())
}

/// The filters of a list or an export: state, project, part of the name, time range.
pub(crate) fn filters(params: ListParams) -> Result<VoteQuery, ApiError> {
    Ok(VoteQuery {
        state: match params.state.unwrap_or_default() {
            ListState::All => StateFilter::All,
            ListState::Ongoing => StateFilter::Ongoing,
            ListState::Open => StateFilter::Only(VoteState::Open),
            ListState::Revealed => StateFilter::Only(VoteState::Revealed),
            ListState::Closed => StateFilter::Only(VoteState::Closed),
        },
        project: params.project.filter(|p| !p.is_empty()),
        name_contains: params
            .q
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty()),
        between: TimeRange {
            from: bound(params.from.as_deref(), "from", false)?,
            to: bound(params.to.as_deref(), "to", true)?,
        },
        ..VoteQuery::default()
    })
}

/// A range's end, a day (`YYYY-MM-DD`, UTC): its start, or for `to` the start of the
/// next day, so the day itself is in the range.
fn bound(raw: Option<&str>, field: &str, end: bool) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| ApiError::BadRequest(format!("`{field}` is a day such as 2026-11-30")))?;
    let day = if end {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    Ok(day.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
}

/// Starts a vote.
///
/// A member owns the votes they start; an integration with `votes:write` may name an
/// owner: a member (by username), who then runs the vote, or an external id
/// (`slack:T1:U123`). `expected_voters` names who the vote waits on (members
/// by username, others by external id); with them it reveals itself once all have voted,
/// unless `reveal_when_all_voted` is false. The deck is one of the built-in ones or
/// `custom` with 2 to 20 `cards`.
#[utoipa::path(
    post, path = "/api/votes", tag = "votes", request_body(content = NewVote, example = json!({"name": "Checkout: pay by invoice", "url": "https://tracker.example.com/PAY-142", "project": "payments", "deck": "fibonacci", "deadline": "2026-12-03T17:00:00Z", "expected_voters": ["ana", "ben", "slack:T1:U123"]})),
    security(("integration_token" = []), ("session_cookie" = [])),
    responses(
        (status = 201, description = "The vote, started", body = VoteDetail,
            headers(("location" = String, description = "The vote's API path"))),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
    )
)]
async fn create_vote(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<NewVote>,
) -> ApiResult<impl IntoResponse> {
    let owner = caller.owner_for(input.owner.as_deref())?;
    let now = rules::now();
    let (record, _) = rules::new_vote(input, owner, now)?;
    members_exist(&state, &record.expected_voters).await?;
    members_exist(&state, record.owner.as_slice()).await?;
    let vote = state.store.create_vote(record, now).await?;
    let detail = detail_for(&state, &vote.id, &caller).await?;
    let location = format!("/api/votes/{}", vote.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(detail),
    ))
}

/// One vote with its tally and every round; values only after reveal.
///
/// Every round with its ballots; cards, reasons and statistics appear only for revealed
/// rounds. A member also sees their own sealed card and reason in `my_card` and
/// `my_reason`.
#[utoipa::path(
    get, path = "/api/votes/{id}", tag = "votes",
    params(("id" = String, Path, description = "The vote's id")),
    responses(
        (status = 200, description = "The vote", body = VoteDetail),
        (status = 404, description = "No such vote", body = ErrorBody),
    )
)]
async fn get_vote(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<VoteDetail>> {
    // Read before the vote, so a kept vote is never older than the version it is kept
    // under (see `read_cache`).
    let version = state.store.read_version().await?;
    let read = match state.votes.get(&id, version) {
        Some(read) => read,
        None => {
            let read = read_vote(&state, &id).await?;
            if read.worth_keeping() {
                state.votes.put(&id, version, read)
            } else {
                std::sync::Arc::new(read)
            }
        }
    };
    Ok(Json(read.detail_for(caller.voter_id())?))
}

/// Changes a vote: name, link, project, quorum, deadline, expected voters, or (before the
/// first ballot) its deck. A closed vote only has its name, link and project corrected.
///
/// Owner or admin (or an integration with `votes:manage` when no member owns it). Send only
/// the fields to change; `null` clears an optional one. A new quorum or new expected voters
/// that are already met reveal the round.
#[utoipa::path(
    patch, path = "/api/votes/{id}", tag = "votes", request_body(content = VotePatch, example = json!({"deadline": "2026-12-04T17:00:00Z", "expected_voters": ["ana", "ben"]})),
    params(("id" = String, Path, description = "The vote's id")),
    security(("integration_token" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The vote, changed", body = VoteDetail),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 403, description = "Not the owner or an admin", body = ErrorBody),
        (status = 404, description = "No such vote", body = ErrorBody),
        (status = 409, description = "The vote is closed, or the deck after a ballot", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
    )
)]
async fn update_vote(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(patch): Json<VotePatch>,
) -> ApiResult<Json<VoteDetail>> {
    caller.require_writer()?;
    let vote = state.store.vote_record(&id).await?;
    caller.require_manager(&vote)?;
    let now = rules::now();
    let changes = rules::changes(patch, now)?.for_vote(&vote);
    if let Some(expected) = &changes.expected_voters {
        members_exist(&state, expected).await?;
    }
    state.store.update_vote(&id, changes, now).await?;
    Ok(Json(detail_for(&state, &id, &caller).await?))
}

/// Refuses voter ids naming members who do not exist.
pub(crate) async fn members_exist(state: &AppState, voters: &[String]) -> ApiResult<()> {
    match store::unknown_members(state.store.as_ref(), voters)
        .await?
        .first()
    {
        Some(unknown) => Err(ApiError::Invalid(format!(
            "`{unknown}` is not a member here: expect members by username, others by an \
             external id such as `slack:T1:U123`"
        ))),
        None => Ok(()),
    }
}

/// A vote as `caller` may see it, with members' display names.
pub(crate) async fn detail_for(
    state: &AppState,
    id: &str,
    caller: &Caller,
) -> ApiResult<VoteDetail> {
    Ok(read_vote(state, id).await?.detail_for(caller.voter_id())?)
}

/// Vote `id` from the store, with the names of everyone in it.
async fn read_vote(state: &AppState, id: &str) -> ApiResult<VoteRead> {
    let history = state.store.vote(id).await?;
    let names = store::names(state.store.as_ref(), views::history_ids(&history)).await?;
    Ok(VoteRead { history, names })
}

/// Deletes a vote, with its rounds and ballots.
///
/// Owner or admin (or an integration with `votes:manage` when no member owns it). Cannot be
/// undone; open dashboards and webhooks hear `vote_deleted`.
#[utoipa::path(
    delete, path = "/api/votes/{id}", tag = "votes",
    params(("id" = String, Path, description = "The vote's id")),
    security(("integration_token" = []), ("session_cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 403, description = "Not the owner or an admin", body = ErrorBody),
        (status = 404, description = "No such vote", body = ErrorBody),
    )
)]
async fn delete_vote(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require_writer()?;
    let vote = state.store.vote_record(&id).await?;
    caller.require_manager(&vote)?;
    state.store.delete_vote(&id, rules::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reveals the current round now.
///
/// Owner or admin (or an integration with `votes:manage` when no member owns it). Anyone
/// may then see the round's cards, reasons and statistics.
#[utoipa::path(
    post, path = "/api/votes/{id}/reveal", tag = "votes",
    params(("id" = String, Path, description = "The vote's id")),
    security(("integration_token" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The vote, revealed", body = VoteDetail),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 403, description = "Not the owner or an admin", body = ErrorBody),
        (status = 404, description = "No such vote", body = ErrorBody),
        (status = 409, description = "The vote is not open", body = ErrorBody),
    )
)]
async fn reveal_vote(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<VoteDetail>> {
    caller.require_writer()?;
    let vote = state.store.vote_record(&id).await?;
    caller.require_manager(&vote)?;
    state
        .store
        .reveal(&id, RevealCause::Manual, rules::now())
        .await?;
    Ok(Json(detail_for(&state, &id, &caller).await?))
}

/// Opens a new round on a revealed vote, or re-opens a closed one; earlier rounds stay
/// readable.
///
/// Owner or admin. Ballots start empty; a deadline already past is cleared; a closed
/// vote's final size is cleared and it is open again.
#[utoipa::path(
    post, path = "/api/votes/{id}/rounds", tag = "votes",
    params(("id" = String, Path, description = "The vote's id")),
    security(("integration_token" = []), ("session_cookie" = [])),
    responses(
        (status = 201, description = "The vote, in its new round", body = VoteDetail),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 403, description = "Not the owner or an admin", body = ErrorBody),
        (status = 404, description = "No such vote", body = ErrorBody),
        (status = 409, description = "The round is still open: reveal it first; or the vote has had the 100 rounds one vote takes", body = ErrorBody),
    )
)]
async fn start_round(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<VoteDetail>)> {
    caller.require_writer()?;
    let vote = state.store.vote_record(&id).await?;
    caller.require_manager(&vote)?;
    state.store.start_round(&id, rules::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_for(&state, &id, &caller).await?),
    ))
}

/// Closes the vote with its final size.
///
/// Owner or admin. The size must be a card of the vote's deck; an open round is revealed
/// first. On a closed vote it changes the final size.
#[utoipa::path(
    post, path = "/api/votes/{id}/close", tag = "votes", request_body(content = CloseVote, example = json!({"final_size": "8"})),
    params(("id" = String, Path, description = "The vote's id")),
    security(("integration_token" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The vote, closed", body = VoteDetail),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 403, description = "Not the owner or an admin", body = ErrorBody),
        (status = 404, description = "No such vote", body = ErrorBody),
        (status = 409, description = "The vote is already closed", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "The size is not a card of the deck", body = ErrorBody),
    )
)]
async fn close_vote(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(input): Json<CloseVote>,
) -> ApiResult<Json<VoteDetail>> {
    caller.require_writer()?;
    let vote = state.store.vote_record(&id).await?;
    caller.require_manager(&vote)?;
    let size = rules::final_size(&views::deck(&vote)?, &input.final_size)?;
    state.store.close(&id, &size, rules::now()).await?;
    Ok(Json(detail_for(&state, &id, &caller).await?))
}
