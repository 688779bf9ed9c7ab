use asyncvoter_wire::{Card, VoteDetail, VoteState, Voter};
use leptos::prelude::*;

use crate::api;
use crate::task::Task;

/// Reveal, new round and close, a closed vote's final size changed or the vote re-opened,
/// and deleting it: for the vote's owner and admins (the server checks too). What cannot
/// be taken back asks first: closing an open vote (it reveals every ballot), revealing
/// while expected voters have not voted, re-opening (the final size is cleared) and
/// deleting.
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
    /// The size to start the choice on: the last revealed round's most chosen card.
    suggested: Option<String>,
    /// Expected voters who have not voted in the open round.
    #[prop(into)]
    waiting_on: Signal<Vec<Voter>>,
    /// Called after a change, to reload the vote.
    on_change: Callback<()>,
) -> impl IntoView {
    let id = StoredValue::new(vote_id);
    let sizes: Vec<String> = cards
        .into_iter()
        .map(|c| c.label)
        .filter(|l| l != "?")
        .collect();
    let current = StoredValue::new(current_size.clone());
    let first = current_size.or(suggested);
    let final_size = RwSignal::new(first.clone().unwrap_or_default());
    let open = state == VoteState::Open;
    let closed = state == VoteState::Closed;
    let task = Task::<VoteDetail>::new();
    let deleting = Task::<()>::new();
    let navigate = crate::navigation::use_navigate();
    // The step waiting for a second click, with what it will do.
    let confirming = RwSignal::new(None::<Act>);
    let act = move |what: Act| {
        confirming.set(None);
        if what == Act::Delete {
            let navigate = navigate.clone();
            let call = async move { api::delete_vote(&id.get_value()).await };
            deleting.run(call, move |_| navigate("/", Default::default()));
            return;
        }
        let call = async move {
            let id = id.get_value();
            match what {
                Act::Reveal => api::reveal(&id).await,
                Act::NewRound | Act::Reopen => api::new_round(&id).await,
                Act::Close(size) => api::close(&id, &size).await,
                Act::Delete => unreachable!("deleted above"),
            }
        };
        task.run(call, move |_| on_change.run(()));
    };
    let act = StoredValue::new(act);
    let act = move |what: Act| act.with_value(|act| act(what));
    let reveal = move |_| {
        if !waiting_on.with(Vec::is_empty) {
            confirming.set(Some(Act::Reveal));
        } else {
            act(Act::Reveal);
        }
    };
    let close = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let size = final_size.get();
        if open {
            confirming.set(Some(Act::Close(size)));
        } else {
            act(Act::Close(size));
        }
    };
    let busy = move || task.pending() || deleting.pending();
    let no_size = move || final_size.with(String::is_empty);
    view! {
        <section class="panel owner-controls" aria-labelledby="owner-title">
            <h2 id="owner-title">"Run this vote"</h2>
            <div class="owner-controls__row">
                {open.then(|| view! {
                    <button type="button" class="button" disabled=busy on:click=reveal>
                        "Reveal now"
                    </button>
                })}
                {(state == VoteState::Revealed).then(|| view! {
                    <button type="button" class="button button--quiet" disabled=busy on:click=move |_| act(Act::NewRound)>
                        "Start a new round"
                    </button>
                })}
                {closed.then(|| view! {
                    <button type="button" class="button button--quiet" disabled=busy on:click=move |_| confirming.set(Some(Act::Reopen))>
                        "Re-open for a new round"
                    </button>
                })}
                <button type="button" class="button button--quiet button--danger" disabled=busy on:click=move |_| confirming.set(Some(Act::Delete))>
                    "Delete the vote"
                </button>
            </div>
            <form class="owner-controls__row" on:submit=close>
                <label class="field field--inline">
                    <span class="field__label">"Final size"</span>
                    <select name="final_size" on:change:target=move |ev| final_size.set(ev.target().value())>
                        {first.is_none().then(|| view! { <option value="" selected=true disabled=true>"Choose…"</option> })}
                        {sizes.iter().map(|s| {
                            let selected = first.as_ref() == Some(s);
                            view! { <option value=s.clone() selected=selected>{s.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button button--quiet" disabled=move || busy() || no_size()>
                    {if closed { "Change final size" } else { "Close the vote" }}
                </button>
            </form>
            {move || confirming.get().map(|pending| {
                let question = match &pending {
                    Act::Reveal => waiting_on.with(|waiting| format!(
                        "{} not voted yet ({}). Reveal anyway? Their ballots cannot be added to this round afterwards.",
                        if waiting.len() == 1 { "1 expected voter has".to_owned() } else { format!("{} expected voters have", waiting.len()) },
                        waiting.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")
                    )),
                    Act::Close(size) => format!(
                        "Voting is still open. Closing with {size} reveals every ballot now and ends the vote."
                    ),
                    Act::Reopen => format!(
                        "Re-opening clears the final size{} and starts a new round; earlier rounds stay readable.",
                        current.get_value().map(|size| format!(" ({size})")).unwrap_or_default()
                    ),
                    Act::Delete => "Delete this vote with all its rounds and ballots? Nobody can see it afterwards, and it cannot be undone.".to_owned(),
                    Act::NewRound => String::new(),
                };
                let label = match &pending {
                    Act::Reveal => "Reveal anyway",
                    Act::Reopen => "Re-open",
                    Act::Delete => "Delete for good",
                    _ => "Close and reveal",
                };
                view! {
                    <div class="owner-controls__confirm" role="alertdialog" aria-label="Confirm">
                        <p>{question}</p>
                        <button type="button" class="button" disabled=busy on:click=move |_| act(pending.clone())>{label}</button>
                        " "
                        <button type="button" class="button button--quiet" on:click=move |_| confirming.set(None)>"Cancel"</button>
                    </div>
                }
            })}
            {move || task.error().or_else(|| deleting.error()).map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
        </section>
    }
}

/// What the owner asked for.
#[derive(Debug, Clone, PartialEq)]
enum Act {
    Reveal,
    NewRound,
    Reopen,
    Close(String),
    Delete,
}
