use asyncvoter_wire::{CreatedToken, NewToken, Scope, Token};
use leptos::prelude::*;

use crate::api;
use crate::clock::use_now;
use crate::components::{SecretOnce, loaded};
use crate::fetch::Fetch;
use crate::pages::admin::{AdminNav, admins_only};
use crate::task::Task;
use crate::time;

/// `/admin/tokens`: the integration tokens bots, relays and Prometheus send: make one
/// (its secret shown once), see what each may do and when it was last used, revoke one.
#[component]
pub fn TokensPage() -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>"Integration tokens"</h1>
            <p class="lede">"What bots and other programs send as " <code>"Authorization: Bearer …"</code> ". Each does only what its scopes allow."</p>
        </div>
        <AdminNav />
        {admins_only("manage integration tokens", || view! { <Tokens /> }.into_any())}
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let tokens = Fetch::new(api::tokens);
    let reload = Callback::new(move |_| tokens.refetch());
    view! {
        <AddToken on_added=reload />
        {loaded(tokens, "Loading tokens…", reload, move |result| {
            result.map(|tokens| view! {
                <div class="table-scroll">
                    <table class="ballots tokens">
                        <caption>{match tokens.len() { 0 => "No tokens yet".to_owned(), 1 => "1 token".to_owned(), n => format!("{n} tokens") }}</caption>
                        <thead>
                            <tr><th scope="col">"Name"</th><th scope="col">"Scopes"</th><th scope="col">"Made"</th><th scope="col">"Last used"</th><th scope="col">"Revoke"</th></tr>
                        </thead>
                        <tbody>
                            {tokens.into_iter().map(|token| view! { <TokenRow token on_revoked=reload /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any())
        })}
    }
}

/// One token: its name, scopes, when it was made and last used, and revoking it (asked
/// twice: whatever sends it stops working).
#[component]
fn TokenRow(token: Token, on_revoked: Callback<()>) -> impl IntoView {
    let now = use_now();
    let name = StoredValue::new(token.name.clone());
    let revoke = Task::<()>::new();
    let confirming = RwSignal::new(false);
    let scopes = token
        .scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let when = move |at: chrono::DateTime<chrono::Utc>| {
        view! { <time datetime=time::iso(at) title=time::exact(at)>{move || time::ago(at, now.get())}</time> }
    };
    view! {
        <tr data-token=token.name.clone()>
            <th scope="row">{token.name.clone()}</th>
            <td><code>{scopes}</code></td>
            <td>{when(token.created_at)}</td>
            <td>{match token.last_used_at { Some(at) => when(at).into_any(), None => "never".into_any() }}</td>
            <td>
                {move || if confirming.get() {
                    view! {
                        <button type="button" class="button button--small button--danger" disabled=move || revoke.pending()
                            on:click=move |_| revoke.run(async move { api::revoke_token(&name.get_value()).await }, move |()| on_revoked.run(()))>
                            "Revoke for good"
                        </button>
                        " "
                        <button type="button" class="link-button" on:click=move |_| confirming.set(false)>"Keep it"</button>
                    }.into_any()
                } else {
                    view! { <button type="button" class="button button--small button--quiet" on:click=move |_| confirming.set(true)>"Revoke…"</button> }.into_any()
                }}
                {move || revoke.error().map(|message| view! { <span class="form-error" role="alert">{message}</span> })}
            </td>
        </tr>
    }
}

/// What each scope lets a token do, as the form offers it.
const SCOPES: [(Scope, &str); 4] = [
    (
        Scope::VotesWrite,
        "start votes and vote for people outside AsyncVoter (a Slack relay)",
    ),
    (
        Scope::VotesManage,
        "reveal, re-open and close votes no member owns",
    ),
    (Scope::Legacy, "use the 2016 API (old bots)"),
    (Scope::Metrics, "read /metrics (Prometheus)"),
];

/// Making a token; its secret is shown once, with a copy button.
#[component]
fn AddToken(on_added: Callback<()>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec![Scope::VotesWrite]);
    let add = Task::<CreatedToken>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = NewToken {
            name: name.get(),
            scopes: chosen.get(),
        };
        add.run(async move { api::add_token(&token).await }, move |_| {
            name.set(String::new());
            on_added.run(());
        });
    };
    view! {
        {move || add.value().map(|created| view! {
            <SecretOnce title=format!("Made {}.", created.token.name) secret=created.secret what="token" />
        })}
        <form class="form panel" on:submit=submit>
            <h2>"Make a token"</h2>
            <label class="field">
                <span class="field__label">"Name (what will send it)"</span>
                <input name="token_name" required maxlength="60" placeholder="e.g. slack-relay" bind:value=name />
            </label>
            <fieldset class="choices">
                <legend class="field__label">"It may"</legend>
                {SCOPES.into_iter().map(|(scope, what)| view! {
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            name="scope"
                            value=scope.as_str()
                            prop:checked=move || chosen.with(|c| c.contains(&scope))
                            on:change=move |_| chosen.update(|c| match c.iter().position(|s| *s == scope) {
                                Some(at) => { c.remove(at); }
                                None => c.push(scope),
                            })
                        />
                        " " <code>{scope.as_str()}</code> {format!(": {what}")}
                    </label>
                }).collect_view()}
            </fieldset>
            {move || add.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" class="button" disabled=move || add.pending() || chosen.with(Vec::is_empty)>"Make token"</button>
        </form>
    }
}
