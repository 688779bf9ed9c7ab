//! How a vote is said in words, the same in the dashboard and in the server's first
//! paint of a page: deck names, ballot counts, states, and times such as "3 h ago".

use chrono::{DateTime, Duration, Utc};

use crate::statistics::AgreementLabel;
use crate::vote::{DeckKind, RevealCause, VoteState};

/// The heading of `/`.
pub const ONGOING_TITLE: &str = "Ongoing votes";
/// What `/` is, under its heading.
pub const ONGOING_LEDE: &str =
    "Sealed estimates in progress. Values stay hidden until a vote is revealed.";
/// `/` without a vote.
pub const NOTHING_ONGOING: &str = "No votes are in progress. Start one with New vote, or from Slack, a bot or the API, and it appears here.";

/// Under a sealed round: what nobody sees yet.
pub const SEALED_NOTE: &str = "Estimates and reasons stay sealed until the vote is revealed.";
/// Under the cards a member votes with: how to pick one of these `labels` by keyboard,
/// with examples from the deck itself ("8 for 8, 1 then 3 for 13, ? for no opinion").
pub fn picker_help<'a>(labels: impl IntoIterator<Item = &'a str>) -> String {
    let (mut one, mut longer, mut no_opinion) = (None, None::<&str>, false);
    for label in labels {
        match label.chars().count() {
            1 if label == "?" => no_opinion = true,
            1 => one = Some(label),
            n if longer.is_none_or(|l| n < l.chars().count()) => longer = Some(label),
            _ => {}
        }
    }
    let mut help = String::from("Pick a card");
    let mut typed = false;
    let mut way = |text: &str| {
        help.push_str(if typed { ", " } else { ", or type its value: " });
        help.push_str(text);
        typed = true;
    };
    if let Some(one) = one {
        way(&format!("{one} for {one}"));
    }
    if let Some(longer) = longer {
        let mut keys = String::new();
        for key in longer.chars() {
            if !keys.is_empty() {
                keys.push_str(" then ");
            }
            keys.push(key);
        }
        way(&format!("{keys} for {longer}"));
    }
    if no_opinion {
        way("? for no opinion");
    }
    help.push_str(". Nobody sees it until the reveal.");
    help
}
/// The label of a ballot's reason.
pub const REASON_LABEL: &str = "Why? (optional, sealed like your card)";
/// An example reason.
pub const REASON_PLACEHOLDER: &str = "e.g. The payment provider's sandbox is flaky";
/// Why the deck is shown to someone who cannot vote with it: `open` when the round is.
pub fn deck_for_reference(open: bool) -> &'static str {
    if open {
        "For reference: log in to vote with them."
    } else {
        "For reference: voting in this round is over."
    }
}

/// What revealed a round, after its time: " · quorum reached"; nothing for a person.
pub fn revealed_by(cause: Option<RevealCause>) -> &'static str {
    match cause {
        Some(RevealCause::Quorum) => " · quorum reached",
        Some(RevealCause::Deadline) => " · deadline passed",
        Some(RevealCause::Close) => " · on close",
        Some(RevealCause::AllVoted) => " · everyone voted",
        Some(RevealCause::Manual) | None => "",
    }
}

/// A deck's name as people know it.
pub fn deck_label(kind: DeckKind) -> &'static str {
    match kind {
        DeckKind::Agileventures => "AgileVentures (1–3)",
        DeckKind::Fibonacci => "Fibonacci",
        DeckKind::Tshirt => "T-shirt sizes",
        DeckKind::Custom => "Custom deck",
    }
}

/// How many ballots a round has: "No votes yet", "1 vote", "5 votes".
pub fn ballots(cast: u32) -> String {
    match cast {
        0 => "No votes yet".to_owned(),
        1 => "1 vote".to_owned(),
        n => format!("{n} votes"),
    }
}

/// How many votes a list shows, "shown" when it has more to load.
pub fn listed(count: usize, more: bool) -> String {
    match (count, more) {
        (1, _) => "1 vote".to_owned(),
        (n, false) => format!("{n} votes"),
        (n, true) => format!("{n} votes shown"),
    }
}

/// Who an open vote still waits on, by name: "Ana", "Ana and Ben", "Ana, Ben and 2 more";
/// nothing when nobody.
pub fn waiting_on(names: &[&str]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some((*one).to_owned()),
        [first, second] => Some(format!("{first} and {second}")),
        [first, second, rest @ ..] => Some(format!("{first}, {second} and {} more", rest.len())),
    }
}

