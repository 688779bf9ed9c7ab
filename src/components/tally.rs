use asyncvoter_wire::markup::tally_content;
use leptos::prelude::*;

/// How many have voted, and the way to the quorum when there is one; the markup list rows
/// use too (`asyncvoter_wire::markup::tally`).
#[component]
pub fn Tally(
    /// Ballots cast.
    cast: u32,
    /// Ballots that reveal the vote.
    quorum: Option<u32>,
) -> impl IntoView {
    view! { <div class="tally" inner_html=tally_content(cast, quorum)></div> }
}
