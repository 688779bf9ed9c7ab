use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::login_prompt::use_login_link;
use crate::components::{LiveStatus, NavLink};
use crate::routes;
use crate::session::{Visitor, use_session};

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
                    <NavLink href=routes::NEW_VOTE class="button button--small">"New vote"</NavLink>
                    {session.is_admin().then(|| view! { <NavLink href=routes::ADMIN class="account__link">"Members"</NavLink> })}
                    <NavLink href=routes::ACCOUNT class="account__link account__name">{member.display_name}</NavLink>
                    <button type="button" class="link-button" on:click=log_out>"Log out"</button>
                }
                .into_any(),
            }}
        </div>
    }
}
