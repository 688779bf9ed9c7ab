use asyncvoter_wire::Ballot;
use leptos::prelude::*;

use crate::clock::use_now;
use crate::time;

/// The ballots of a revealed round: who chose which card, and why when they said.
#[component]
pub fn BallotTable(
    /// The round's ballots.
    ballots: Vec<Ballot>,
    /// The table's caption.
    #[prop(into)]
    caption: String,
) -> impl IntoView {
    let now = use_now();
    let with_reasons = ballots.iter().any(|b| b.reason.is_some());
    view! {
        <table class="ballots">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Voter"</th>
                    <th scope="col">"Card"</th>
                    {with_reasons.then(|| view! { <th scope="col">"Reason"</th> })}
                    <th scope="col">"Cast"</th>
                </tr>
            </thead>
            <tbody>
                {ballots
                    .into_iter()
                    .map(|ballot| {
                        let at = ballot.cast_at;
                        view! {
                            <tr>
                                <th scope="row" title=ballot.voter.id>{ballot.voter.name}</th>
                                <td class="ballots__card">{ballot.card.unwrap_or_else(|| "sealed".into())}</td>
                                {with_reasons.then(|| view! { <td class="ballots__reason">{ballot.reason.unwrap_or_default()}</td> })}
                                <td>
                                    <time datetime=time::iso(at) title=time::exact(at)>
                                        {move || time::ago(at, now.get())}
                                    </time>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
