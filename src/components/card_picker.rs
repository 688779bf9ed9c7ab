use asyncvoter_wire::Card;
use leptos::ev;
use leptos::prelude::*;

use crate::api;
use crate::task::Task;

/// The deck as buttons: pick a card to vote, pick another to change it, withdraw it, all
/// until the reveal. Number keys pick the card at that place (0 for the tenth), `?` the
/// no-opinion card.
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
    /// Called after the ballot changed, to reload the vote.
    on_change: Callback<()>,
) -> impl IntoView {
    // Shown at once when a ballot is answered; the server's word replaces it when it comes.
    let mine = RwSignal::new(my_card.get_untracked());
    Effect::new(move |_| mine.set(my_card.get()));
    let status = RwSignal::new(None::<String>);
    let id = StoredValue::new(vote_id);
    // One task for casting and withdrawing: its answer is the card now held, if any.
    let ballot = Task::<Option<String>>::new();
    let pending = Signal::derive(move || ballot.pending());
    let settle = move |card: &Option<String>| {
        status.set(Some(match card {
            Some(card) => format!(
                "Your vote ({card}) is recorded. You can change it until the vote is revealed."
            ),
            None => "Your vote is withdrawn.".to_owned(),
        }));
        mine.set(card.clone());
        on_change.run(());
    };
    let cast = move |card: String| {
        ballot.run(
            async move {
                api::cast(&id.get_value(), &card, None)
                    .await
                    .map(|receipt| Some(receipt.card))
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

    let labels: Vec<String> = cards.iter().map(|c| c.label.clone()).collect();
    let keys = window_event_listener(ev::keydown, move |event| {
        if event.ctrl_key()
            || event.meta_key()
            || event.alt_key()
            || pending.get_untracked()
            || typing(&event)
        {
            return;
        }
        let key = event.key();
        let index = match key.as_str() {
            "?" => labels.iter().position(|l| l == "?"),
            "0" => Some(9),
            digit if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() => {
                Some((digit.as_bytes()[0] - b'1') as usize)
            }
            _ => None,
        };
        if let Some(label) = index.and_then(|i| labels.get(i)) {
            event.prevent_default();
            cast(label.clone());
        }
    });
    on_cleanup(move || keys.remove());

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
                        let hint = key_hint(index, &card.label);
                        let aria = format!("Vote {}{}", card.label, card.name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default());
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="deck__card"
                                    aria-pressed=move || if chosen() { "true" } else { "false" }
                                    aria-label=aria
                                    aria-keyshortcuts=hint.clone()
                                    data-index=index
                                    disabled=move || pending.get()
                                    on:click=move |_| cast(label.clone())
                                >
                                    <span class="deck__label">{card.label.clone()}</span>
                                    {card.name.clone().map(|name| view! { <span class="deck__name">{name}</span> })}
                                    <kbd class="deck__key" aria-hidden="true">{hint.clone()}</kbd>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="picker__help muted">"Pick a card, or press its number key (? for no opinion). Nobody sees it until the reveal."</p>
            <div class="picker__status" role="status" aria-live="polite">
                {move || status.get().map(|message| view! { <p class="confirmation">{message}</p> })}
            </div>
            {move || ballot.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            {move || mine.get().is_some().then(|| view! {
                <button type="button" class="link-button" disabled=move || pending.get() on:click=move |_| withdraw()>
                    "Withdraw my vote"
                </button>
            })}
        </div>
    }
}

/// The key that picks the card at `index`.
fn key_hint(index: usize, label: &str) -> String {
    match (label, index) {
        ("?", _) => "?".to_owned(),
        (_, 0..=8) => (index + 1).to_string(),
        (_, 9) => "0".to_owned(),
        _ => String::new(),
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
