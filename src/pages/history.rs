use asyncvoter_wire::ListState;
use leptos::prelude::*;

use crate::components::VoteListView;
use crate::routes;

/// `/history`: closed votes and their final sizes.
#[component]
pub fn HistoryPage() -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>"History"</h1>
            <p class="lede">"Closed votes with the size the team settled on."</p>
        </div>
        <VoteListView base=routes::HISTORY state=ListState::Closed empty="No vote has been closed yet." />
    }
}
