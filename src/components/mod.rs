//! Reusable parts of the dashboard, one component per file.

mod ballot_table;
mod card_picker;
pub mod chart;
mod copy_link;
mod deck_cards;
mod error_view;
mod live_status;
mod loading;
mod login_prompt;
mod owner_controls;
mod round_results;
mod site_header;
mod state_badge;
mod tally;
mod vote_filters;
mod vote_list;
mod vote_row;
mod voter_list;

pub use ballot_table::BallotTable;
pub use card_picker::{CardPicker, PickerMemory};
pub use copy_link::CopyLink;
pub use deck_cards::{DeckCards, deck_label};
pub use error_view::{ErrorView, ErrorsView};
pub use live_status::{LiveAnnouncer, LiveStatus};
pub use loading::Loading;
pub use login_prompt::LoginPrompt;
pub use owner_controls::OwnerControls;
pub use round_results::{RoundResults, RoundsCompared, distribution};
pub use site_header::SiteHeader;
pub use state_badge::StateBadge;
pub use tally::Tally;
pub use vote_filters::VoteFilters;
pub use vote_list::VoteListView;
pub use vote_row::VoteRow;
pub use voter_list::VoterList;
