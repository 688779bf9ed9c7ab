use leptos::prelude::*;

use crate::live::{Connection, use_live};

/// A pill while the live connection is down; nothing while it works.
#[component]
pub fn LiveStatus() -> impl IntoView {
    let live = use_live();
    move || {
        (live.connection() == Connection::Offline).then(|| {
            view! {
                <p class="live-offline" role="status" title="Changes made elsewhere appear once the connection is back.">
                    <span aria-hidden="true">"●"</span>
                    " Offline, reconnecting…"
                </p>
            }
        })
    }
}

/// The page's screen-reader announcements of live changes ("Checkout: 4 of 6 voted").
#[component]
pub fn LiveAnnouncer() -> impl IntoView {
    let live = use_live();
    view! { <p class="visually-hidden" role="status" aria-live="polite">{move || live.announcement()}</p> }
}
