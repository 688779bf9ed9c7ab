use asyncvoter_wire::{Login, Member};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::routes;
use crate::session::use_session;
use crate::task::Task;

/// `/login`: logs a member in and returns them to where they came from.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = move || on_this_site(&routes::safe_next(query.read().get("next").as_deref()));
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = Task::<Member>::new();
    let navigate = use_navigate();
    view! {
        <section class="narrow">
            <div class="page-head">
                <h1>"Log in"</h1>
                <p class="lede">"Members vote from the browser. Ask an admin for an account."</p>
            </div>
            <form
                class="form panel"
                on:submit=move |ev| {
                    ev.prevent_default();
                    let login = Login { username: username.get(), password: password.get() };
                    let navigate = navigate.clone();
                    submit.run(async move { api::log_in(&login).await }, move |member| {
                        session.logged_in(member.clone());
                        navigate(&next(), Default::default());
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
        </section>
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
