//! `/api/votes/{id}/ballots/{voter}`: cast, replace and withdraw sealed ballots.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{BallotReceipt, CastBallot, ErrorBody};

use crate::AppState;
use crate::auth::Caller;
use crate::domain::{rules, views};
use crate::http::error::ApiResult;
use crate::http::extract::{Json, Path};
use crate::store::BallotCast;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(cast_ballot, withdraw_ballot))
}

/// Casts or replaces a voter's ballot, with an optional reason, in the current round. The
/// ballot that completes the quorum (or, when the vote asks, brings in the last expected
/// voter) reveals the round in the same transaction.
///
/// A member votes for themselves with the voter `me`; an integration token with
/// `votes:write` votes for external voters such as `slack:T1:U123`. Casting again in the
/// same round replaces the ballot. The card and the reason stay sealed: nobody but this
/// voter sees them until the round is revealed, and the answer (the receipt) goes to this
/// caller only. When the ballot completes the quorum, or is the last expected voter's, the
/// round is revealed in the same change.
#[utoipa::path(
    put, path = "/api/votes/{id}/ballots/{voter}", tag = "ballots", request_body(content = CastBallot, example = json!({"card": "5", "reason": "Two services change, and the migration needs a test run"})),
    params(
        ("id" = String, Path, description = "The vote's id"),
        ("voter" = String, Path, description = "An external voter id such as `slack:U123`",
            min_length = 1, max_length = 120, pattern = "^[^\\s/\\x00-\\x1f\\x7f-\\x9f]([^/\\x00-\\x1f\\x7f-\\x9f]{0,118}[^\\s/\\x00-\\x1f\\x7f-\\x9f])?$"),
    ),
    security(("integration_token" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The ballot, recorded", body = BallotReceipt),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 403, description = "Not allowed to vote for this voter", body = ErrorBody),
        (status = 404, description = "No such vote", body = ErrorBody),
        (status = 409, description = "The vote is revealed or closed, or this new voter's ballot would be more than the 1,000 a round takes", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "The card is not in the deck, or a bad voter id", body = ErrorBody),
    )
)]
async fn cast_ballot(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, voter)): Path<(String, String)>,
    Json(input): Json<CastBallot>,
) -> ApiResult<Json<BallotReceipt>> {
    let voter = caller.voter_for(&voter)?;
    let vote = state.store.vote_record(&id).await?;
    let card = rules::card(&views::deck(&vote)?, &input.card)?;
    let reason = rules::reason(input.reason.as_deref())?;
    let name = rules::external_name(input.name.as_deref(), &voter)?;
    let outcome = state
        .store
        .cast_ballot(BallotCast {
            vote_id: id.clone(),
            voter,
            card,
            reason,
            name,
            at: rules::now(),
        })
        .await?;
    Ok(Json(BallotReceipt {
        vote_id: id,
        round: outcome.ballot.round,
        voter: outcome.ballot.voter,
        card: outcome.ballot.card,
        reason: outcome.ballot.reason,
        cast_at: outcome.ballot.cast_at,
        replaced: outcome.replaced,
        state: outcome.state,
        ballots_cast: outcome.ballots_cast,
    }))
}

/// Withdraws a voter's ballot while the round is open.
///
/// Only while the round is open; the voter is `me` for a member, an external id for an
/// integration with `votes:write`. Others see that the voter no longer has a ballot, never
/// what it was.
#[utoipa::path(
    delete, path = "/api/votes/{id}/ballots/{voter}", tag = "ballots",
    params(
        ("id" = String, Path, description = "The vote's id"),
        ("voter" = String, Path, description = "An external voter id such as `slack:U123`",
            min_length = 1, max_length = 120, pattern = "^[^\\s/\\x00-\\x1f\\x7f-\\x9f]([^/\\x00-\\x1f\\x7f-\\x9f]{0,118}[^\\s/\\x00-\\x1f\\x7f-\\x9f])?$"),
    ),
    security(("integration_token" = []), ("session_cookie" = [])),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 403, description = "Not allowed to vote for this voter", body = ErrorBody),
        (status = 404, description = "No such vote, or no ballot of this voter", body = ErrorBody),
        (status = 409, description = "The vote is revealed or closed", body = ErrorBody),
        (status = 422, description = "A bad voter id", body = ErrorBody),
    )
)]
async fn withdraw_ballot(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, voter)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let voter = caller.voter_for(&voter)?;
    state
        .store
        .withdraw_ballot(&id, &voter, rules::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
