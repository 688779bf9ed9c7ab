use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::ErrorView;
use crate::fetch::Fetch;

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

/// A server answer on screen: [`Loading`] until the first answer, then what `show` makes
/// of it; an error `show` hands back appears in the server's words with a way to retry.
/// While the answer reloads, the last one stays on screen.
// A plain reactive closure rather than Transition, ErrorBoundary and Suspend: the same
// behaviour for a resource read in one place, and a smaller wasm (measured).
pub fn loaded<T: Clone + Send + Sync + 'static>(
    answer: Fetch<T>,
    loading: &'static str,
    retry: Callback<()>,
    show: impl Fn(Result<T, ApiError>) -> Result<AnyView, ApiError> + Send + Sync + 'static,
) -> impl IntoView {
    move || match answer.get() {
        None => view! { <Loading label=loading /> }.into_any(),
        Some(result) => show(result).unwrap_or_else(|error| {
            view! { <ErrorView message=error.to_string() retry /> }.into_any()
        }),
    }
}
