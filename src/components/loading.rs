use leptos::prelude::*;

/// What shows while something loads.
#[component]
pub fn Loading(
    /// What is loading, e.g. "Loading votes…".
    #[prop(into)]
    label: String,
) -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </p>
    }
}
