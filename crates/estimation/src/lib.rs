//! AsyncVoter's estimation rules: the decks, card order, and the statistics of a revealed
//! round. Pure functions, shared by the server and the dashboard so both count alike.

pub mod deck;
pub mod statistics;

pub use deck::{Deck, DeckError, NO_OPINION};
pub use statistics::statistics;
