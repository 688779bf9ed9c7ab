//! `/api/members`: admins list and add members and reset their passwords.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{ErrorBody, Member, NewMember, PasswordReset, Role};

use crate::AppState;
use tower_sessions::Session;

use crate::auth::{Caller, passwords, sessions};
use crate::domain::rules;
use crate::events::Ended;
use crate::http::error::ApiResult;
use crate::http::extract::{Json, Path};
use crate::store::MemberRecord;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_members, add_member))
        .routes(routes!(reset_password))
}

fn member(record: MemberRecord) -> Member {
    Member {
        username: record.username,
        display_name: record.display_name,
        role: record.role,
    }
}

/// Every member: for members, who start votes that wait on the others.
///
/// Members and admins see usernames, display names and roles, to choose who a vote waits
/// on. Password hashes never leave the server.
#[utoipa::path(
    get, path = "/api/members", tag = "members",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "Members by username", body = Vec<Member>),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a member (an integration token)", body = ErrorBody),
    )
)]
async fn list_members(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<Member>>> {
    caller.require_member()?;
    Ok(Json(
        state
            .store
            .members()
            .await?
            .into_iter()
            .map(member)
            .collect(),
    ))
}

/// Adds a member.
///
/// Admins only. The password has 8 to 256 characters; the username is 2 to 32 of `a-z 0-9 .
/// _ -`.
#[utoipa::path(
    post, path = "/api/members", tag = "members", request_body(content = NewMember, example = json!({"username": "ana", "display_name": "Ana Lima", "password": "a long passphrase", "role": "member"})),
    security(("session_cookie" = [])),
    responses(
        (status = 201, description = "Added", body = Member),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "The username is taken", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "A bad username, name or password", body = ErrorBody),
    )
)]
async fn add_member(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<NewMember>,
) -> ApiResult<impl IntoResponse> {
    caller.require_admin()?;
    let username = rules::username(&input.username)?;
    let display_name = rules::display_name(input.display_name.as_deref().unwrap_or(&username))?;
    passwords::check_strength(&input.password)?;
    let record = MemberRecord {
        username,
        display_name,
        role: input.role.unwrap_or(Role::Member),
        password_hash: state.hasher.hash(input.password).await?,
    };
    state.store.create_member(&record, rules::now()).await?;
    let location = format!("/api/members/{}", record.username);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(member(record)),
    ))
}

/// Sets a new password for a member; every session of theirs ends.
///
/// Admins only, for someone who forgot theirs; every session of that member ends at once.
#[utoipa::path(
    put, path = "/api/members/{username}/password", tag = "members", request_body = PasswordReset,
    params(("username" = String, Path, description = "The member's username")),
    security(("session_cookie" = [])),
    responses(
        (status = 204, description = "Reset"),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such member", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "The password is too short or too long", body = ErrorBody),
    )
)]
async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    session: Session,
    Path(username): Path<String>,
    Json(input): Json<PasswordReset>,
) -> ApiResult<StatusCode> {
    let admin = caller.require_admin()?;
    passwords::check_strength(&input.password)?;
    let hash = state.hasher.hash(input.password).await?;
    state
        .store
        .set_password(&username, &hash, rules::now())
        .await?;
    // Whoever knew the old password is logged out everywhere (an admin resetting their
    // own keeps this session, under a new id).
    let own = (admin.username == username).then_some(&session);
    sessions::end_all_but(state.store.as_ref(), &username, own).await?;
    state.events.end(Ended::Member(username));
    Ok(StatusCode::NO_CONTENT)
}
