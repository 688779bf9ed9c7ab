//! The numbers a team talks about once a round is revealed.

use serde::{Deserialize, Serialize};

/// Statistics of one revealed round, computed by the estimation crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statistics {
    /// Ballots cast, `?` included.
    pub cast: u32,
    /// Ballots that count: cast minus `?` and sizes the deck cannot place.
    pub counted: u32,
    /// `?` (no opinion) ballots.
    pub no_opinion: u32,
    /// One entry per card in deck order (and any off-deck size a 2016 client sent), `?` excluded.
    pub counts: Vec<CardCount>,
    /// The most chosen card(s), in deck order.
    pub modes: Vec<String>,
    /// Share of counted ballots on a mode, 0..1 (0 when nothing counted).
    pub agreement: f64,
    /// The agreement in words; absent when nothing counted.
    pub agreement_label: Option<AgreementLabel>,
    /// The middle card of the counted ballots in deck order (the lower one of two).
    pub median: Option<String>,
    /// The mean of the counted ballots, for numeric decks only.
    pub mean: Option<f64>,
    /// Distance in card steps between the lowest and highest counted ballot.
    pub spread: u32,
    /// True when the extremes are two or more cards apart: worth a conversation.
    pub spread_flagged: bool,
    /// Tastle–Wierman ordinal consensus, 0 (split between extremes) to 1 (all agree).
    pub consensus: Option<f64>,
    /// Voters on the lowest counted card, when the ballots differ.
    pub lowest: Vec<String>,
    /// Voters on the highest counted card, when the ballots differ.
    pub highest: Vec<String>,
}

/// How many ballots chose one card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardCount {
    /// The card's label.
    pub card: String,
    /// Ballots on it.
    pub count: u32,
    /// Its share of counted ballots, 0..1.
    pub share: f64,
    /// True for a card that is not in the vote's deck (a size a 2016 client sent).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub off_deck: bool,
}

/// The agreement in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgreementLabel {
    /// Every counted ballot on one card.
    Unanimous,
    /// At least 75 % on one card.
    Consensus,
    /// At least 50 % on one card.
    Majority,
    /// The most chosen card has under half.
    Plurality,
}
