use leptos::prelude::*;

use crate::routes;

/// The page for paths the dashboard does not know.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <NotFoundView message="There is no page at this address." /> }
}

/// "Not found", with a way back.
#[component]
pub fn NotFoundView(
    /// What was not found.
    #[prop(into)]
    message: String,
) -> impl IntoView {
    view! {
        <section class="notice notice--not-found" aria-labelledby="not-found-title">
            <h1 id="not-found-title">"Not found"</h1>
            <p>{message}</p>
            <a href=routes::HOME class="button">"See ongoing votes"</a>
        </section>
    }
}
