use asyncvoter_wire::VoteState;
use leptos::prelude::*;

/// A vote's state in words, with a colour that is never the only cue.
#[component]
pub fn StateBadge(
    /// The state to show.
    state: VoteState,
) -> impl IntoView {
    let (label, icon) = match state {
        VoteState::Open => ("Voting", "●"),
        VoteState::Revealed => ("Revealed", "◐"),
        VoteState::Closed => ("Closed", "■"),
    };
    view! {
        <span class="badge" data-state=state.as_str()>
            <span aria-hidden="true">{icon}</span>
            " "
            {label}
        </span>
    }
}
