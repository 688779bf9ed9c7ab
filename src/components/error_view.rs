use leptos::prelude::*;

/// A failure, in the server's own words, with a way to try again.
#[component]
pub fn ErrorView(
    /// What went wrong.
    #[prop(into)]
    message: String,
    /// Run again what failed.
    #[prop(optional)]
    retry: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="notice notice--error" role="alert">
            <h2 class="notice__title">"Something went wrong"</h2>
            <p class="notice__message">{message}</p>
            {retry.map(|retry| view! {
                <button type="button" class="button" on:click=move |_| retry.run(())>
                    "Try again"
                </button>
            })}
        </div>
    }
}
