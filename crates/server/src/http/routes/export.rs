//! `GET /api/votes/export`: votes with their rounds and ballots as CSV or JSON, streamed
//! page by page so memory stays flat however many votes match.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{ErrorBody, ListState, VoteDetail};

use crate::AppState;
use crate::domain::views;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::Query;
use crate::http::routes::votes::{ListParams, filters};
use crate::store::{self, ListCursor, Store, VoteQuery};

/// Votes read per step: enough to keep the database busy, few enough to stay small.
const PAGE: u32 = 200;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export_votes))
}

/// What to export.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One row per ballot (a vote without ballots has one row), RFC 4180.
    #[default]
    Csv,
    /// An array of votes as `GET /api/votes/{id}` shows them.
    Json,
}

/// Query of `GET /api/votes/export`: the list's filters and a format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (default) or `json`.
    #[param(inline)]
    format: Option<Format>,
    /// Which states (default `all`).
    state: Option<ListState>,
    /// Only votes of this project (any case).
    project: Option<String>,
    /// Only votes whose name contains this text (case-insensitive).
    q: Option<String>,
    /// Only votes closed on or after this day (`YYYY-MM-DD`, UTC); a vote not closed
    /// counts from when it started.
    #[param(format = Date)]
    from: Option<String>,
    /// Only votes closed on or before this day (`YYYY-MM-DD`, UTC, the whole day).
    #[param(format = Date)]
    to: Option<String>,
}

/// Exports votes with every round, ballot, final size and time.
///
/// Cards and reasons appear only for revealed rounds, exactly as `GET /api/votes/{id}`
/// shows them to a visitor. CSV cells that a spreadsheet would read as a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return) are prefixed with `'`.
#[utoipa::path(
    get, path = "/api/votes/export", tag = "votes", params(ExportParams),
    responses(
        (status = 200, description = "The votes, oldest first", content(
            (String = "text/csv", example = json!("vote_id,name,url,project,deck,state,final_size,created_at,closed_at,round,round_started_at,round_revealed_at,voter_id,voter,card,reason,cast_at\r\n")),
            (Vec<VoteDetail> = "application/json"),
        )),
        (status = 400, description = "A bad format, state or date", body = ErrorBody),
        (status = 401, description = "A members-only server and no login, or a bad token", body = ErrorBody),
    )
)]
async fn export_votes(
    State(state): State<AppState>,
    Query(params): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = params.format.unwrap_or_default();
    let query = VoteQuery {
        limit: PAGE,
        oldest_first: true,
        ..filters(ListParams {
            state: params.state,
            project: params.project,
            q: params.q,
            from: params.from,
            to: params.to,
            ..ListParams::default()
        })?
    };
    let (content_type, file) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "asyncvoter-votes.csv"),
        Format::Json => ("application/json", "asyncvoter-votes.json"),
    };
    // Fused: a compressing layer may poll again after the end, which `unfold` forbids.
    let pages = futures_util::stream::unfold(Some(Export::new(query, format)), move |export| {
        let store = state.store.clone();
        async move {
            let mut export = export?;
            match export.next(store.as_ref()).await {
                Ok(Some(chunk)) => Some((Ok::<_, ApiError>(chunk), Some(export))),
                Ok(None) => None,
                // Headers are sent: the cut-off body is the error the client sees.
                Err(error) => {
                    tracing::error!(%error, "an export failed part way");
                    Some((Err(error), None))
                }
            }
        }
    })
    .fuse();
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        Body::from_stream(pages),
    )
        .into_response())
}

/// Where an export is: the query, the next page's cursor, and what was written.
struct Export {
    query: VoteQuery,
    format: Format,
    started: bool,
    done: bool,
}

impl Export {
    fn new(query: VoteQuery, format: Format) -> Export {
        Export {
            query,
            format,
            started: false,
            done: false,
        }
    }

