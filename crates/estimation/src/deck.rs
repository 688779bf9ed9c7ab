//! The four decks, custom-deck validation, and where a ballot's size sits on a deck's scale.

use std::fmt;

use asyncvoter_wire::{Card, DeckKind};

/// The no-opinion card: counted as cast, never in statistics.
pub const NO_OPINION: &str = "?";

/// Most cards a custom deck may have.
pub const MAX_CUSTOM_CARDS: usize = 20;
/// Fewest cards a custom deck may have.
pub const MIN_CUSTOM_CARDS: usize = 2;
/// Longest label of a custom card, in characters.
pub const MAX_CARD_CHARS: usize = 8;

/// A deck a vote is played with: its cards in order, smallest first, `?` last.
#[derive(Debug, Clone, PartialEq)]
pub struct Deck {
    kind: DeckKind,
    cards: Vec<DeckCard>,
    numeric: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct DeckCard {
    label: String,
    name: Option<&'static str>,
    value: Option<f64>,
}

/// Why a custom deck was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeckError {
    /// `deck` is `custom` but no cards were given.
    MissingCards,
    /// Cards were given for a built-in deck.
    CardsForBuiltIn(DeckKind),
    /// Fewer than 2 or more than 20 cards.
    CardCount(usize),
    /// An empty or blank card.
    EmptyCard,
    /// A card longer than 8 characters or holding control characters.
    BadCard(String),
    /// The same card twice (compared without case).
    Duplicate(String),
    /// Fewer than two cards besides `?`, so nothing can be compared.
    NothingToCompare,
}

impl fmt::Display for DeckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeckError::MissingCards => write!(f, "a custom deck needs `cards`"),
            DeckError::CardsForBuiltIn(kind) => {
                write!(
                    f,
                    "`cards` is only for custom decks, not `{}`",
                    kind.as_str()
                )
            }
            DeckError::CardCount(n) => write!(
                f,
                "a custom deck has {MIN_CUSTOM_CARDS} to {MAX_CUSTOM_CARDS} cards, not {n}"
            ),
            DeckError::EmptyCard => write!(f, "a card cannot be empty"),
            DeckError::BadCard(card) => write!(
                f,
                "card `{card}` must be at most {MAX_CARD_CHARS} printable characters"
            ),
            DeckError::Duplicate(card) => write!(f, "card `{card}` appears twice"),
            DeckError::NothingToCompare => {
                write!(f, "a custom deck needs at least two cards besides `?`")
            }
        }
    }
}

impl std::error::Error for DeckError {}

/// Where a ballot's size sits on a deck.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Placement {
    /// `?`: cast, but not part of the statistics.
    NoOpinion,
    /// The deck's ordered card at this index (`?` excluded).
    Card(usize),
    /// A number the deck does not hold (a 2016 client's size on a numeric deck).
    OffDeck(f64),
    /// A size the deck cannot place at all.
    Unplaceable,
}

impl Deck {
    /// The deck for `kind`; `cards` must be given for custom decks and only for them.
    pub fn new(kind: DeckKind, cards: Option<&[String]>) -> Result<Deck, DeckError> {
        match (kind, cards) {
            (DeckKind::Custom, Some(cards)) => Deck::custom(cards),
            (DeckKind::Custom, None) => Err(DeckError::MissingCards),
            (kind, None) => Ok(Deck::built_in(kind)),
            (kind, Some(_)) => Err(DeckError::CardsForBuiltIn(kind)),
        }
    }

