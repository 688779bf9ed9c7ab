use asyncvoter_wire::ListState;
use leptos::prelude::*;

use crate::components::VoteListView;
use crate::routes;

/// `/`: every open or revealed vote.
#[component]
pub fn OngoingPage() -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>"Ongoing votes"</h1>
            <p class="lede">"Sealed estimates in progress. Values stay hidden until a vote is revealed."</p>
        </div>
        <VoteListView
            base=routes::HOME
            state=ListState::Ongoing
            empty="No votes are in progress. Start one from Slack, a bot or the API, and it appears here."
        />
    }
}
