//! `/api/members`: admins list, add, edit, disable and enable members and reset their
//! passwords; members list who else can vote.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{ErrorBody, Member, MemberPatch, NewMember, PasswordReset, Role};

use crate::AppState;
use tower_sessions::Session;

use crate::auth::{Caller, passwords, sessions};
use crate::domain::rules;
use crate::events::Ended;
use crate::http::error::ApiResult;
use crate::http::extract::{Json, Path};
use crate::store::{MemberChanges, MemberRecord};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_members, add_member))
        .routes(routes!(reset_password))
        .routes(routes!(update_member))
}

/// Every member: for members, who start votes that wait on the others.
///
/// Members see the active members' usernames, display names and roles, to choose who a
/// vote waits on. Admins also see disabled members and everyone's email address.
/// Password hashes never leave the server.
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
    let admin = caller.require_member()?.role == Role::Admin;
    let members = state.store.members().await?.into_iter();
    Ok(Json(if admin {
        members.map(|m| m.account()).collect()
    } else {
        members
            .filter(|m| !m.disabled)
            .map(|m| m.public())
            .collect()
    }))
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
        email: None,
        disabled: false,
    };
    state.store.create_member(&record, rules::now()).await?;
    let location = format!("/api/members/{}", record.username);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(record.account()),
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

/// Changes a member's display name, email, role, or whether they may log in.
///
/// Admins only. Disabling a member ends every session and event stream of theirs at
/// once and refuses their logins, password or single sign-on; their ballots and votes
/// stay and show as theirs. Enabling lets them log in again. The last active admin can
/// be neither disabled nor made a member (409).
#[utoipa::path(
    patch, path = "/api/members/{username}", tag = "members",
    request_body(content = MemberPatch, example = json!({"disabled": true})),
    params(("username" = String, Path, description = "The member's username")),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The member as changed", body = Member),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such member", body = ErrorBody),
        (status = 409, description = "It would leave no active admin", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "A bad display name or email address", body = ErrorBody),
    )
)]
async fn update_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<String>,
    Json(patch): Json<MemberPatch>,
) -> ApiResult<Json<Member>> {
    caller.require_admin()?;
    let changes = MemberChanges {
        display_name: patch
            .display_name
            .as_deref()
            .map(rules::display_name)
            .transpose()?,
        email: patch
            .email
            .as_deref()
            .map(|raw| rules::email(Some(raw)))
            .transpose()?,
        role: patch.role,
        disabled: patch.disabled,
    };
    let changed = state
        .store
        .update_member(&username, &changes, rules::now())
        .await?;
    if changed.disabled {
        state.events.end(Ended::Member(username));
    }
    Ok(Json(changed.account()))
}
