use asyncvoter_wire::VoteState;
use asyncvoter_wire::markup::badge_content;
use leptos::prelude::*;

/// A vote's state in words, with a colour that is never the only cue; the markup list
/// rows use too (`asyncvoter_wire::markup::badge`).
#[component]
pub fn StateBadge(
    /// The state to show.
    state: VoteState,
) -> impl IntoView {
    view! { <span class="badge" data-state=state.as_str() inner_html=badge_content(state)></span> }
}
