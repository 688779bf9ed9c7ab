//! `/api/stats/overview`: the numbers behind the dashboard's overview charts.

use axum::extract::State;
use chrono::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{ErrorBody, Overview};

use crate::AppState;
use crate::domain::rules;
use crate::domain::views;
use crate::http::error::ApiResult;
use crate::http::extract::Json;
use crate::store;

/// How many days the overview's activity figures look back.
const WINDOW_DAYS: u32 = 30;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(overview))
}

/// Ongoing votes per project, final sizes per deck, and the last 30 days' ballots per
/// voter and time from round start to reveal; aggregated by the database.
///
/// Counts only: no cards of unrevealed rounds, no reasons. `/insights` draws it.
#[utoipa::path(
    get, path = "/api/stats/overview", tag = "stats",
    responses(
        (status = 200, description = "The overview", body = Overview),
        (status = 401, description = "`--visibility members` and no login or token", body = ErrorBody),
    )
)]
async fn overview(State(state): State<AppState>) -> ApiResult<Json<Overview>> {
    let since = rules::now() - Duration::days(i64::from(WINDOW_DAYS));
    let record = state.store.overview(since, Overview::TOP_VOTERS).await?;
    let names = store::names(
        state.store.as_ref(),
        record
            .ballots_by_voter
            .iter()
            .map(|(voter, _)| voter.as_str()),
    )
    .await?;
    Ok(Json(views::overview(record, since, WINDOW_DAYS, &names)))
}
