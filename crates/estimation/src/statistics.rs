//! The statistics of a revealed round.

use asyncvoter_wire::{AgreementLabel, CardCount, Statistics};

use crate::deck::{Deck, Placement};

/// A point on a round's scale: the deck's ordered cards plus any off-deck numbers cast.
struct Step {
    label: String,
    value: Option<f64>,
    off_deck: bool,
}

/// Computes the statistics of one round from `(voter, size)` ballots.
///
/// `?` ballots and sizes the deck cannot place count as cast but not in the numbers.
pub fn statistics<'a>(
    deck: &Deck,
    ballots: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Statistics {
    let ballots: Vec<(&str, Placement)> = ballots
        .into_iter()
        .map(|(voter, size)| (voter, deck.place(size)))
        .collect();
    let cast = ballots.len();
    let no_opinion = ballots
        .iter()
        .filter(|(_, p)| *p == Placement::NoOpinion)
        .count();
    let scale = scale(deck, &ballots);
    // (voter, step on the scale) for every ballot that counts.
    let counted: Vec<(&str, usize)> = ballots
        .iter()
        .filter_map(|(voter, placement)| step_of(&scale, deck, *placement).map(|s| (*voter, s)))
        .collect();
    let n = counted.len();
    let mut tally = vec![0u32; scale.len()];
    for (_, step) in &counted {
        tally[*step] += 1;
    }
    let share = |count: u32| {
        if n == 0 {
            0.0
        } else {
            f64::from(count) / n as f64
        }
    };
    let top = tally.iter().copied().max().unwrap_or(0);
    let modes = if n == 0 {
        Vec::new()
    } else {
        scale
            .iter()
            .zip(&tally)
            .filter(|(_, count)| **count == top)
            .map(|(step, _)| step.label.clone())
            .collect()
    };
    let agreement = share(top);
    let lowest_step = counted.iter().map(|(_, s)| *s).min();
    let highest_step = counted.iter().map(|(_, s)| *s).max();
    let spread = match (lowest_step, highest_step) {
        (Some(lo), Some(hi)) => (hi - lo) as u32,
        _ => 0,
    };
    let voters_on = |step: Option<usize>| -> Vec<String> {
        if spread == 0 {
            return Vec::new();
        }
        counted
            .iter()
            .filter(|(_, s)| Some(*s) == step)
            .map(|(voter, _)| (*voter).to_owned())
            .collect()
    };
    Statistics {
        cast: cast as u32,
        counted: n as u32,
        no_opinion: no_opinion as u32,
        counts: scale
            .iter()
            .zip(&tally)
            .filter(|(step, count)| !step.off_deck || **count > 0)
            .map(|(step, count)| CardCount {
                card: step.label.clone(),
                count: *count,
                share: share(*count),
                off_deck: step.off_deck,
            })
            .collect(),
        modes,
        agreement,
        agreement_label: (n > 0).then(|| label(agreement)),
        median: median(&counted).map(|s| scale[s].label.clone()),
        mean: mean(&scale, &counted, deck.is_numeric()),
        spread,
        spread_flagged: spread >= 2,
        consensus: consensus(&counted, scale.len()),
        lowest: voters_on(lowest_step),
        highest: voters_on(highest_step),
    }
}