    /// The next chunk of the body, or `None` after the last.
    async fn next(&mut self, store: &dyn Store) -> Result<Option<Bytes>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let listings = store.list_votes(&self.query).await?;
        let more = listings.len() > PAGE as usize;
        let ids: Vec<String> = listings
            .iter()
            .take(PAGE as usize)
            .map(|l| l.vote.id.clone())
            .collect();
        if let Some(last) = listings.get(PAGE as usize - 1).filter(|_| more) {
            self.query.after = Some(ListCursor {
                updated_at_ms: last.vote.created_at.timestamp_millis(),
                id: last.vote.id.clone(),
            });
        }
        let histories = store.vote_histories(&ids).await?;
        let names = store::names(
            store,
            histories
                .iter()
                .flat_map(views::history_ids)
                .collect::<Vec<_>>(),
        )
        .await?;
        let votes = histories
            .iter()
            .map(|history| views::detail(history, &names, None))
            .collect::<Result<Vec<_>, _>>()?;
        let first = !self.started;
        self.started = true;
        self.done = !more;
        let chunk = match self.format {
            Format::Csv => csv_rows(&votes, first),
            Format::Json => json_items(&votes, first, self.done),
        };
        Ok(Some(Bytes::from(chunk?)))
    }
}

const CSV_HEADER: [&str; 17] = [
    "vote_id",
    "name",
    "url",
    "project",
    "deck",
    "state",
    "final_size",
    "created_at",
    "closed_at",
    "round",
    "round_started_at",
    "round_revealed_at",
    "voter_id",
    "voter",
    "card",
    "reason",
    "cast_at",
];

/// One row per ballot of every round (a vote without ballots gets one row), after the
/// header when `first`.
fn csv_rows(votes: &[VoteDetail], first: bool) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let failed = |e: csv::Error| ApiError::Internal(anyhow::anyhow!("writing CSV: {e}"));
    if first {
        out.write_record(CSV_HEADER).map_err(failed)?;
    }
    for detail in votes {
        let vote = &detail.vote;
        let head = [
            vote.id.clone(),
            vote.name.clone(),
            vote.url.clone().unwrap_or_default(),
            vote.project.clone().unwrap_or_default(),
            vote.deck.as_str().to_owned(),
            vote.state.as_str().to_owned(),
            vote.final_size.clone().unwrap_or_default(),
            iso(Some(vote.created_at)),
            iso(vote.closed_at),
        ];
        let mut wrote = false;
        for round in &detail.rounds {
            let round_cells = [
                round.number.to_string(),
                iso(Some(round.started_at)),
                iso(round.revealed_at),
            ];
            for ballot in &round.ballots {
                let ballot_cells = [
                    ballot.voter.id.clone(),
                    ballot.voter.name.clone(),
                    ballot.card.clone().unwrap_or_default(),
                    ballot.reason.clone().unwrap_or_default(),
                    iso(Some(ballot.cast_at)),
                ];
                let cells = head.iter().chain(&round_cells).chain(&ballot_cells);
                out.write_record(cells.map(|c| safe_cell(c)))
                    .map_err(failed)?;
                wrote = true;
            }
        }
        if !wrote {
            let empty = [""; 8].map(str::to_owned);
            let cells = head.iter().chain(&empty);
            out.write_record(cells.map(|c| safe_cell(c)))
                .map_err(failed)?;
        }
    }
    out.into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("writing CSV: {e}")))
}

/// A cell a spreadsheet shows as text: one that would start a formula gets a `'` first.
fn safe_cell(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn iso(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// The votes as items of one JSON array, opened on the first chunk and closed on the last.
fn json_items(votes: &[VoteDetail], first: bool, last: bool) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    if first {
        out.push(b'[');
    }
    for (i, vote) in votes.iter().enumerate() {
        if !first || i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, vote)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("writing JSON: {e}")))?;
    }
    if last {
        out.push(b']');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_the_rest_is_untouched() {
        for cell in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe_cell(cell), format!("'{cell}"));
        }
        for cell in ["8", "XL", "a = b", "", "?"] {
            assert_eq!(safe_cell(cell), cell);
        }
    }
}