    fn built_in(kind: DeckKind) -> Deck {
        let named: &[(&str, Option<&'static str>)] = match kind {
            DeckKind::Agileventures => &[
                ("1", Some("Simple")),
                ("2", Some("Medium")),
                ("3", Some("Hard")),
                ("?", Some("No opinion")),
            ],
            DeckKind::Fibonacci => &[
                ("0", None),
                ("1", None),
                ("2", None),
                ("3", None),
                ("5", None),
                ("8", None),
                ("13", None),
                ("21", None),
                ("?", None),
            ],
            DeckKind::Tshirt => &[
                ("XS", None),
                ("S", None),
                ("M", None),
                ("L", None),
                ("XL", None),
                ("?", None),
            ],
            DeckKind::Custom => unreachable!("custom decks are built from their cards"),
        };
        let cards = named
            .iter()
            .map(|(label, name)| DeckCard {
                label: (*label).to_owned(),
                name: *name,
                value: label.parse().ok(),
            })
            .collect();
        Deck::from_cards(kind, cards)
    }

    fn custom(labels: &[String]) -> Result<Deck, DeckError> {
        if !(MIN_CUSTOM_CARDS..=MAX_CUSTOM_CARDS).contains(&labels.len()) {
            return Err(DeckError::CardCount(labels.len()));
        }
        let mut cards: Vec<DeckCard> = Vec::with_capacity(labels.len());
        for raw in labels {
            let label = raw.trim();
            if label.is_empty() {
                return Err(DeckError::EmptyCard);
            }
            if label.chars().count() > MAX_CARD_CHARS || label.chars().any(char::is_control) {
                return Err(DeckError::BadCard(label.to_owned()));
            }
            if cards.iter().any(|c| c.label.eq_ignore_ascii_case(label)) {
                return Err(DeckError::Duplicate(label.to_owned()));
            }
            cards.push(DeckCard {
                label: label.to_owned(),
                name: None,
                value: label.parse::<f64>().ok().filter(|v| v.is_finite()),
            });
        }
        // `?` always sits last, wherever it was given.
        cards.sort_by_key(|c| c.label == NO_OPINION);
        if cards.iter().filter(|c| c.label != NO_OPINION).count() < 2 {
            return Err(DeckError::NothingToCompare);
        }
        Ok(Deck::from_cards(DeckKind::Custom, cards))
    }

    fn from_cards(kind: DeckKind, cards: Vec<DeckCard>) -> Deck {
        let values: Vec<Option<f64>> = cards
            .iter()
            .filter(|c| c.label != NO_OPINION)
            .map(|c| c.value)
            .collect();
        // A deck is numeric when every ordered card is a number, smallest first.
        let numeric = values.iter().all(Option::is_some) && values.windows(2).all(|w| w[0] < w[1]);
        Deck {
            kind,
            cards,
            numeric,
        }
    }

    /// Which deck this is.
    pub fn kind(&self) -> DeckKind {
        self.kind
    }

    /// The cards as the API shows them, in order.
    pub fn cards(&self) -> Vec<Card> {
        self.cards
            .iter()
            .map(|c| Card {
                label: c.label.clone(),
                name: c.name.map(str::to_owned),
            })
            .collect()
    }

    /// The card labels in order.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.cards.iter().map(|c| c.label.as_str())
    }

    /// The labels to store for a custom deck; `None` for built-in decks.
    pub fn custom_labels(&self) -> Option<Vec<String>> {
        (self.kind == DeckKind::Custom).then(|| self.labels().map(str::to_owned).collect())
    }

    /// True when `label` is exactly one of this deck's cards.
    pub fn contains(&self, label: &str) -> bool {
        self.cards.iter().any(|c| c.label == label)
    }

    /// True when every card but `?` is a number, so a mean makes sense.
    pub fn is_numeric(&self) -> bool {
        self.numeric
    }

    /// The ordered cards (`?` excluded) with their labels and numeric values.
    pub(crate) fn ordered(&self) -> impl Iterator<Item = (&str, Option<f64>)> {
        self.cards
            .iter()
            .filter(|c| c.label != NO_OPINION)
            .map(|c| (c.label.as_str(), c.value))
    }

    /// Places a ballot's size: a card label, a card's name (`Hard`, `No-opinion`, as the
    /// 2016 Slack app sent them), or a number on a numeric deck.
    pub(crate) fn place(&self, size: &str) -> Placement {
        let size = size.trim();
        if size == NO_OPINION || loose(size) == "noopinion" {
            return Placement::NoOpinion;
        }
        let ordered = || self.cards.iter().filter(|c| c.label != NO_OPINION);
        if let Some(i) = ordered().position(|c| c.label == size) {
            return Placement::Card(i);
        }
        if let Some(i) = ordered().position(|c| c.name.is_some_and(|n| loose(n) == loose(size))) {
            return Placement::Card(i);
        }
        match size.parse::<f64>() {
            Ok(v) if self.numeric && v.is_finite() => {
                match ordered().position(|c| c.value == Some(v)) {
                    Some(i) => Placement::Card(i),
                    None => Placement::OffDeck(v),
                }
            }
            _ => Placement::Unplaceable,
        }
    }
}

