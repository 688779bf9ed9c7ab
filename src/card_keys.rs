//! Picking a card by typing its label: `3` picks 3, `1` then `3` within a second picks 13,
//! `x` then `l` picks XL, `?` picks no opinion. A label that begins a longer one (1 and 13)
//! is picked once a second passes without another key.

/// How long after a key the next one still continues the same label, in milliseconds.
pub const PAUSE_MS: f64 = 1000.0;

/// What a key leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// Pick this card now.
    Pick(String),
    /// Wait for another key; pick this card, if any, when none comes within [`PAUSE_MS`].
    Wait(Option<String>),
    /// The key picks nothing.
    Nothing,
}

/// The labels of a deck and what was typed lately.
#[derive(Debug, Clone)]
pub struct CardKeys {
    labels: Vec<String>,
    typed: String,
    last_ms: f64,
}

impl CardKeys {
    /// Keys for a deck of these labels.
    pub fn new(labels: Vec<String>) -> CardKeys {
        CardKeys {
            labels,
            typed: String::new(),
            last_ms: f64::NEG_INFINITY,
        }
    }

    /// A key (`KeyboardEvent.key`) pressed at `now_ms`.
    pub fn press(&mut self, key: &str, now_ms: f64) -> Typed {
        if key.chars().count() != 1 {
            return Typed::Nothing;
        }
        let continuing = !self.typed.is_empty() && now_ms - self.last_ms <= PAUSE_MS;
        self.last_ms = now_ms;
        if continuing {
            let longer = format!("{}{key}", self.typed);
            match self.judge(&longer) {
                Typed::Nothing => {}
                outcome => return outcome,
            }
        }
        self.judge(key)
    }

    fn judge(&mut self, typed: &str) -> Typed {
        let exact = self.labels.iter().find(|l| l.eq_ignore_ascii_case(typed));
        let begins_longer = self.labels.iter().any(|l| {
            l.len() > typed.len()
                && l.get(..typed.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(typed))
        });
        match (exact.cloned(), begins_longer) {
            (Some(label), false) => {
                self.typed.clear();
                Typed::Pick(label)
            }
            (exact, true) => {
                self.typed = typed.to_owned();
                Typed::Wait(exact)
            }
            (None, false) => {
                self.typed.clear();
                Typed::Nothing
            }
        }
    }

    /// The pause after the last key ran out: nothing typed continues any more.
    pub fn pause(&mut self) {
        self.typed.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deck(labels: &[&str]) -> CardKeys {
        CardKeys::new(labels.iter().map(|l| (*l).to_owned()).collect())
    }

    const FIBONACCI: [&str; 9] = ["0", "1", "2", "3", "5", "8", "13", "21", "?"];

    #[test]
    fn a_key_picks_the_card_it_types_not_the_card_at_that_place() {
        let mut keys = deck(&FIBONACCI);
        assert_eq!(keys.press("3", 0.0), Typed::Pick("3".into()));
        assert_eq!(keys.press("8", 5_000.0), Typed::Pick("8".into()));
        assert_eq!(keys.press("0", 10_000.0), Typed::Pick("0".into()));
        assert_eq!(keys.press("?", 15_000.0), Typed::Pick("?".into()));
        assert_eq!(keys.press("4", 20_000.0), Typed::Nothing, "no card 4");
        assert_eq!(keys.press("Shift", 25_000.0), Typed::Nothing);
    }

    #[test]
    fn two_keys_within_a_second_type_a_longer_label() {
        let mut keys = deck(&FIBONACCI);
        assert_eq!(keys.press("1", 0.0), Typed::Wait(Some("1".into())));
        assert_eq!(keys.press("3", 400.0), Typed::Pick("13".into()));
        assert_eq!(keys.press("2", 2_000.0), Typed::Wait(Some("2".into())));
        keys.pause();
        assert_eq!(
            keys.press("1", 3_500.0),
            Typed::Wait(Some("1".into())),
            "a new start"
        );
        assert_eq!(
            keys.press("5", 3_900.0),
            Typed::Pick("5".into()),
            "15 is no card: 5"
        );
    }

    #[test]
    fn letters_ignore_case_and_wait_for_the_rest_of_the_label() {
        let mut keys = deck(&["XS", "S", "M", "L", "XL", "?"]);
        assert_eq!(keys.press("x", 0.0), Typed::Wait(None));
        assert_eq!(keys.press("l", 300.0), Typed::Pick("XL".into()));
        assert_eq!(keys.press("s", 2_000.0), Typed::Pick("S".into()));
        assert_eq!(keys.press("X", 4_000.0), Typed::Wait(None));
        assert_eq!(
            keys.press("S", 6_000.0),
            Typed::Pick("S".into()),
            "too late for XS"
        );
    }
}
