//! The AsyncVoter dashboard: ongoing votes, one page per vote, history.
//!
//! `App` holds the contexts and the route table; screens live in `pages/`, reusable
//! parts in `components/`, the server calls in `api`.

pub mod api;
pub mod clock;
pub mod components;
pub mod live;
pub mod numbers;
pub mod pages;
pub mod routes;
pub mod session;
pub mod task;
pub mod time;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::{LiveAnnouncer, SiteHeader};
use crate::pages::{
    AccountPage, AdminPage, HistoryPage, InsightsPage, LoginPage, NewVotePage, NotFoundPage,
    OngoingPage, VotePage,
};

/// The whole dashboard.
#[component]
pub fn App() -> impl IntoView {
    clock::provide_clock();
    session::provide_session();
    live::provide_live();
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader />
            <LiveAnnouncer />
            <main id="main" class="page">
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/") view=OngoingPage />
                    <Route path=path!("/history") view=HistoryPage />
                    <Route path=path!("/insights") view=InsightsPage />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/account") view=AccountPage />
                    <Route path=path!("/admin") view=AdminPage />
                    <Route path=path!("/votes/new") view=NewVotePage />
                    <Route path=path!("/votes/:id") view=VotePage />
                </Routes>
            </main>
        </Router>
    }
}
