use asyncvoter_wire::{Card, DeckKind};
use leptos::prelude::*;

/// A deck's name for people.
pub fn deck_label(kind: DeckKind) -> &'static str {
    match kind {
        DeckKind::Agileventures => "AgileVentures (1–3)",
        DeckKind::Fibonacci => "Fibonacci",
        DeckKind::Tshirt => "T-shirt sizes",
        DeckKind::Custom => "Custom deck",
    }
}

/// The cards of a vote's deck, in order.
#[component]
pub fn DeckCards(
    /// The cards.
    cards: Vec<Card>,
) -> impl IntoView {
    view! {
        <ul class="deck" aria-label="Cards in this deck">
            {cards
                .into_iter()
                .map(|card| {
                    view! {
                        <li class="deck__card" title=card.name.clone().unwrap_or_default()>
                            <span class="deck__label">{card.label}</span>
                            {card.name.clone().map(|name| view! { <span class="deck__name">{name}</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
