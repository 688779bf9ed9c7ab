use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::login_prompt::use_login_link;
use crate::components::{LiveStatus, NavLink};
use crate::routes;
use crate::session::{Visitor, use_session};
use crate::waiting::use_waiting;

/// The bar on every page: the name, the main sections, and the visitor's account.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <a href=routes::HOME class="brand">
                <span class="brand__mark" aria-hidden="true">"?"</span>
                "AsyncVoter"
            </a>
            <nav aria-label="Sections" class="site-nav">
                <NavLink href=routes::HOME exact=true>"Ongoing"</NavLink>
                <NavLink href=routes::HISTORY>"History"</NavLink>
                <NavLink href=routes::INSIGHTS>"Insights"</NavLink>
            </nav>
            <LiveStatus />
            <AccountMenu />
        </header>
    }
}

/// "Log in", or the member's links and "Log out".
#[component]
fn AccountMenu() -> impl IntoView {
    let session = use_session();
    let login_link = use_login_link();
    let log_out = move |_| {
        spawn_local(async move {
            if api::log_out().await.is_ok() {
                session.logged_out();
            }
        });
    };
    view! {
        <div class="account">
            {move || match session.visitor() {
                Visitor::Unknown => ().into_any(),
                Visitor::Anonymous => {
                    view! { <a class="button button--small" href=login_link()>"Log in"</a> }.into_any()
                }
                Visitor::Member(member) => view! {
                    <WaitingCount />
                    <NavLink href=routes::NEW_VOTE class="button button--small">"New vote"</NavLink>
                    {session.is_admin().then(|| view! { <NavLink href=routes::ADMIN class="account__link">"Admin"</NavLink> })}
                    <NavLink href=routes::ACCOUNT class="account__link account__name">{member.display_name}</NavLink>
                    <button type="button" class="link-button" on:click=log_out>"Log out"</button>
                }
                .into_any(),
            }}
        </div>
    }
}

/// How many votes wait on the member, linking to them; nothing when none do.
#[component]
fn WaitingCount() -> impl IntoView {
    let waiting = use_waiting();
    move || {
        let count = waiting.count();
        (count > 0).then(|| {
            let label = match count {
                1 => "1 vote waits on you".to_owned(),
                n => format!("{n} votes wait on you"),
            };
            view! {
                <a href=routes::HOME class="waiting-count" aria-label=label.clone() title=label>
                    "Waiting on you "
                    <span class="waiting-count__number">{count}</span>
                </a>
            }
        })
    }
}
