use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::login_prompt::use_login_link;
use crate::components::{LiveStatus, NavLink};
use crate::routes;
use crate::session::{Visitor, use_session};
use crate::waiting::use_waiting;

/// The bar on every page: the name, the main sections, and the visitor's account. On a
/// phone the sections and the account fold into a "Menu" (a `<details>`, open and drawn
/// as part of the bar on wider screens), so the bar stays one row.
#[component]
pub fn SiteHeader() -> impl IntoView {
    // Open on a wide screen (where it does not look like a menu); on a phone, closed
    // again whenever the page changes, and when a wide window narrows into a phone's.
    let pathname = crate::navigation::use_location().pathname;
    let wide = RwSignal::new(is_wide());
    let resized = window_event_listener(leptos::ev::resize, move |_| {
        let now = is_wide();
        if now != wide.get_untracked() {
            wide.set(now);
        }
    });
    on_cleanup(move || resized.remove());
    let open = move || {
        pathname.track();
        wide.get()
    };
    view! {
        <header class="site-header">
            <a href=routes::HOME class="brand">
                <span class="brand__mark" aria-hidden="true">"?"</span>
                "AsyncVoter"
            </a>
            <LiveStatus />
            <details class="site-menu" prop:open=open>
                <summary class="site-menu__toggle">"Menu"</summary>
                <nav aria-label="Sections" class="site-nav">
                    <NavLink href=routes::HOME exact=true>"Ongoing"</NavLink>
                    <NavLink href=routes::HISTORY>"History"</NavLink>
                    <NavLink href=routes::INSIGHTS>"Insights"</NavLink>
                </nav>
                <AccountMenu />
            </details>
        </header>
    }
}

/// Whether the window is wider than a phone's, where the menu's parts sit in the bar.
fn is_wide() -> bool {
    window()
        .inner_width()
        .ok()
        .and_then(|width| width.as_f64())
        .is_some_and(|width| width > 600.0)
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
            view! {
                <a href=routes::HOME class="waiting-count">
                    "Waiting on you "
                    <span class="waiting-count__number">{count}</span>
                </a>
            }
        })
    }
}