/// Lower-case letters and digits only, so `No-opinion`, `no opinion` and `NoOpinion` match.
fn loose(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(cards: &[&str]) -> Result<Deck, DeckError> {
        let cards: Vec<String> = cards.iter().map(|c| (*c).to_owned()).collect();
        Deck::new(DeckKind::Custom, Some(&cards))
    }

    #[test]
    fn built_in_decks_hold_the_documented_cards_in_order() {
        let table = [
            (DeckKind::Agileventures, "1 2 3 ?", true),
            (DeckKind::Fibonacci, "0 1 2 3 5 8 13 21 ?", true),
            (DeckKind::Tshirt, "XS S M L XL ?", false),
        ];
        for (kind, labels, numeric) in table {
            let deck = Deck::new(kind, None).unwrap();
            assert_eq!(
                deck.labels().collect::<Vec<_>>().join(" "),
                labels,
                "{kind:?}"
            );
            assert_eq!(deck.is_numeric(), numeric, "{kind:?}");
            assert_eq!(deck.custom_labels(), None);
        }
        let names: Vec<_> = Deck::new(DeckKind::Agileventures, None)
            .unwrap()
            .cards()
            .into_iter()
            .map(|c| c.name.unwrap())
            .collect();
        assert_eq!(names, ["Simple", "Medium", "Hard", "No opinion"]);
    }

    #[test]
    fn custom_decks_are_validated() {
        let twenty_one: Vec<String> = (1..=21).map(|n| n.to_string()).collect();
        let twenty: Vec<&str> = twenty_one[..20].iter().map(String::as_str).collect();
        let twenty_one: Vec<&str> = twenty_one.iter().map(String::as_str).collect();
        let table: [(&[&str], Result<(), DeckError>, &str); 9] = [
            (&["1"], Err(DeckError::CardCount(1)), "one card"),
            (&twenty_one, Err(DeckError::CardCount(21)), "21 cards"),
            (&twenty, Ok(()), "20 cards"),
            (
                &["S", "M", "s"],
                Err(DeckError::Duplicate("s".into())),
                "duplicate",
            ),
            (&["S", " "], Err(DeckError::EmptyCard), "blank card"),
            (
                &["S", "123456789"],
                Err(DeckError::BadCard("123456789".into())),
                "9 chars",
            ),
            (
                &["S", "a\u{7}"],
                Err(DeckError::BadCard("a\u{7}".into())),
                "control char",
            ),
            (
                &["S", "?"],
                Err(DeckError::NothingToCompare),
                "one card besides ?",
            ),
            (&["small", "big"], Ok(()), "two words"),
        ];
        for (cards, expected, why) in table {
            assert_eq!(custom(cards).map(|_| ()), expected, "{why}");
        }
    }

    #[test]
    fn deck_and_cards_must_agree() {
        assert_eq!(
            Deck::new(DeckKind::Custom, None),
            Err(DeckError::MissingCards)
        );
        assert_eq!(
            Deck::new(DeckKind::Fibonacci, Some(&["1".into(), "2".into()])),
            Err(DeckError::CardsForBuiltIn(DeckKind::Fibonacci))
        );
    }

    #[test]
    fn custom_deck_keeps_order_puts_no_opinion_last_and_knows_when_it_is_numeric() {
        let deck = custom(&["?", "1", "2", "4"]).unwrap();
        assert_eq!(deck.labels().collect::<Vec<_>>(), ["1", "2", "4", "?"]);
        assert!(deck.is_numeric());
        assert_eq!(deck.custom_labels().unwrap(), ["1", "2", "4", "?"]);
        assert!(
            !custom(&["4", "2"]).unwrap().is_numeric(),
            "descending numbers"
        );
        assert!(!custom(&["S", "M"]).unwrap().is_numeric());
    }

    #[test]
    fn sizes_are_placed_by_label_name_or_number() {
        let av = Deck::new(DeckKind::Agileventures, None).unwrap();
        let fib = Deck::new(DeckKind::Fibonacci, None).unwrap();
        let tee = Deck::new(DeckKind::Tshirt, None).unwrap();
        let table = [
            (&av, "2", Placement::Card(1)),
            (&av, "Simple", Placement::Card(0)),
            (&av, "hard", Placement::Card(2)),
            (&av, "No-opinion", Placement::NoOpinion),
            (&av, "?", Placement::NoOpinion),
            (&av, "13", Placement::OffDeck(13.0)),
            (&av, "banana", Placement::Unplaceable),
            (&fib, "8", Placement::Card(5)),
            (&fib, "8.0", Placement::Card(5)),
            (&fib, "4", Placement::OffDeck(4.0)),
            (&tee, "XL", Placement::Card(4)),
            (&tee, "5", Placement::Unplaceable),
        ];
        for (deck, size, expected) in table {
            assert_eq!(deck.place(size), expected, "{:?} {size}", deck.kind());
        }
    }
}
