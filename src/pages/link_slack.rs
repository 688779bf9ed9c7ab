use crate::navigation::use_query_map;
use asyncvoter_wire::{LinkedSlackUser, SlackLink};
use leptos::prelude::*;

use crate::api;
use crate::components::LoginPrompt;
use crate::session::use_session;
use crate::task::Task;

/// `/account/slack?token=…`: ties the Slack user of a one-time link from Slack to the
/// member, after they confirm (a link preview that opens the page changes nothing).
#[component]
pub fn LinkSlackPage() -> impl IntoView {
    let session = use_session();
    let token = Memo::new(move |_| use_query_map().with(|q| q.get("token")).unwrap_or_default());
    view! {
        <section class="narrow">
            <div class="page-head"><h1>"Link your Slack account"</h1></div>
            {move || match (session.member(), token.get()) {
                (_, token) if token.is_empty() => view! {
                    <p class="form-error" role="alert">
                        "This link has no code in it. In Slack, vote on a story or open AsyncVoter's Home tab, then use its \"Link your AsyncVoter account\" button."
                    </p>
                }
                .into_any(),
                (Some(member), token) => view! { <Confirm name=member.display_name token /> }.into_any(),
                (None, _) => view! { <LoginPrompt purpose="first, then come back here to link your Slack account." /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Confirm(name: String, token: String) -> impl IntoView {
    let link = Task::<LinkedSlackUser>::new();
    view! {
        <div class="panel">
            <p>
                "Your ballots from Slack will count as "<strong>{name}</strong>
                "'s, the same as in the browser. Ballots you already cast from Slack in rounds that are not revealed move to your account."
            </p>
            {move || match link.value() {
                Some(_) => view! {
                    <p class="confirmation" role="status">"Linked. Your Slack ballots are now yours here too."</p>
                    <a class="button" href=asyncvoter_wire::pages::HOME>"See your votes"</a>
                }
                .into_any(),
                None => {
                    let token = token.clone();
                    view! {
                        {move || link.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                        <button
                            type="button"
                            class="button"
                            disabled=move || link.pending()
                            on:click=move |_| {
                                let request = SlackLink { token: token.clone() };
                                link.run(async move { api::link_slack(&request).await }, |_| {});
                            }
                        >
                            "Link my Slack account"
                        </button>
                    }
                    .into_any()
                }
            }}
        </div>
    }
}
