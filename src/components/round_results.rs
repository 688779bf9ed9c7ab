//! A revealed round's numbers: its distribution chart and the statistics a team talks
//! about, computed by the server's estimation crate.

use asyncvoter_wire::{Ballot, Round, Statistics};
use leptos::prelude::*;

use crate::components::chart::{Bar, ColumnChart, Headers};
use crate::numbers::{decimal, percent};

const NO_OPINION: &str = "?";

/// The chart and the statistics of a revealed round; nothing for a sealed one.
#[component]
pub fn RoundResults(
    /// The round; only a revealed round carries statistics.
    round: Round,
    /// Whether the deck has a `?` card, drawn apart from the others.
    with_no_opinion: bool,
) -> impl IntoView {
    let statistics = round.statistics?;
    let number = round.number;
    let summary = format!(
        "{} of {} ballots counted; most chosen {}.",
        statistics.counted,
        statistics.cast,
        most_chosen(&statistics)
    );
    Some(view! {
        <div class="results">
            <ColumnChart
                id=format!("round-{number}-chart")
                title=format!("Ballots per card, round {number}")
                summary
                bars=distribution(&statistics, with_no_opinion)
                headers=Headers { label: "Card", value: "Ballots", note: Some("Share") }
            />
            <ResultFacts statistics ballots=round.ballots />
        </div>
    })
}

/// One bar per card in deck order, the mode(s) highlighted, `?` apart at the end.
pub fn distribution(statistics: &Statistics, with_no_opinion: bool) -> Vec<Bar> {
    let mut bars: Vec<Bar> = statistics
        .counts
        .iter()
        .map(|count| Bar {
            label: count.card.clone(),
            value: count.count,
            note: Some(percent(count.share)),
            highlight: count.count > 0 && statistics.modes.contains(&count.card),
            apart: false,
        })
        .collect();
    if with_no_opinion || statistics.no_opinion > 0 {
        bars.push(Bar {
            note: Some("no opinion".into()),
            apart: true,
            ..Bar::new(NO_OPINION, statistics.no_opinion)
        });
    }
    bars
}

fn most_chosen(statistics: &Statistics) -> String {
    match statistics.modes.as_slice() {
        [] => "none".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Agreement, middle, spread, consensus and who should speak first.
#[component]
fn ResultFacts(statistics: Statistics, ballots: Vec<Ballot>) -> impl IntoView {
    let agreement = statistics.agreement_label.map(|label| {
        format!(
            "{} · {}",
            asyncvoter_wire::words::agreement(label),
            percent(statistics.agreement)
        )
    });
    let counted = match statistics.no_opinion {
        0 => format!("{} of {}", statistics.counted, statistics.cast),
        n => format!(
            "{} of {} ({n} no opinion)",
            statistics.counted, statistics.cast
        ),
    };
    let spread = match statistics.spread {
        0 => "None".to_owned(),
        1 => "1 card".to_owned(),
        n => format!("{n} cards"),
    };
    let flagged = statistics.spread_flagged;
    view! {
        <dl class="facts facts--results">
            <Fact term="Counted" value=Some(counted) />
            <Fact term="Agreement" value=agreement />
            <Fact term="Median" value=statistics.median.clone() />
            <Fact term="Mean" value=statistics.mean.map(|m| decimal(m, 1)) />
            <div class:facts__flag=flagged>
                <dt>"Spread"</dt>
                <dd>
                    {spread}
                    {flagged.then(|| view! { <span class="flag">"⚑ Far apart: talk it through"</span> })}
                </dd>
            </div>
            <Fact term="Consensus" value=statistics.consensus.map(|c| format!("{} of 1", decimal(c, 2))) />
            <Fact term="Lowest" value=speakers(&statistics.lowest, &ballots) />
            <Fact term="Highest" value=speakers(&statistics.highest, &ballots) />
        </dl>
    }
}

/// One term of the facts list; nothing when there is no value.
#[component]
fn Fact(term: &'static str, value: Option<String>) -> impl IntoView {
    value.map(|value| view! { <div><dt>{term}</dt><dd>{value}</dd></div> })
}

/// The voters on an extreme card by name, with their card: "Ada, Bob (13)".
fn speakers(voters: &[String], ballots: &[Ballot]) -> Option<String> {
    let on_it: Vec<&Ballot> = ballots
        .iter()
        .filter(|b| voters.contains(&b.voter.id))
        .collect();
    let card = on_it.first()?.card.clone()?;
    let names: Vec<&str> = on_it.iter().map(|b| b.voter.name.as_str()).collect();
    Some(format!("{} ({card})", names.join(", ")))
}

/// How the distribution and consensus moved from round to round.
#[component]
pub fn RoundsCompared(
    /// Every revealed round, oldest first.
    rounds: Vec<Round>,
) -> impl IntoView {
    let mut previous: Option<f64> = None;
    let rows = rounds
        .into_iter()
        .filter_map(|round| Some((round.number, round.statistics?)))
        .map(|(number, statistics)| {
            let trend = trend(previous, statistics.consensus);
            previous = statistics.consensus.or(previous);
            view! {
                <tr>
                    <th scope="row">{format!("Round {number}")}</th>
                    <td>{spread_text(&statistics)}</td>
                    <td>{most_chosen(&statistics)}</td>
                    <td class="num">{percent(statistics.agreement)}</td>
                    <td class="num">{statistics.consensus.map(|c| decimal(c, 2)).unwrap_or_else(|| "—".into())} " " {trend}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
        <table class="data-table rounds-compared">
            <caption>"Round by round"</caption>
            <thead>
                <tr>
                    <th scope="col">"Round"</th>
                    <th scope="col">"Ballots per card"</th>
                    <th scope="col">"Most chosen"</th>
                    <th scope="col" class="num">"Agreement"</th>
                    <th scope="col" class="num">"Consensus"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
    }
}

/// The non-empty cards of a round: "3×5, 2×8".
fn spread_text(statistics: &Statistics) -> String {
    let parts = statistics.chosen_cards();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

/// "▲ closer", "▼ further apart" or nothing, against the previous round's consensus.
fn trend(previous: Option<f64>, current: Option<f64>) -> &'static str {
    match (previous, current) {
        (Some(before), Some(now)) if now > before + 0.005 => "▲ closer",
        (Some(before), Some(now)) if now < before - 0.005 => "▼ further apart",
        (Some(_), Some(_)) => "= same",
        _ => "",
    }
}
