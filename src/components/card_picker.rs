use asyncvoter_wire::{Card, words};
use leptos::ev;
use leptos::prelude::*;

use crate::api;
use crate::card_keys::{CardKeys, PAUSE_MS, Typed};
use crate::task::Task;

/// The deck as buttons: pick a card to vote, pick another to change it, withdraw it, all
/// until the reveal. Typing a card's label picks it (`card_keys`: `3` is 3, `1` `3` is 13,
/// `?` no opinion). A reason, sealed like the card, goes with the next card picked or is
/// saved on its own.
#[component]
pub fn CardPicker(
    /// The vote to cast in.
    #[prop(into)]
    vote_id: String,
    /// The deck's cards in order.
    cards: Vec<Card>,
    /// The visitor's current card in this round, as the server last said.
    #[prop(into)]
    my_card: Signal<Option<String>>,
    /// The visitor's reason for it, as the server last said.
    #[prop(into, optional)]
    my_reason: Signal<Option<String>>,
    /// Called after the ballot changed, to reload the vote.
    on_change: Callback<()>,
) -> impl IntoView {
    // Shown at once when a ballot is answered; the server's word replaces it when it comes.
    let mine = RwSignal::new(my_card.get_untracked());
    Effect::new(move |_| mine.set(my_card.get()));
    // The reason being written, and the one the server holds.
    let saved_reason = RwSignal::new(my_reason.get_untracked());
    let reason = RwSignal::new(my_reason.get_untracked().unwrap_or_default());
    Effect::new(move |_| {
        let held = my_reason.get();
        reason.set(held.clone().unwrap_or_default());
        saved_reason.set(held);
    });
    let status = RwSignal::new(None::<String>);
    let id = StoredValue::new(vote_id);
    // One task for casting and withdrawing: its answer is the ballot now held, if any.
    let ballot = Task::<Option<(String, Option<String>)>>::new();
    let pending = Signal::derive(move || ballot.pending());
    // "Not saved: the server could not be reached" goes once the connection is back.
    let live = crate::live::use_live();
    Effect::new(move |_| {
        if live.connection() == crate::live::Connection::Online {
            ballot.forget_failure();
        }
    });
    let settle = move |held: &Option<(String, Option<String>)>| {
        status.set(Some(match held {
            Some((card, Some(_))) => format!(
                "Your vote ({card}) and your reason are recorded. You can change them until the vote is revealed."
            ),
            Some((card, None)) => format!(
                "Your vote ({card}) is recorded. You can change it until the vote is revealed."
            ),
            None => "Your vote is withdrawn.".to_owned(),
        }));
        mine.set(held.as_ref().map(|(card, _)| card.clone()));
        saved_reason.set(held.as_ref().and_then(|(_, reason)| reason.clone()));
        on_change.run(());
    };
    let cast = move |card: String| {
        let reason = Some(reason.get_untracked().trim().to_owned()).filter(|r| !r.is_empty());
        ballot.run(
            async move {
                api::cast(&id.get_value(), &card, reason)
                    .await
                    .map(|receipt| Some((receipt.card, receipt.reason)))
            },
            settle,
        );
    };
    let withdraw = move || {
        ballot.run(
            async move { api::withdraw(&id.get_value()).await.map(|()| None) },
            settle,
        )
    };
    // The reason differs from the one held with a card already cast: offer to save it.
    let reason_unsaved = move || {
        mine.get().is_some()
            && reason.with(|r| r.trim().to_owned()) != saved_reason.get().unwrap_or_default()
    };

    let typed = StoredValue::new(CardKeys::new(
        cards.iter().map(|c| c.label.clone()).collect(),
    ));
    // Each key starts a new wait; a wait that ran out picks only if no key came since.
    let waits = StoredValue::new(0_u64);
    let keys = window_event_listener(ev::keydown, move |event| {
        if event.ctrl_key()
            || event.meta_key()
            || event.alt_key()
            || pending.get_untracked()
            || typing(&event)
        {
            return;
        }
        let outcome = typed
            .try_update_value(|keys| keys.press(&event.key(), js_sys::Date::now()))
            .unwrap_or(Typed::Nothing);
        if outcome != Typed::Nothing {
            event.prevent_default();
        }
        let wait = waits.try_update_value(|n| {
            *n += 1;
            *n
        });
        match outcome {
            Typed::Pick(label) => cast(label),
            Typed::Wait(unless_more) => {
                let pause = std::time::Duration::from_millis(PAUSE_MS as u64);
                set_timeout(
                    move || {
                        if waits.try_get_value() == wait {
                            typed.update_value(CardKeys::pause);
                            if let Some(label) = unless_more.clone() {
                                cast(label);
                            }
                        }
                    },
                    pause,
                );
            }
            Typed::Nothing => {}
        }
    });
    on_cleanup(move || keys.remove());

    let help = words::picker_help(cards.iter().map(|card| card.label.as_str()));
    view! {
        <div class="picker">
            <ul class="deck deck--buttons" aria-label="Your vote">
                {cards
                    .into_iter()
                    .enumerate()
                    .map(|(index, card)| {
                        let label = card.label.clone();
                        let chosen = {
                            let label = label.clone();
                            move || mine.get().as_deref() == Some(label.as_str())
                        };
                        let shortcut = (card.label.chars().count() == 1).then(|| card.label.clone());
                        let aria = format!("Vote {}{}", card.label, card.name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default());
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="deck__card"
                                    aria-pressed=move || if chosen() { "true" } else { "false" }
                                    aria-label=aria
                                    aria-keyshortcuts=shortcut
                                    data-index=index
                                    disabled=move || pending.get()
                                    on:click=move |_| cast(label.clone())
                                >
                                    <span class="deck__label">{card.label.clone()}</span>
                                    {card.name.clone().map(|name| view! { <span class="deck__name">{name}</span> })}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="picker__help muted">{help}</p>
            <label class="field picker__reason">
                <span class="field__label">{words::REASON_LABEL}</span>
                <textarea
                    name="reason"
                    rows="2"
                    maxlength="500"
                    placeholder=words::REASON_PLACEHOLDER
                    bind:value=reason
                ></textarea>
            </label>
            {move || reason_unsaved().then(|| view! {
                <button
                    type="button"
                    class="button button--small button--quiet"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        if let Some(card) = mine.get_untracked() {
                            cast(card);
                        }
                    }
                >
                    "Save my reason"
                </button>
            })}
            <div class="picker__status" role="status" aria-live="polite">
                {move || status.get().map(|message| view! { <p class="confirmation">{message}</p> })}
            </div>
            {move || ballot.error().map(|message| view! { <p class="form-error" role="alert">"Not saved. " {message}</p> })}
            {move || mine.get().is_some().then(|| view! {
                <button type="button" class="link-button" disabled=move || pending.get() on:click=move |_| withdraw()>
                    "Withdraw my vote"
                </button>
            })}
        </div>
    }
}

/// True when the key went to a text field, not to the page.
fn typing(event: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|element| {
            matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        })
}
