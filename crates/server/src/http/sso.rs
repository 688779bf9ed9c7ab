//! `/auth/oidc/login` and `/auth/oidc/callback`: logging in through the OpenID Connect
//! provider (`auth::oidc`). The first sends the visitor to the provider with a fresh
//! `state`, `nonce` and PKCE challenge kept in their session; the second checks what came
//! back, finds or makes the member, starts their session and returns them to `next`.
//! Whatever fails is a plain page saying why, with no session.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_sessions::Session;

use asyncvoter_wire::{Role, pages};

use crate::AppState;
use crate::auth::oidc::{CALLBACK_PATH, Identity, Oidc, Pending, SsoError};
use crate::auth::sessions;
use crate::domain::rules;
use crate::http::setup::{self, shell};
use crate::store::SsoProfile;
use asyncvoter_wire::markup::escape;

/// Where the login on its way is kept in the session.
const PENDING_KEY: &str = "oidc_pending";

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/oidc/login", get(start))
        .route(CALLBACK_PATH, get(finish))
}

/// `?next=`: where to return afterwards; `?setup=`: the first-run link's token, when the
/// login is to make the server's first admin.
#[derive(Debug, Deserialize)]
struct Start {
    next: Option<String>,
    setup: Option<String>,
}

/// What the provider sends back.
#[derive(Debug, Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

fn provider(state: &AppState) -> Option<(&Oidc, String)> {
    let oidc = state.settings.oidc.as_deref()?;
    let base = state.settings.public_url.as_deref()?;
    Some((
        oidc,
        format!("{}{CALLBACK_PATH}", base.trim_end_matches('/')),
    ))
}

async fn start(
    State(state): State<AppState>,
    session: Session,
    Query(start): Query<Start>,
) -> Response {
    let Some((oidc, callback)) = provider(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Some(token) = &start.setup
        && !state.first_run.is_valid(token, state.settings.clock.now())
    {
        return setup::used_up();
    }
    let next = pages::local_path(start.next.as_deref());
    let (url, mut pending) = match oidc.start(&callback, next).await {
        Ok(started) => started,
        Err(error) => return failure(oidc, &error),
    };
    pending.setup = start.setup;
    if session.insert(PENDING_KEY, &pending).await.is_err() {
        return failure(
            oidc,
            &SsoError::Provider("The login could not be saved just now.".into()),
        );
    }
    Redirect::to(&url).into_response()
}

async fn finish(
    State(state): State<AppState>,
    session: Session,
    Query(answer): Query<Callback>,
) -> Response {
    let Some((oidc, callback)) = provider(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Taken out whatever happens next: one answer per login started.
    let pending = session.remove::<Pending>(PENDING_KEY).await.ok().flatten();
    let setup = pending.as_ref().and_then(|p| p.setup.clone());
    let outcome = async {
        let pending = pending.ok_or_else(|| {
            SsoError::Refused("This login was not started here, or was finished already.".into())
        })?;
        if let Some(error) = answer.error {
            let why = answer.error_description.unwrap_or(error);
            return Err(SsoError::Refused(format!("{} said: {why}", oidc.name)));
        }
        let (Some(code), Some(sent_state)) = (answer.code, answer.state) else {
            return Err(SsoError::Refused(format!(
                "{} sent no login code.",
                oidc.name
            )));
        };
        let next = pending.next.clone();
        let identity = oidc.finish(&callback, pending, &code, &sent_state).await?;
        Ok((identity, next))
    }
    .await;
    let (identity, next) = match outcome {
        Ok(done) => done,
        Err(error) => return failure(oidc, &error),
    };
    let mut profile = profile(oidc, identity);
    // From the first-run link: taken for this login alone, and only while nobody is a
    // member, so two racing logins make one admin.
    let taken = match setup {
        Some(token) => {
            let taken = state.first_run.take(&token, state.settings.clock.now());
            let nobody = matches!(state.store.members().await.map(|m| m.is_empty()), Ok(true));
            match taken {
                Some(taken) if nobody => {
                    profile.role = Some(Role::Admin);
                    Some(taken)
                }
                _ => return setup::used_up(),
            }
        }
        None => None,
    };
    let member = match state.store.sso_member(&profile, rules::now()).await {
        Ok(member) => member,
        Err(error) => {
            if let Some(taken) = taken {
                state.first_run.give_back(taken);
            }
            tracing::error!(%error, "a single sign-on member could not be saved");
            let why = SsoError::Provider("Your account could not be saved just now.".into());
            return failure(oidc, &why);
        }
    };
    if member.disabled {
        let body = "<h1>Your account is disabled</h1>\
            <p>An admin disabled it; ask one to enable it again.</p>\
            <p><a href=\"/\">Back to AsyncVoter</a></p>";
        return (StatusCode::FORBIDDEN, shell("Account disabled", body)).into_response();
    }
    if sessions::log_in(&session, &member).await.is_err() {
        let why = SsoError::Provider("Your session could not be started just now.".into());
        return failure(oidc, &why);
    }
    Redirect::to(&next).into_response()
}

/// What the provider says, as the store keeps it.
fn profile(oidc: &Oidc, identity: Identity) -> SsoProfile {
    let usernames = rules::sso_usernames(
        identity.preferred_username.as_deref(),
        identity.email.as_deref(),
    );
    let display_name = identity
        .name
        .as_deref()
        .and_then(|n| rules::display_name(n).ok())
        .unwrap_or_else(|| usernames[0].clone());
    SsoProfile {
        issuer: identity.issuer,
        subject: identity.subject,
        usernames,
        display_name,
        email: rules::email(identity.email.as_deref()).ok().flatten(),
        role: oidc.has_admin_claim().then_some(if identity.admin {
            Role::Admin
        } else {
            Role::Member
        }),
    }
}

/// The page a failed login shows: what went wrong and the way back.
fn failure(oidc: &Oidc, error: &SsoError) -> Response {
    let status = match error {
        SsoError::Provider(_) => StatusCode::BAD_GATEWAY,
        SsoError::Refused(_) => StatusCode::BAD_REQUEST,
    };
    let body = format!(
        "<h1>Logging in with {name} did not work</h1>\
         <p class=\"problem\" role=\"alert\">{why}</p>\
         <p>Nobody was logged in. <a href=\"/login\">Try again</a></p>",
        name = escape(&oidc.name),
        why = escape(&error.to_string()),
    );
    (status, shell("Login failed", &body)).into_response()
}
