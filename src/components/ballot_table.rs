use asyncvoter_wire::Ballot;
use leptos::prelude::*;

use crate::clock::use_now;
use crate::time;

/// The ballots of a revealed round: who chose which card.
#[component]
pub fn BallotTable(
    /// The round's ballots.
    ballots: Vec<Ballot>,
    /// The table's caption.
    #[prop(into)]
    caption: String,
) -> impl IntoView {
    let now = use_now();
    view! {
        <table class="ballots">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Voter"</th>
                    <th scope="col">"Card"</th>
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
