use crate::navigation::{use_navigate, use_query_map};
use asyncvoter_wire::{Login, Member};
use leptos::prelude::*;

use crate::api;
use crate::routes;
use crate::session::use_session;
use crate::task::Task;

/// `/login`: logs a member in and returns them to where they came from. A member who is
/// logged in already is told who they are and offered to go on, or to log out first.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = Signal::derive(move || {
        on_this_site(&routes::local_path(query.read().get("next").as_deref()))
    });
    view! {
        <section class="narrow">
            <div class="page-head">
                <h1>"Log in"</h1>
                <p class="lede">"Members vote from the browser. Ask an admin for an account."</p>
            </div>
            {move || match session.member() {
                Some(member) => view! { <AlreadyLoggedIn member next /> }.into_any(),
                None => view! { <LoginForm next /> }.into_any(),
            }}
        </section>
    }
}

/// Who is logged in, a way on to `next`, and a way to log in as someone else.
#[component]
fn AlreadyLoggedIn(member: Member, next: Signal<String>) -> impl IntoView {
    let session = use_session();
    let leaving = Task::<()>::new();
    let log_out = move |_| leaving.run(api::log_out(), move |_| session.logged_out());
    view! {
        <div class="panel already-in" role="status">
            <p>
                "You are logged in as "
                <strong>{member.display_name}</strong>
                {format!(" ({}).", member.username)}
            </p>
            <a class="button" href=move || next.get()>"Continue"</a>
            " "
            <button type="button" class="button button--quiet" disabled=move || leaving.pending() on:click=log_out>
                "Log out to use another account"
            </button>
            {move || leaving.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
        </div>
    }
}

/// "Log in with …" when the server has a single sign-on provider, then the username and
/// password form unless passwords are off; sends the member to `next` once logged in.
#[component]
fn LoginForm(next: Signal<String>) -> impl IntoView {
    let sso = crate::session::single_sign_on();
    let passwords = !sso.as_ref().is_some_and(|(_, only)| *only);
    view! {
        {sso.map(|(name, _)| view! {
            <p class="sso">
                <a class="button sso__button" rel="external" href=move || format!("/auth/oidc/login?next={}", routes::encode(&next.get()))>
                    {format!("Log in with {name}")}
                </a>
            </p>
        })}
        {passwords.then(|| view! { <PasswordForm next /> })}
    }
}

/// The username and password form.
#[component]
fn PasswordForm(next: Signal<String>) -> impl IntoView {
    let session = use_session();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = Task::<Member>::new();
    let navigate = use_navigate();
    view! {
        <form
            class="form panel"
            on:submit=move |ev| {
                ev.prevent_default();
                let login = Login { username: username.get(), password: password.get() };
                let navigate = navigate.clone();
                submit.run(async move { api::log_in(&login).await }, move |member| {
                    navigate(&next.get_untracked(), Default::default());
                    session.logged_in(member.clone());
                });
            }
        >
            <label class="field">
                <span class="field__label">"Username"</span>
                <input name="username" autocomplete="username" required bind:value=username />
            </label>
            <label class="field">
                <span class="field__label">"Password"</span>
                <input type="password" name="password" autocomplete="current-password" required bind:value=password />
            </label>
            {move || submit.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" class="button" disabled=move || submit.pending()>
                {move || if submit.pending() { "Logging in…" } else { "Log in" }}
            </button>
        </form>
    }
}

/// `path` as the browser resolves it against this page, if it stays on this origin;
/// otherwise home.
fn on_this_site(path: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    match web_sys::Url::new_with_base(path, &origin) {
        Ok(url) if url.origin() == origin => {
            format!("{}{}{}", url.pathname(), url.search(), url.hash())
        }
        _ => routes::HOME.to_owned(),
    }
}