/// A vote's state in words, and the symbol beside it (a colour is never the only cue).
pub fn state(state: VoteState) -> (&'static str, &'static str) {
    match state {
        VoteState::Open => ("Voting", "●"),
        VoteState::Revealed => ("Revealed", "◐"),
        VoteState::Closed => ("Closed", "■"),
    }
}

/// How much a round agreed, in a word.
pub fn agreement(label: AgreementLabel) -> &'static str {
    match label {
        AgreementLabel::Unanimous => "Unanimous",
        AgreementLabel::Consensus => "Consensus",
        AgreementLabel::Majority => "Majority",
        AgreementLabel::Plurality => "Plurality",
    }
}

/// How long ago `then` was, seen from `now`: "just now", "5 min ago", "3 h ago", "2 d ago".
pub fn ago(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let elapsed = now - then;
    if elapsed < Duration::minutes(1) {
        "just now".to_owned()
    } else {
        format!("{} ago", span(elapsed))
    }
}

/// How long until `when`, seen from `now`: "in 20 min", or "now" once it has passed.
pub fn until(when: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = when - now;
    if left < Duration::minutes(1) {
        if left <= Duration::zero() {
            "now".to_owned()
        } else {
            "in under a minute".to_owned()
        }
    } else {
        format!("in {}", span(left))
    }
}

/// A duration in its largest sensible unit: "5 min", "3 h", "2 d".
pub fn span(duration: Duration) -> String {
    if duration < Duration::hours(1) {
        format!("{} min", duration.num_minutes())
    } else if duration < Duration::days(2) {
        format!("{} h", duration.num_hours())
    } else {
        format!("{} d", duration.num_days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_a_person_would_say_them() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .to_utc();
        let table = [
            (Duration::seconds(5), "just now"),
            (Duration::minutes(1), "1 min ago"),
            (Duration::minutes(59), "59 min ago"),
            (Duration::hours(3) + Duration::minutes(40), "3 h ago"),
            (Duration::hours(47), "47 h ago"),
            (Duration::days(9), "9 d ago"),
        ];
        for (elapsed, expected) in table {
            assert_eq!(ago(now - elapsed, now), expected);
        }
    }

    #[test]
    fn deadlines_count_down_then_say_now() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(until(now + Duration::minutes(20), now), "in 20 min");
        assert_eq!(until(now + Duration::hours(5), now), "in 5 h");
        assert_eq!(until(now + Duration::seconds(20), now), "in under a minute");
        assert_eq!(until(now - Duration::minutes(3), now), "now");
    }

    #[test]
    fn the_picker_hint_types_cards_of_its_own_deck() {
        let hint = |labels: &[&str]| picker_help(labels.iter().copied());
        assert_eq!(
            hint(&["0", "1", "2", "3", "5", "8", "13", "20", "40", "100", "?"]),
            "Pick a card, or type its value: 8 for 8, 1 then 3 for 13, ? for no opinion. Nobody sees it until the reveal."
        );
        assert_eq!(
            hint(&["XS", "S", "M", "L", "XL", "?"]),
            "Pick a card, or type its value: L for L, X then S for XS, ? for no opinion. Nobody sees it until the reveal."
        );
        assert_eq!(
            hint(&["1", "2", "3", "?"]),
            "Pick a card, or type its value: 3 for 3, ? for no opinion. Nobody sees it until the reveal."
        );
        assert_eq!(
            hint(&["½", "10", "100"]),
            "Pick a card, or type its value: ½ for ½, 1 then 0 for 10. Nobody sees it until the reveal."
        );
        assert_eq!(hint(&[]), "Pick a card. Nobody sees it until the reveal.");
    }

    #[test]
    fn counts_read_as_words() {
        assert_eq!(ballots(0), "No votes yet");
        assert_eq!(ballots(1), "1 vote");
        assert_eq!(ballots(7), "7 votes");
        assert_eq!(listed(1, true), "1 vote");
        assert_eq!(listed(50, true), "50 votes shown");
        assert_eq!(listed(3, false), "3 votes");
        assert_eq!(waiting_on(&[]), None);
        assert_eq!(waiting_on(&["Ana", "Ben"]).unwrap(), "Ana and Ben");
        assert_eq!(
            waiting_on(&["A", "B", "C", "D"]).unwrap(),
            "A, B and 2 more"
        );
    }
}
