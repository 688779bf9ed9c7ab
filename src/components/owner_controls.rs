use asyncvoter_wire::{Card, VoteDetail, VoteState};
use leptos::prelude::*;

use crate::api;
use crate::task::Task;

/// Reveal, new round and close, or a closed vote's final size changed: for the vote's
/// owner and admins (the server checks too).
#[component]
pub fn OwnerControls(
    /// The vote.
    #[prop(into)]
    vote_id: String,
    /// Its state now.
    state: VoteState,
    /// Its deck, for the final size.
    cards: Vec<Card>,
    /// The final size of a closed vote.
    current_size: Option<String>,
    /// Called after a change, to reload the vote.
    on_change: Callback<()>,
) -> impl IntoView {
    let id = StoredValue::new(vote_id);
    let sizes: Vec<String> = cards
        .into_iter()
        .map(|c| c.label)
        .filter(|l| l != "?")
        .collect();
    let first = current_size.or_else(|| sizes.first().cloned());
    let final_size = RwSignal::new(first.clone().unwrap_or_default());
    let closed = state == VoteState::Closed;
    let task = Task::<VoteDetail>::new();
    let act = move |what: Act| {
        let call = async move {
            let id = id.get_value();
            match what {
                Act::Reveal => api::reveal(&id).await,
                Act::NewRound => api::new_round(&id).await,
                Act::Close(size) => api::close(&id, &size).await,
            }
        };
        task.run(call, move |_| on_change.run(()));
    };
    let busy = move || task.pending();
    view! {
        <section class="panel owner-controls" aria-labelledby="owner-title">
            <h2 id="owner-title">"Run this vote"</h2>
            <div class="owner-controls__row">
                {(state == VoteState::Open).then(|| view! {
                    <button type="button" class="button" disabled=busy on:click=move |_| act(Act::Reveal)>
                        "Reveal now"
                    </button>
                })}
                {(state == VoteState::Revealed).then(|| view! {
                    <button type="button" class="button button--quiet" disabled=busy on:click=move |_| act(Act::NewRound)>
                        "Start a new round"
                    </button>
                })}
            </div>
            <form class="owner-controls__row" on:submit=move |ev| { ev.prevent_default(); act(Act::Close(final_size.get())); }>
                <label class="field field--inline">
                    <span class="field__label">"Final size"</span>
                    <select name="final_size" on:change:target=move |ev| final_size.set(ev.target().value())>
                        {sizes.iter().map(|s| {
                            let selected = first.as_ref() == Some(s);
                            view! { <option value=s.clone() selected=selected>{s.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button button--quiet" disabled=busy>
                    {if closed { "Change final size" } else { "Close the vote" }}
                </button>
            </form>
            {move || task.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
        </section>
    }
}

/// What the owner asked for.
#[derive(Debug, Clone)]
enum Act {
    Reveal,
    NewRound,
    Close(String),
}
