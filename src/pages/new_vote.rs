use asyncvoter_wire::{DeckKind, NewVote, VoteDetail};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::{LoginPrompt, deck_label};
use crate::routes;
use crate::session::use_session;
use crate::task::Task;

const DECKS: [DeckKind; 4] = [
    DeckKind::Fibonacci,
    DeckKind::Tshirt,
    DeckKind::Agileventures,
    DeckKind::Custom,
];

/// `/votes/new`: start a vote on a story.
#[component]
pub fn NewVotePage() -> impl IntoView {
    let session = use_session();
    view! {
        <section class="narrow">
            <div class="page-head">
                <h1>"Start a vote"</h1>
                <p class="lede">"Teammates vote when it suits them; nobody sees a value until the reveal."</p>
            </div>
            {move || if session.is_logged_in() {
                view! { <NewVoteForm /> }.into_any()
            } else {
                view! { <LoginPrompt purpose="to start a vote." /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn NewVoteForm() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let project = RwSignal::new(String::new());
    let deck = RwSignal::new(DeckKind::Fibonacci);
    let cards = RwSignal::new(String::new());
    let quorum = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let create = Task::<VoteDetail>::new();
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let vote = NewVote {
            name: name.get(),
            url: Some(url.get()).filter(|u| !u.trim().is_empty()),
            project: Some(project.get()).filter(|p| !p.trim().is_empty()),
            deck: deck.get(),
            cards: (deck.get() == DeckKind::Custom).then(|| split_cards(&cards.get())),
            quorum: None,
            deadline: None,
            owner: None,
            expected_voters: None,
            reveal_when_all_voted: None,
        };
        match (parse_quorum(&quorum.get()), parse_deadline(&deadline.get())) {
            (Ok(quorum), Ok(deadline)) => {
                problem.set(None);
                let vote = NewVote {
                    quorum,
                    deadline,
                    ..vote
                };
                let navigate = navigate.clone();
                create.run(
                    async move { api::create_vote(&vote).await },
                    move |created| {
                        navigate(&routes::vote(&created.vote.id), Default::default());
                    },
                );
            }
            (Err(message), _) | (_, Err(message)) => problem.set(Some(message)),
        }
    };
    view! {
        <form class="form panel" on:submit=submit>
            <label class="field">
                <span class="field__label">"Story"</span>
                <input name="name" required maxlength="200" placeholder="e.g. Search results pagination" bind:value=name />
            </label>
            <label class="field">
                <span class="field__label">"Link to the ticket (optional)"</span>
                <input type="url" name="url" placeholder="https://…" bind:value=url />
            </label>
            <label class="field">
                <span class="field__label">"Project (optional)"</span>
                <input name="project" maxlength="100" placeholder="e.g. web-shop" bind:value=project />
            </label>
            <label class="field">
                <span class="field__label">"Deck"</span>
                <select name="deck" on:change:target=move |ev| deck.set(deck_of(&ev.target().value()))>
                    {DECKS
                        .into_iter()
                        .map(|kind| view! { <option value=kind.as_str() selected=move || deck.get() == kind>{deck_label(kind)}</option> })
                        .collect_view()}
                </select>
            </label>
            {move || (deck.get() == DeckKind::Custom).then(|| view! {
                <label class="field">
                    <span class="field__label">"Cards, smallest first, separated by spaces or commas (2–20, up to 8 characters each)"</span>
                    <input name="cards" required placeholder="1d 2d 3d 1w 2w ?" bind:value=cards />
                </label>
            })}
            <div class="form__row">
                <label class="field">
                    <span class="field__label">"Reveal after this many votes (optional)"</span>
                    <input type="number" name="quorum" min="1" max="1000" inputmode="numeric" bind:value=quorum />
                </label>
                <label class="field">
                    <span class="field__label">"Reveal at (optional, your time)"</span>
                    <input type="datetime-local" name="deadline" bind:value=deadline />
                </label>
            </div>
            {move || problem.get().or_else(|| create.error()).map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" class="button" disabled=move || create.pending()>
                {move || if create.pending() { "Starting…" } else { "Start the vote" }}
            </button>
        </form>
    }
}

fn deck_of(value: &str) -> DeckKind {
    DECKS
        .into_iter()
        .find(|k| k.as_str() == value)
        .unwrap_or(DeckKind::Fibonacci)
}

fn split_cards(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|card| !card.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parse_quorum(text: &str) -> Result<Option<u32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| "The number of votes must be a whole number.".to_owned())
}

/// A `datetime-local` value, read in the visitor's time zone.
fn parse_deadline(text: &str) -> Result<Option<DateTime<Utc>>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let millis = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(text)).get_time();
    if millis.is_nan() {
        return Err("The reveal time is not a date.".to_owned());
    }
    Ok(DateTime::from_timestamp_millis(millis as i64))
}
