use asyncvoter_wire::{Member, Voter};
use leptos::prelude::*;

use crate::api;
use crate::fetch::Fetch;

/// More people than this get a filter field above the list.
const FILTER_FROM: usize = 8;

/// Choosing who a vote waits on: one checkbox per person (Tab and Space, as any form),
/// a filter field where Enter toggles the first match, and "Everyone" / "Nobody". The
/// people are the active members, asked for here (saying so when they cannot be had),
/// then `others`.
#[component]
pub fn VoterPicker(
    /// Who else can be chosen: people already chosen or usual who may not be members
    /// (external voters), after the members.
    #[prop(into)]
    others: Signal<Vec<Voter>>,
    /// The ids chosen, in the order they were chosen.
    chosen: RwSignal<Vec<String>>,
    /// Called when the visitor changes the choice by hand.
    #[prop(optional)]
    on_touch: Option<Callback<()>>,
) -> impl IntoView {
    let members = Fetch::new(api::active_members);
    let options = Memo::new(move |_| {
        members.with(|answer| match answer {
            Some(Ok(members)) => others.with(|others| people(members, others)),
            _ => others.get(),
        })
    });
    let load_error = move || {
        members.with(|answer| match answer {
            Some(Err(error)) => Some(format!("The members could not be loaded: {error}")),
            _ => None,
        })
    };
    let filter = RwSignal::new(String::new());
    let touched = move || {
        if let Some(callback) = on_touch {
            callback.run(());
        }
    };
    let toggle = move |id: String| {
        chosen.update(|ids| match ids.iter().position(|other| *other == id) {
            Some(at) => {
                ids.remove(at);
            }
            None => ids.push(id),
        });
        touched();
    };
    let shown = Memo::new(move |_| {
        let needle = filter.get().trim().to_ascii_lowercase();
        options.with(|all| {
            all.iter()
                .filter(|voter| needle.is_empty() || matches(voter, &needle))
                .cloned()
                .collect::<Vec<Voter>>()
        })
    });
    let on_filter_key = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Enter" {
            // Enter in the filter picks, it does not submit the form.
            event.prevent_default();
            if let Some(first) = shown.with(|voters| voters.first().map(|v| v.id.clone())) {
                toggle(first);
                filter.set(String::new());
            }
        }
    };
    let everyone = move |_| {
        chosen.set(options.with(|all| all.iter().map(|v| v.id.clone()).collect()));
        touched();
    };
    let nobody = move |_| {
        chosen.set(Vec::new());
        touched();
    };
    view! {
        <fieldset class="voter-picker">
            <legend class="field__label">"Who should vote (optional)"</legend>
            {move || (options.with(Vec::len) > FILTER_FROM).then(|| view! {
                <input
                    type="search"
                    class="voter-picker__filter"
                    placeholder="Filter by name; Enter picks the first"
                    aria-label="Filter people"
                    bind:value=filter
                    on:keydown=on_filter_key
                />
            })}
            <ul class="voter-picker__options">
                {move || shown.get().into_iter().map(|voter| {
                        let id = voter.id.clone();
                        let checked = {
                            let id = id.clone();
                            move || chosen.with(|ids| ids.contains(&id))
                        };
                        view! {
                            <li>
                                <label class="checkbox">
                                    <input
                                        type="checkbox"
                                        name="expected_voters"
                                        value=id.clone()
                                        prop:checked=checked
                                        on:change=move |_| toggle(id.clone())
                                    />
                                    " " {voter.name.clone()}
                                    {(voter.name != voter.id).then(|| view! { <span class="muted">" " {voter.id.clone()}</span> })}
                                </label>
                            </li>
                        }
                    }).collect_view()}
            </ul>
            {move || shown.with(Vec::is_empty).then(|| view! { <p class="muted">"Nobody matches."</p> })}
            {move || load_error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <p class="voter-picker__summary">
                <span role="status">{move || chosen_label(chosen.with(Vec::len))}</span>
                " · "
                <button type="button" class="link-button" on:click=everyone>"Everyone"</button>
                " · "
                <button type="button" class="link-button" on:click=nobody>"Nobody"</button>
            </p>
        </fieldset>
    }
}

/// Who can be chosen: the members, then each of `others` who is not one.
fn people(members: &[Member], others: &[Voter]) -> Vec<Voter> {
    let mut people: Vec<Voter> = members
        .iter()
        .map(|m| Voter {
            id: m.username.clone(),
            name: m.display_name.clone(),
        })
        .collect();
    for other in others {
        if !people.iter().any(|p| p.id == other.id) {
            people.push(other.clone());
        }
    }
    people
}

/// Whether `voter`'s name or id contains `needle` (already lower-case), ignoring ASCII
/// case as the server's search does.
fn matches(voter: &Voter, needle: &str) -> bool {
    voter.name.to_ascii_lowercase().contains(needle)
        || voter.id.to_ascii_lowercase().contains(needle)
}

fn chosen_label(count: usize) -> String {
    match count {
        0 => "Nobody chosen: anyone may vote, and nobody is waited on".to_owned(),
        1 => "1 person chosen".to_owned(),
        n => format!("{n} people chosen"),
    }
}
