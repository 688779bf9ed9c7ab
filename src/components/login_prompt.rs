use crate::navigation::use_location;
use leptos::prelude::*;

use crate::routes;

/// The login page's address, returning to the current page (path and query) afterwards.
pub fn use_login_link() -> impl Fn() -> String + Copy + 'static {
    let location = use_location();
    let (pathname, search) = (location.pathname, location.search);
    move || {
        let path = pathname.get();
        let search = search.get();
        let search = search.trim_start_matches('?');
        let here = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        routes::login_then(&here)
    }
}

/// A sentence with a log-in link that brings the visitor back here afterwards.
#[component]
pub fn LoginPrompt(
    /// What logging in lets them do, e.g. "to vote".
    #[prop(into)]
    purpose: String,
) -> impl IntoView {
    let href = use_login_link();
    view! {
        <p class="login-prompt">
            <a class="button" href=href>"Log in"</a>
            " "
            {purpose}
        </p>
    }
}
