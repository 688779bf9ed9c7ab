//! One routed screen per file.

mod history;
mod not_found;
mod ongoing;
mod vote;

pub use history::HistoryPage;
pub use not_found::{NotFoundPage, NotFoundView};
pub use ongoing::OngoingPage;
pub use vote::VotePage;
