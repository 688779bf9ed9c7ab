use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::routes;

/// A sentence with a log-in link that brings the visitor back here afterwards.
#[component]
pub fn LoginPrompt(
    /// What logging in lets them do, e.g. "to vote".
    #[prop(into)]
    purpose: String,
) -> impl IntoView {
    let location = use_location();
    let href = move || {
        let search = location.search.get();
        let search = search.trim_start_matches('?');
        let path = location.pathname.get();
        let here = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        routes::login_then(&here)
    };
    view! {
        <p class="login-prompt">
            <a class="button" href=href>"Log in"</a>
            " "
            {purpose}
        </p>
    }
}
