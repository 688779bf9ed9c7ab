use leptos::prelude::*;

/// A `<details>` with its summary. Pages keep it in the DOM across live updates, so it
/// stays open as the reader left it.
#[component]
pub fn Disclosure(
    /// Its class.
    #[prop(into)]
    class: String,
    /// What the `<summary>` says.
    #[prop(into)]
    summary: String,
    children: Children,
) -> impl IntoView {
    view! {
        <details class=class>
            <summary>{summary}</summary>
            {children()}
        </details>
    }
}