/// The deck's ordered cards, with off-deck numbers merged in by value.
fn scale(deck: &Deck, ballots: &[(&str, Placement)]) -> Vec<Step> {
    let mut scale: Vec<Step> = deck
        .ordered()
        .map(|(label, value)| Step {
            label: label.to_owned(),
            value,
            off_deck: false,
        })
        .collect();
    for (_, placement) in ballots {
        if let Placement::OffDeck(v) = placement
            && !scale.iter().any(|s| s.value == Some(*v))
        {
            scale.push(Step {
                label: format_number(*v),
                value: Some(*v),
                off_deck: true,
            });
        }
    }
    // Off-deck numbers only occur on numeric decks, where every step has a value.
    scale.sort_by(|a, b| {
        a.value
            .partial_cmp(&b.value)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    scale
}

fn step_of(scale: &[Step], deck: &Deck, placement: Placement) -> Option<usize> {
    match placement {
        Placement::Card(i) => {
            let label = deck.ordered().nth(i)?.0;
            scale.iter().position(|s| !s.off_deck && s.label == label)
        }
        Placement::OffDeck(v) => scale.iter().position(|s| s.value == Some(v)),
        Placement::NoOpinion | Placement::Unplaceable => None,
    }
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

fn label(agreement: f64) -> AgreementLabel {
    if agreement >= 1.0 {
        AgreementLabel::Unanimous
    } else if agreement >= 0.75 {
        AgreementLabel::Consensus
    } else if agreement >= 0.5 {
        AgreementLabel::Majority
    } else {
        AgreementLabel::Plurality
    }
}

/// The lower middle step of the counted ballots.
fn median(counted: &[(&str, usize)]) -> Option<usize> {
    let mut steps: Vec<usize> = counted.iter().map(|(_, s)| *s).collect();
    steps.sort_unstable();
    steps.get(steps.len().checked_sub(1)? / 2).copied()
}

fn mean(scale: &[Step], counted: &[(&str, usize)], numeric: bool) -> Option<f64> {
    if !numeric || counted.is_empty() {
        return None;
    }
    let sum: f64 = counted.iter().filter_map(|(_, s)| scale[*s].value).sum();
    Some(sum / counted.len() as f64)
}

/// Tastle and Wierman's ordinal consensus: `1 + Σ pᵢ·log₂(1 − |Xᵢ − μ| / d)`, with the
/// scale's steps as `X` and its width as `d`. 1 when all agree, 0 when split between the
/// two extreme cards.
fn consensus(counted: &[(&str, usize)], scale_len: usize) -> Option<f64> {
    if counted.is_empty() || scale_len < 2 {
        return None;
    }
    let n = counted.len() as f64;
    let width = (scale_len - 1) as f64;
    let mu = counted.iter().map(|(_, s)| *s as f64).sum::<f64>() / n;
    let sum: f64 = counted
        .iter()
        .map(|(_, s)| (1.0 - (*s as f64 - mu).abs() / width).log2() / n)
        .sum();
    Some((1.0 + sum).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncvoter_wire::DeckKind;

    fn deck(kind: DeckKind) -> Deck {
        Deck::new(kind, None).unwrap()
    }

    /// Ballots `a:5 b:8` → statistics.
    fn stats(kind: DeckKind, ballots: &str) -> Statistics {
        let pairs: Vec<(&str, &str)> = ballots
            .split_whitespace()
            .map(|b| b.split_once(':').unwrap())
            .collect();
        statistics(&deck(kind), pairs)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// One row: ballots → (cast, counted, no_opinion, modes, agreement, label, median,
    /// mean, spread, consensus, lowest, highest), every value worked out by hand.
    struct Row {
        why: &'static str,
        deck: DeckKind,
        ballots: &'static str,
        cast: u32,
        counted: u32,
        no_opinion: u32,
        modes: &'static [&'static str],
        agreement: f64,
        label: Option<AgreementLabel>,
        median: Option<&'static str>,
        mean: Option<f64>,
        spread: u32,
        consensus: Option<f64>,
        lowest: &'static [&'static str],
        highest: &'static [&'static str],
    }

    const ROWS: &[Row] = &[
        Row {
            why: "all ballots equal: unanimous, consensus 1",
            deck: DeckKind::Fibonacci,
            ballots: "a:5 b:5 c:5 d:5",
            cast: 4,
            counted: 4,
            no_opinion: 0,
            modes: &["5"],
            agreement: 1.0,
            label: Some(AgreementLabel::Unanimous),
            median: Some("5"),
            mean: Some(5.0),
            spread: 0,
            consensus: Some(1.0),
            lowest: &[],
            highest: &[],
        },
        Row {
            // Steps 0 and 7 of 0..7: μ = 3.5, |x − μ|/7 = 0.5, log₂ 0.5 = −1 → 1 − 1 = 0.
            why: "split evenly between the two extreme cards: consensus 0",
            deck: DeckKind::Fibonacci,
            ballots: "a:0 b:21 c:0 d:21",
            cast: 4,
            counted: 4,
            no_opinion: 0,
            modes: &["0", "21"],
            agreement: 0.5,
            label: Some(AgreementLabel::Majority),
            median: Some("0"),
            mean: Some(10.5),
            spread: 7,
            consensus: Some(0.0),
            lowest: &["a", "c"],
            highest: &["b", "d"],
        },
        Row {
            why: "`?` counts as cast but not in the numbers",
            deck: DeckKind::Fibonacci,
            ballots: "a:3 b:? c:3",
            cast: 3,
            counted: 2,
            no_opinion: 1,
            modes: &["3"],
            agreement: 1.0,
            label: Some(AgreementLabel::Unanimous),
            median: Some("3"),
            mean: Some(3.0),
            spread: 0,
            consensus: Some(1.0),
            lowest: &[],
            highest: &[],
        },
        Row {
            // Steps 1 2 2 3 of 0..4: μ = 2; S and L are 1/4 away: 1 + 2·¼·log₂ ¾ = 0.792481…
            why: "t-shirt sizes: ordinal, no mean",
            deck: DeckKind::Tshirt,
            ballots: "a:S b:M c:M d:L",
            cast: 4,
            counted: 4,
            no_opinion: 0,
            modes: &["M"],
            agreement: 0.5,
            label: Some(AgreementLabel::Majority),
            median: Some("M"),
            mean: None,
            spread: 2,
            consensus: Some(0.792_481_250_360_578_1),
            lowest: &["a"],
            highest: &["d"],
        },
        Row {
            // 3 of 4 on 2: 0.75. Steps 0 1 1 1 of 0..2: μ = 0.75;
            // ¼·log₂(1 − 0.75/2) + ¾·log₂(1 − 0.25/2) = ¼·log₂ 0.625 + ¾·log₂ 0.875 = −0.31400…
            why: "three of four agree: consensus label",
            deck: DeckKind::Agileventures,
            ballots: "a:1 b:2 c:2 d:2",
            cast: 4,
            counted: 4,
            no_opinion: 0,
            modes: &["2"],
            agreement: 0.75,
            label: Some(AgreementLabel::Consensus),
            median: Some("2"),
            mean: Some(1.75),
            spread: 1,
            consensus: Some(0.685_998_215_265_043_7),
            lowest: &["a"],
            highest: &["b", "c", "d"],
        },
        Row {
            // 2 of 5 on 8, the rest single: plurality 0.4; sorted 3 5 8 8 13 → median 8.
            why: "the most chosen card has under half: plurality",
            deck: DeckKind::Fibonacci,
            ballots: "a:8 b:3 c:8 d:13 e:5",
            cast: 5,
            counted: 5,
            no_opinion: 0,
            modes: &["8"],
            agreement: 0.4,
            label: Some(AgreementLabel::Plurality),
            median: Some("8"),
            mean: Some(7.4),
            spread: 3,
            // Steps 3 4 5 5 6 of 0..7, μ = 4.6:
            // 1 + ⅕[log₂(1−1.6/7) + log₂(1−0.6/7) + 2·log₂(1−0.4/7) + log₂(1−1.4/7)]
            consensus: Some(0.800_923_115_642_629_4),
            lowest: &["b"],
            highest: &["d"],
        },
        Row {
            // Simple/Medium/Hard read as 1/2/3; 13 joins the scale as an off-deck step:
            // steps 0 1 2 3; median the lower middle (Medium → 2); mean (1+2+3+13)/4.
            why: "2016 sizes: names, No-opinion and a number off the deck",
            deck: DeckKind::Agileventures,
            ballots: "a:Simple b:2 c:Hard d:No-opinion e:13",
            cast: 5,
            counted: 4,
            no_opinion: 1,
            modes: &["1", "2", "3", "13"],
            agreement: 0.25,
            label: Some(AgreementLabel::Plurality),
            median: Some("2"),
            mean: Some(4.75),
            spread: 3,
            // Steps 0 1 2 3 of 0..3, μ = 1.5: 1 + ½[log₂(1−1.5/3) + log₂(1−0.5/3)] = 0.368483…
            consensus: Some(0.368_482_797_083_103_05),
            lowest: &["a"],
            highest: &["e"],
        },
        Row {
            why: "only `?`: nothing to compute",
            deck: DeckKind::Tshirt,
            ballots: "a:? b:?",
            cast: 2,
            counted: 0,
            no_opinion: 2,
            modes: &[],
            agreement: 0.0,
            label: None,
            median: None,
            mean: None,
            spread: 0,
            consensus: None,
            lowest: &[],
            highest: &[],
        },
        Row {
            why: "no ballots",
            deck: DeckKind::Fibonacci,
            ballots: "",
            cast: 0,
            counted: 0,
            no_opinion: 0,
            modes: &[],
            agreement: 0.0,
            label: None,
            median: None,
            mean: None,
            spread: 0,
            consensus: None,
            lowest: &[],
            highest: &[],
        },
    ];

    #[test]
    fn statistics_match_hand_worked_values() {
        for row in ROWS {
            let s = stats(row.deck, row.ballots);
            let why = row.why;
            assert_eq!(
                (s.cast, s.counted, s.no_opinion),
                (row.cast, row.counted, row.no_opinion),
                "{why}: cast/counted/no_opinion"
            );
            assert_eq!(s.modes, row.modes, "{why}: modes");
            assert!(
                close(s.agreement, row.agreement),
                "{why}: agreement {}",
                s.agreement
            );
            assert_eq!(s.agreement_label, row.label, "{why}: label");
            assert_eq!(s.median.as_deref(), row.median, "{why}: median");
            match (s.mean, row.mean) {
                (Some(a), Some(b)) => assert!(close(a, b), "{why}: mean {a} ≠ {b}"),
                (a, b) => assert_eq!(a, b, "{why}: mean"),
            }
            assert_eq!(s.spread, row.spread, "{why}: spread");
            assert_eq!(s.spread_flagged, row.spread >= 2, "{why}: spread flag");
            match (s.consensus, row.consensus) {
                (Some(a), Some(b)) => assert!(close(a, b), "{why}: consensus {a} ≠ {b}"),
                (a, b) => assert_eq!(a, b, "{why}: consensus"),
            }
            assert_eq!(s.lowest, row.lowest, "{why}: lowest");
            assert_eq!(s.highest, row.highest, "{why}: highest");
        }
    }

    #[test]
    fn counts_list_every_card_in_deck_order_with_shares() {
        let s = stats(DeckKind::Tshirt, "a:S b:M c:M d:L e:?");
        let counts: Vec<(&str, u32)> = s
            .counts
            .iter()
            .map(|c| (c.card.as_str(), c.count))
            .collect();
        assert_eq!(counts, [("XS", 0), ("S", 1), ("M", 2), ("L", 1), ("XL", 0)]);
        assert!(close(s.counts[2].share, 0.5));
        assert!(s.counts.iter().all(|c| !c.off_deck));
    }

    #[test]
    fn off_deck_sizes_are_marked_and_sorted_in_by_value() {
        let s = stats(DeckKind::Agileventures, "a:13 b:1 c:2.5");
        let counts: Vec<(&str, u32, bool)> = s
            .counts
            .iter()
            .map(|c| (c.card.as_str(), c.count, c.off_deck))
            .collect();
        assert_eq!(
            counts,
            [
                ("1", 1, false),
                ("2", 0, false),
                ("2.5", 1, true),
                ("3", 0, false),
                ("13", 1, true)
            ]
        );
    }

    #[test]
    fn unplaceable_sizes_count_as_cast_only() {
        let s = stats(DeckKind::Tshirt, "a:M b:banana");
        assert_eq!((s.cast, s.counted, s.no_opinion), (2, 1, 0));
    }
}
