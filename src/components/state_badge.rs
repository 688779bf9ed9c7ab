use asyncvoter_wire::VoteState;
use leptos::prelude::*;

/// A vote's state in words, with a colour that is never the only cue.
#[component]
pub fn StateBadge(
    /// The state to show.
    state: VoteState,
) -> impl IntoView {
    let (label, icon) = asyncvoter_wire::words::state(state);
    view! {
        <span class="badge" data-state=state.as_str()>
            <span aria-hidden="true">{icon}</span>
            " "
            {label}
        </span>
    }
}
