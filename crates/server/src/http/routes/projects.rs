//! `/api/projects`: the projects votes name (for suggestions), and what a project
//! remembers, such as the voters its votes usually wait on.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{ErrorBody, Project, ProjectUpdate, Role};

use crate::AppState;
use crate::auth::Caller;
use crate::domain::{DomainError, rules};
use crate::http::error::ApiResult;
use crate::http::extract::{Json, Path};
use crate::http::routes::votes::members_exist;
use crate::notify::destinations;
use crate::store::{self, ProjectRecord};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects))
        .routes(routes!(get_project, update_project))
}

/// Every project's name, once each, alphabetically.
///
/// Project names match ignoring case: "platform" and "Platform" are one project, spelt as
/// it was first. For suggesting a project while a vote is started.
#[utoipa::path(
    get, path = "/api/projects", tag = "votes",
    responses(
        (status = 200, description = "The names", body = Vec<String>, example = json!(["mobile", "payments", "web-shop"])),
        (status = 401, description = "A members-only server and no login, or a bad token", body = ErrorBody),
    )
)]
async fn list_projects(State(state): State<AppState>) -> ApiResult<Json<Vec<String>>> {
    Ok(Json(state.store.project_names().await?))
}

/// A project's settings; a project nothing was saved for has none.
///
/// A project is a free-text name on votes; it has settings only once someone saved them:
/// its usual voters, pre-filled when a vote is started in it, and whether a chat channel
/// hears of its votes.
#[utoipa::path(
    get, path = "/api/projects/{name}", tag = "votes",
    params(("name" = String, Path, description = "The project, as votes carry it",
        min_length = 1, max_length = 100,
        pattern = "^[^\\s\\x00-\\x1f\\x7f-\\x9f]([^\\x00-\\x1f\\x7f-\\x9f]{0,98}[^\\s\\x00-\\x1f\\x7f-\\x9f])?$")),
    responses(
        (status = 200, description = "The project", body = Project),
        (status = 422, description = "Not a project name", body = ErrorBody),
    )
)]
async fn get_project(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Project>> {
    let record = stored(&state, &name).await?;
    Ok(Json(project(&state, record).await?))
}

/// Remembers who a project's votes wait on (members), and where they are announced
/// (admins only).
///
/// Members may set the usual voters; only admins may set or clear the chat channel's
/// incoming-webhook URL, which is never shown back (only whether one is set).
#[utoipa::path(
    put, path = "/api/projects/{name}", tag = "votes", request_body = ProjectUpdate,
    params(("name" = String, Path, description = "The project, as votes carry it",
        min_length = 1, max_length = 100,
        pattern = "^[^\\s\\x00-\\x1f\\x7f-\\x9f]([^\\x00-\\x1f\\x7f-\\x9f]{0,98}[^\\s\\x00-\\x1f\\x7f-\\x9f])?$")),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The project, saved", body = Project),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a member, or the chat channel and not an admin", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "An unknown member, a bad link, or a chat URL on a private network", body = ErrorBody),
    )
)]
async fn update_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Json(update): Json<ProjectUpdate>,
) -> ApiResult<Json<Project>> {
    let member = caller.require_member()?;
    let mut record = stored(&state, &name).await?;
    if let Some(voters) = update.default_voters {
        let voters = rules::expected_voters(&voters)?;
        members_exist(&state, &voters).await?;
        record.default_voters = voters;
    }
    if let Some(url) = update.chat_webhook_url {
        if member.role != Role::Admin {
            return Err(DomainError::Forbidden(
                "only admins choose where a project's votes are announced".into(),
            )
            .into());
        }
        let url = rules::url(url.as_deref())?;
        if let Some(url) = &url {
            destinations::check(url, state.settings.notify.allow_private_webhooks)?;
        }
        record.chat_webhook_url = url;
    }
    state.store.save_project(&record, rules::now()).await?;
    Ok(Json(project(&state, record).await?))
}

/// What is saved for the project named `raw`; nothing yet is a project with no settings.
async fn stored(state: &AppState, raw: &str) -> ApiResult<ProjectRecord> {
    let name = project_name(raw)?;
    Ok(state
        .store
        .project(&name)
        .await?
        .unwrap_or_else(|| ProjectRecord {
            name,
            ..ProjectRecord::default()
        }))
}

fn project_name(raw: &str) -> Result<String, DomainError> {
    rules::project(Some(raw))?.ok_or_else(|| DomainError::Invalid("a project has a name".into()))
}

/// What a caller sees of a project: its voters by name, whether it announces (never the
/// announcement URL, which is a secret of the chat workspace).
async fn project(state: &AppState, record: ProjectRecord) -> ApiResult<Project> {
    let names = store::names(
        state.store.as_ref(),
        record.default_voters.iter().map(String::as_str),
    )
    .await?;
    Ok(Project {
        default_voters: record
            .default_voters
            .iter()
            .map(|v| names.voter(v))
            .collect(),
        announces: record.chat_webhook_url.is_some(),
        name: record.name,
    })
}
