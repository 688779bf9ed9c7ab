//! `/api/session`: log in, who am I, log out, change my password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{ErrorBody, Login, Member, PasswordChange};

use crate::AppState;
use crate::auth::{Caller, login_limit, passwords, sessions};
use crate::domain::rules;
use crate::events::Ended;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ClientAddress, Json};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(log_in, who_am_i, log_out))
        .routes(routes!(change_password))
}

/// Logs a member in: a new session id, an HttpOnly cookie. The 11th attempt within a
/// minute that has not succeeded, per account or per address, gets 429.
///
/// Sets an HttpOnly, SameSite=Lax session cookie. Wrong passwords count per account and per
/// client address; after ten within a minute the answer is 429 with `Retry-After`, given
/// before any password is hashed.
#[utoipa::path(
    post, path = "/api/session", tag = "session", request_body(content = Login, example = json!({"username": "ana", "password": "a long passphrase"})),
    responses(
        (status = 200, description = "Logged in; the cookie is set", body = Member),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 403, description = "A cross-site request (send `x-asyncvoter-csrf`)", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "A field is missing", body = ErrorBody),
        (status = 429, description = "Too many attempts for this account or address; see Retry-After", body = ErrorBody),
        (status = 503, description = "The server is checking many passwords; see Retry-After", body = ErrorBody),
    )
)]
async fn log_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: Session,
    Json(login): Json<Login>,
) -> ApiResult<Json<Member>> {
    if let Some(oidc) = state.settings.oidc.as_deref().filter(|o| o.only) {
        return Err(ApiError::Forbidden(format!(
            "this server logs members in through {} only",
            oidc.name
        )));
    }
    let username = login.username.trim().to_lowercase();
    let keys = login_limit::keys(&username, address);
    let _checking = login_limit::one_at_a_time(&state.checking, &username)?;
    // Counted before the hash, so parallel attempts cannot all slip under the limit.
    let attempt = login_limit::reserve(state.store.as_ref(), &keys, rules::now()).await?;
    let record = state.store.member(&username).await?;
    // An unknown username is checked against a decoy hash: as slow as a wrong password.
    let hash = record.as_ref().map(|m| m.password_hash.clone());
    let verified = state.hasher.verify(login.password, hash).await?;
    let Some(record) = record.filter(|_| verified) else {
        return Err(ApiError::Unauthorized("wrong username or password".into()));
    };
    if record.disabled {
        return Err(ApiError::Forbidden(
            "this account is disabled: ask an admin to enable it".into(),
        ));
    }
    login_limit::succeeded(state.store.as_ref(), attempt).await?;
    sessions::log_in(&session, &record).await?;
    Ok(Json(record.account()))
}

/// The logged-in member, or nobody.
///
/// The member of the session cookie, for the dashboard to know who is there. Nobody
/// logged in is an answer, not an error: 204 with no body.
#[utoipa::path(
    get, path = "/api/session", tag = "session",
    responses(
        (status = 200, description = "The member of this session", body = Member),
        (status = 204, description = "Nobody is logged in (no cookie, or its session ended)"),
        (status = 403, description = "An integration token: integrations have no session", body = ErrorBody),
    )
)]
async fn who_am_i(caller: Caller) -> ApiResult<Response> {
    Ok(match caller {
        Caller::Anonymous => StatusCode::NO_CONTENT.into_response(),
        caller => Json(caller.require_member()?.clone()).into_response(),
    })
}

/// Logs out: the session ends on the server and the cookie is cleared.
///
/// The session is deleted on the server, so the cookie is useless even if it was copied.
#[utoipa::path(
    delete, path = "/api/session", tag = "session",
    responses(
        (status = 204, description = "Logged out (or was not logged in)"),
        (status = 403, description = "A cross-site request", body = ErrorBody),
    )
)]
async fn log_out(State(state): State<AppState>, session: Session) -> ApiResult<StatusCode> {
    let id = session.id();
    sessions::log_out(&session).await?;
    if let Some(id) = id {
        state.events.end(Ended::Session(sessions::id_hash(&id)));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the logged-in member's own password. Their other sessions end, and this one
/// goes on under a new id.
///
/// Needs the current password. The member's other sessions end; this one continues.
#[utoipa::path(
    put, path = "/api/session/password", tag = "session", request_body = PasswordChange,
    security(("session_cookie" = [])),
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Wrong current password, or not a member", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords for this account; see Retry-After", body = ErrorBody),
        (status = 503, description = "The server is checking many passwords; see Retry-After", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "The new password is too short or too long", body = ErrorBody),
    )
)]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    session: Session,
    Json(change): Json<PasswordChange>,
) -> ApiResult<StatusCode> {
    let member = caller.require_member()?;
    passwords::check_strength(&change.new_password)?;
    // Guessing the current password counts against the account like a login.
    let keys = [login_limit::account_key(&member.username)];
    let _checking = login_limit::one_at_a_time(&state.checking, &member.username)?;
    let attempt = login_limit::reserve(state.store.as_ref(), &keys, rules::now()).await?;
    let current = state
        .store
        .member(&member.username)
        .await?
        .map(|m| m.password_hash);
    if !state
        .hasher
        .verify(change.current_password, current)
        .await?
    {
        return Err(ApiError::Forbidden("the current password is wrong".into()));
    }
    login_limit::succeeded(state.store.as_ref(), attempt).await?;
    let hash = state.hasher.hash(change.new_password).await?;
    state
        .store
        .set_password(&member.username, &hash, rules::now())
        .await?;
    sessions::end_all_but(state.store.as_ref(), &member.username, Some(&session)).await?;
    state.events.end(Ended::Member(member.username.clone()));
    Ok(StatusCode::NO_CONTENT)
}
