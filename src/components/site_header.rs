use leptos::prelude::*;
use leptos_router::components::A;

use crate::routes;

/// The bar on every page: the name and the main sections.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <A href=routes::HOME attr:class="brand">
                <span class="brand__mark" aria-hidden="true">"?"</span>
                "AsyncVoter"
            </A>
            <nav aria-label="Sections" class="site-nav">
                <A href=routes::HOME exact=true>"Ongoing"</A>
                <A href=routes::HISTORY>"History"</A>
            </nav>
        </header>
    }
}
