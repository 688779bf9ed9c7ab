//! The AsyncVoter dashboard: ongoing votes, one page per vote, history.
//!
//! `App` holds the contexts and the page for the current path (`routes::page`); screens
//! live in `pages/`, reusable parts in `components/`, the server calls in `api`.

pub mod api;
pub mod card_keys;
pub mod clock;
pub mod components;
pub mod fetch;
pub mod first_paint;
pub mod json;
pub mod live;
pub mod navigation;
pub mod numbers;
pub mod pages;
pub mod routes;
pub mod session;
pub mod task;
pub mod time;
pub mod waiting;

use leptos::prelude::*;

use crate::components::{LiveAnnouncer, SiteHeader};
use crate::pages::CurrentPage;

/// The whole dashboard.
#[component]
pub fn App() -> impl IntoView {
    navigation::provide_navigation();
    clock::provide_clock();
    session::provide_session();
    live::provide_live();
    waiting::provide_waiting();
    view! {
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader />
            <LiveAnnouncer />
            <main id="main" class="page">
                <CurrentPage />
            </main>
    }
}
