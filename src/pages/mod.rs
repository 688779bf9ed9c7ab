//! One routed screen per file, and [`CurrentPage`], which shows the one the path names.

use leptos::prelude::*;

use crate::navigation::use_location;
use crate::routes::{self, Page};

mod account;
pub(crate) mod admin;
mod history;
mod insights;
mod link_slack;
mod login;
mod new_vote;
mod not_found;
mod notifications;
mod ongoing;
mod tokens;
mod vote;

pub use account::AccountPage;
pub use admin::AdminPage;
pub use history::HistoryPage;
pub use insights::InsightsPage;
pub use link_slack::LinkSlackPage;
pub use login::LoginPage;
pub use new_vote::NewVotePage;
pub use not_found::{NotFoundPage, NotFoundView};
pub use notifications::NotificationsPage;
pub use ongoing::OngoingPage;
pub use tokens::TokensPage;
pub use vote::VotePage;

/// The page the current path names ([`routes::page`]). It is built again only when the
/// path leads to another page: a new query string, or another vote, updates it in place.
#[component]
pub fn CurrentPage() -> impl IntoView {
    let pathname = use_location().pathname;
    let page = Memo::new(move |_| routes::page(&pathname.read()));
    move || match page.get() {
        Page::Ongoing => view! { <OngoingPage /> }.into_any(),
        Page::History => view! { <HistoryPage /> }.into_any(),
        Page::Insights => view! { <InsightsPage /> }.into_any(),
        Page::Login => view! { <LoginPage /> }.into_any(),
        Page::Account => view! { <AccountPage /> }.into_any(),
        Page::Admin => view! { <AdminPage /> }.into_any(),
        Page::Notifications => view! { <NotificationsPage /> }.into_any(),
        Page::Tokens => view! { <TokensPage /> }.into_any(),
        Page::NewVote => view! { <NewVotePage /> }.into_any(),
        Page::LinkSlack => view! { <LinkSlackPage /> }.into_any(),
        Page::Vote => view! { <VotePage /> }.into_any(),
        Page::NotFound => view! { <NotFoundPage /> }.into_any(),
    }
}
