use asyncvoter_wire::Card;
use leptos::prelude::*;

pub use asyncvoter_wire::words::deck_label;

/// The cards of a vote's deck, in order, as a legend: flat text, nothing that looks like
/// it could be pressed (the buttons to vote with are `CardPicker`'s).
#[component]
pub fn DeckCards(
    /// The cards.
    cards: Vec<Card>,
) -> impl IntoView {
    view! {
        <ul class="deck-legend" aria-label="Cards in this deck">
            {cards
                .into_iter()
                .map(|card| {
                    view! {
                        <li class="deck-legend__card">
                            <span class="deck-legend__label">{card.label}</span>
                            {card.name.clone().map(|name| view! { <span class="deck-legend__name">{name}</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
