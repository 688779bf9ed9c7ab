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

impl Statistics {
    /// The cards chosen, with how often, in deck order and `?` last: `["3×5", "2×8", "1×?"]`.
    pub fn chosen_cards(&self) -> Vec<String> {
        let mut chosen: Vec<String> = self
            .counts
            .iter()
            .filter(|c| c.count > 0)
            .map(|c| format!("{}×{}", c.count, c.card))
            .collect();
        if self.no_opinion > 0 {
            chosen.push(format!("{}×?", self.no_opinion));
        }
        chosen
    }

    /// The size to suggest when the vote is closed: the most chosen card, or the median
    /// when several tie (`None` when nothing counted).
    pub fn suggested_size(&self) -> Option<String> {
        match self.modes.as_slice() {
            [one] => Some(one.clone()),
            _ => self.median.clone(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chosen_cards_skip_the_unchosen_and_put_no_opinion_last() {
        let count = |card: &str, count: u32| CardCount {
            card: card.into(),
            count,
            share: 0.0,
            off_deck: false,
        };
        let statistics = Statistics {
            cast: 6,
            counted: 5,
            no_opinion: 1,
            counts: vec![count("3", 0), count("5", 3), count("8", 2)],
            modes: vec!["5".into()],
            agreement: 0.6,
            agreement_label: None,
            median: None,
            mean: None,
            spread: 1,
            spread_flagged: false,
            consensus: None,
            lowest: Vec::new(),
            highest: Vec::new(),
        };
        assert_eq!(statistics.chosen_cards(), ["3×5", "2×8", "1×?"]);
        assert_eq!(
            statistics.suggested_size().as_deref(),
            Some("5"),
            "the most chosen"
        );
        let tied = Statistics {
            modes: vec!["3".into(), "8".into()],
            median: Some("5".into()),
            ..statistics
        };
        assert_eq!(
            tied.suggested_size().as_deref(),
            Some("5"),
            "the median of a tie"
        );
    }
}
