use leptos::prelude::*;

/// A labelled checkbox bound to a signal: the whole label toggles it.
#[component]
pub fn Checkbox(
    /// The input's name, for forms and tests.
    name: &'static str,
    /// Whether it is ticked.
    checked: RwSignal<bool>,
    /// What ticking it means.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    view! {
        <label class="checkbox">
            <input type="checkbox" name=name bind:checked=checked />
            " " {label}
        </label>
    }
}
