//! `/setup`: the page where the first admin of a new server chooses their name and
//! password, from the one-time link `serve` prints; or, with single sign-on, logs in
//! through the provider to become that admin (the only way under `--oidc-only`). Plain
//! HTML and a form: it works before anyone could log in to the dashboard, without
//! JavaScript.

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use tower_sessions::Session;

use asyncvoter_wire::Role;

use crate::AppState;
use crate::auth::{passwords, sessions};
use crate::domain::rules;
use crate::store::MemberRecord;
use asyncvoter_wire::markup::escape;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/setup", get(setup_page).post(set_up))
        .route("/setup.css", get(stylesheet))
}

/// What the form sends.
#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
}

/// The link's query.
#[derive(Debug, Deserialize)]
pub struct Link {
    #[serde(default)]
    token: String,
}

async fn setup_page(State(state): State<AppState>, Query(link): Query<Link>) -> Response {
    if !state
        .first_run
        .is_valid(&link.token, state.settings.clock.now())
    {
        return used_up();
    }
    page(
        &state,
        StatusCode::OK,
        &SetupForm {
            token: link.token,
            ..SetupForm::default()
        },
        None,
    )
}

async fn set_up(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SetupForm>,
) -> Response {
    let now = state.settings.clock.now();
    if !state.first_run.is_valid(&form.token, now) {
        return used_up();
    }
    if state.settings.oidc.as_deref().is_some_and(|o| o.only) {
        let problem = "Passwords are off on this server: log in with the button below.";
        return page(&state, StatusCode::FORBIDDEN, &form, Some(problem));
    }
    let checked = (|| {
        let username = rules::username(&form.username).map_err(|e| e.to_string())?;
        let shown = if form.display_name.trim().is_empty() {
            &username
        } else {
            &form.display_name
        };
        let display_name = rules::display_name(shown).map_err(|e| e.to_string())?;
        passwords::check_strength(&form.password).map_err(|e| e.to_string())?;
        if form.password != form.repeat {
            return Err("The two passwords differ: type the same one twice.".to_owned());
        }
        Ok((username, display_name))
    })();
    let (username, display_name) = match checked {
        Ok(checked) => checked,
        Err(problem) => {
            return page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                Some(&problem),
            );
        }
    };
    // Taken before the slow hash, so two tabs racing make one admin, not two.
    let Some(taken) = state.first_run.take(&form.token, now) else {
        return used_up();
    };
    let made = async {
        if !state.store.members().await?.is_empty() {
            anyhow::bail!("someone set this server up already");
        }
        let record = MemberRecord {
            username,
            display_name,
            role: Role::Admin,
            password_hash: state.hasher.hash(form.password.clone()).await?,
            email: None,
            disabled: false,
        };
        state.store.create_member(&record, now).await?;
        sessions::log_in(&session, &record).await?;
        anyhow::Ok(())
    }
    .await;
    match made {
        Ok(()) => Redirect::to("/").into_response(),
        Err(error) => {
            tracing::warn!(%error, "the first admin was not made");
            state.first_run.give_back(taken);
            page(
                &state,
                StatusCode::SERVICE_UNAVAILABLE,
                &form,
                Some("The account could not be saved just now. Try again in a moment."),
            )
        }
    }
}

/// A link that was used, has expired, or never was.
pub(crate) fn used_up() -> Response {
    let body = "<h1>This setup link no longer works</h1>\
        <p>It was used already, or its hour has passed. An admin can add members in \
        the dashboard, or with <code>asyncvoter member add NAME --admin</code> on the server; \
        restarting a server nobody is a member of prints a new link.</p>\
        <p><a href=\"/login\">Log in</a></p>";
    (StatusCode::GONE, shell("Setup link used", body)).into_response()
}

/// The form, with what was typed (never the passwords) and what to fix; with single
/// sign-on, the way to become the admin through the provider (alone under `--oidc-only`).
fn page(state: &AppState, status: StatusCode, form: &SetupForm, problem: Option<&str>) -> Response {
    let problem = problem.map_or_else(String::new, |p| {
        format!("<p class=\"problem\" role=\"alert\">{}</p>", escape(p))
    });
    let sso = state.settings.oidc.as_deref().map(|oidc| {
        let login = format!("/auth/oidc/login?setup={}", escape(&form.token));
        (
            oidc.only,
            format!(
                "<p><a class=\"sso\" href=\"{login}\">Log in with {name}</a></p>\
             <p><small>The account you log in with becomes this server's first admin.</small></p>",
                name = escape(&oidc.name),
            ),
        )
    });
    let body = match sso {
        Some((true, sso)) => format!(
            "<h1>Set up AsyncVoter</h1>\
             <p>Nobody is a member yet. This server logs people in through its identity \
             provider only; log in to become the first admin.</p>{problem}{sso}"
        ),
        sso => format!(
            "<h1>Set up AsyncVoter</h1>\
             <p>Nobody is a member yet. Choose the first admin's name and password; you can add \
             the rest of the team from the dashboard afterwards.</p>{problem}\
             <form method=\"post\" action=\"/setup\">\
             <input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <label>Username <small>2–32 of a–z, 0–9, dot, dash, underscore</small>\
             <input name=\"username\" required minlength=\"2\" maxlength=\"32\" autocomplete=\"username\" value=\"{username}\"></label>\
             <label>Name to show <small>optional</small>\
             <input name=\"display_name\" maxlength=\"60\" autocomplete=\"name\" value=\"{display_name}\"></label>\
             <label>Password <small>at least {min} characters</small>\
             <input type=\"password\" name=\"password\" required minlength=\"{min}\" autocomplete=\"new-password\"></label>\
             <label>Password again\
             <input type=\"password\" name=\"repeat\" required minlength=\"{min}\" autocomplete=\"new-password\"></label>\
             <button type=\"submit\">Create the admin and log in</button></form>{or}",
            token = escape(&form.token),
            username = escape(&form.username),
            display_name = escape(&form.display_name),
            min = passwords::MIN_CHARS,
            or = sso.map_or_else(String::new, |(_, sso)| format!("<h2>Or</h2>{sso}")),
        ),
    };
    (status, shell("Set up AsyncVoter", &body)).into_response()
}

/// A plain page with the setup stylesheet, titled `title`: the setup form and the single
/// sign-on failures.
pub(crate) fn shell(title: &str, body: &str) -> Html<String> {
    let title = escape(title);
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{title} · AsyncVoter</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/setup.css\"></head>\
         <body><main>{body}</main></body></html>"
    ))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("setup.css"),
    )
}
