//! One clock for the whole page, so relative times ("3 h ago") stay current.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// How often relative times refresh.
const TICK: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Clone, Copy)]
struct Clock(RwSignal<DateTime<Utc>>);

/// Starts the page's clock; call once in `App`.
pub fn provide_clock() {
    let now = RwSignal::new(Utc::now());
    set_interval(move || now.set(Utc::now()), TICK);
    provide_context(Clock(now));
}

/// The current time, refreshed every 30 s; a fixed "now" where no clock was provided.
pub fn use_now() -> Signal<DateTime<Utc>> {
    match use_context::<Clock>() {
        Some(Clock(now)) => now.into(),
        None => Signal::stored(Utc::now()),
    }
}
