use asyncvoter_wire::{VoteDetail, VotePatch, Voter};
use leptos::prelude::*;

use crate::api;
use crate::components::voter_picker::people;
use crate::components::{Checkbox, Disclosure, VoterPicker};
use crate::fetch::Fetch;
use crate::task::Task;

/// Changing who an open vote waits on, for its owner and admins: the members to choose
/// from, anyone already expected who is not one, and whether it reveals once all voted.
#[component]
pub fn WaitsOnEditor(
    /// The vote.
    #[prop(into)]
    vote_id: String,
    /// Who it waits on now.
    expected: Vec<Voter>,
    /// Whether it reveals once every expected voter has voted.
    reveal_when_all_voted: bool,
    /// Called after a change, to reload the vote.
    on_change: Callback<()>,
) -> impl IntoView {
    let id = StoredValue::new(vote_id);
    let members = Fetch::new(api::active_members);
    let chosen = RwSignal::new(expected.iter().map(|v| v.id.clone()).collect::<Vec<_>>());
    let reveal = RwSignal::new(reveal_when_all_voted || expected.is_empty());
    let summary = match expected.len() {
        0 => "Choose who it waits on".to_owned(),
        n => format!("Change who it waits on ({n})"),
    };
    let options = Signal::derive(move || {
        people(
            members.get().and_then(Result::ok).unwrap_or_default(),
            &expected,
        )
    });
    let save = Task::<VoteDetail>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let patch = VotePatch {
            expected_voters: Some(chosen.get()),
            reveal_when_all_voted: Some(reveal.get()),
            ..VotePatch::default()
        };
        save.run(
            async move { api::change_vote(&id.get_value(), &patch).await },
            move |_| on_change.run(()),
        );
    };
    view! {
        <Disclosure class="waits-on" summary>
            <form class="form" on:submit=submit>
                <VoterPicker options chosen />
                <Checkbox name="reveal_when_all_voted" checked=reveal label="Reveal as soon as everyone chosen has voted" />
                {move || save.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button type="submit" class="button button--quiet" disabled=move || save.pending()>"Save who it waits on"</button>
            </form>
        </Disclosure>
    }
}
