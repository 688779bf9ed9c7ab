//! One routed screen per file.

mod account;
mod admin;
mod history;
mod insights;
mod login;
mod new_vote;
mod not_found;
mod ongoing;
mod vote;

pub use account::AccountPage;
pub use admin::AdminPage;
pub use history::HistoryPage;
pub use insights::InsightsPage;
pub use login::LoginPage;
pub use new_vote::NewVotePage;
pub use not_found::{NotFoundPage, NotFoundView};
pub use ongoing::OngoingPage;
pub use vote::VotePage;
