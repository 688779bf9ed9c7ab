//! `/api/me/…`: what concerns the logged-in member.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{ErrorBody, Waiting};

use crate::AppState;
use crate::auth::Caller;
use crate::domain::views;
use crate::http::error::ApiResult;
use crate::http::extract::Json;
use crate::store::{self, StateFilter, VoteQuery};

/// Most votes `GET /api/me/waiting` lists.
const MOST_WAITING: u32 = 100;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(waiting))
}

/// The open votes that wait on the logged-in member and have no ballot of theirs in the
/// current round, soonest deadline first (at most 100).
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
