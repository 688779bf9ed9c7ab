use asyncvoter_wire::{Ballot, Round};
use leptos::prelude::*;

/// "Why so far apart?": in a revealed round whose cards differ, the lowest and the
/// highest voters with their cards and reasons, before everyone else's.
#[component]
pub fn FarApart(
    /// The round; nothing shows while it is sealed or when everyone agreed.
    round: Round,
) -> impl IntoView {
    let statistics = round.statistics?;
    if statistics.lowest.is_empty() || statistics.highest.is_empty() {
        return None;
    }
    let of = |voters: &[String]| -> Vec<Ballot> {
        round
            .ballots
            .iter()
            .filter(|b| voters.contains(&b.voter.id))
            .cloned()
            .collect()
    };
    let (lowest, highest) = (of(&statistics.lowest), of(&statistics.highest));
    Some(view! {
        <section class="far-apart" aria-labelledby=format!("far-apart-{}", round.number)>
            <h3 class="panel__subtitle" id=format!("far-apart-{}", round.number)>"Why so far apart?"</h3>
            <div class="far-apart__sides">
                <Side title="Lowest" ballots=lowest />
                <Side title="Highest" ballots=highest />
            </div>
        </section>
    })
}

/// One end of the range: each voter there, their card and their reason.
#[component]
fn Side(title: &'static str, ballots: Vec<Ballot>) -> impl IntoView {
    view! {
        <div class="far-apart__side">
            <h4>{title}</h4>
            <ul>
                {ballots
                    .into_iter()
                    .map(|ballot| view! {
                        <li>
                            <span class="far-apart__who">
                                <strong class="far-apart__card">{ballot.card.unwrap_or_default()}</strong>
                                " " {ballot.voter.name}
                            </span>
                            {match ballot.reason {
                                Some(reason) => view! { <blockquote class="far-apart__reason">{reason}</blockquote> }.into_any(),
                                None => view! { <p class="muted">"No reason given."</p> }.into_any(),
                            }}
                        </li>
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}
