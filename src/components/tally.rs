use leptos::prelude::*;

/// How many have voted, and the way to the quorum when there is one.
#[component]
pub fn Tally(
    /// Ballots cast.
    cast: u32,
    /// Ballots that reveal the vote.
    quorum: Option<u32>,
) -> impl IntoView {
    let voted = asyncvoter_wire::words::ballots(cast);
    view! {
        <div class="tally">
            <span class="tally__count">{voted}</span>
            {quorum.map(|quorum| {
                let label = format!("{} of {quorum} for quorum", cast.min(quorum));
                view! {
                    <span class="tally__quorum">
                        <progress max=quorum value=cast.min(quorum) aria-label=label.clone()></progress>
                        <span>{label}</span>
                    </span>
                }
            })}
        </div>
    }
}
