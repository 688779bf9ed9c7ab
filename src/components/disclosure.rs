use std::collections::HashSet;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Which disclosures of a page are open, by key, so they stay open when the page renders
/// again after a live update. Pages that re-render provide it.
#[derive(Clone, Copy)]
pub struct OpenDisclosures(StoredValue<HashSet<String>>);

impl OpenDisclosures {
    /// Forgets them all, e.g. when the page shows another vote.
    pub fn forget(&self) {
        self.0.update_value(HashSet::clear);
    }
}

/// Lets the disclosures below remember being open; call in a page that re-renders.
pub fn provide_open_disclosures() -> OpenDisclosures {
    let memory = OpenDisclosures(StoredValue::new(HashSet::new()));
    provide_context(memory);
    memory
}

/// A `<details>` that stays open across re-renders of a page that remembers disclosures.
#[component]
pub fn Disclosure(
    /// Names this disclosure among the page's, e.g. `round-1`.
    #[prop(into)]
    key: String,
    /// Its class.
    #[prop(into)]
    class: String,
    /// What the `<summary>` says.
    #[prop(into)]
    summary: String,
    children: Children,
) -> impl IntoView {
    let memory = use_context::<OpenDisclosures>();
    let open = memory.is_some_and(|m| m.0.with_value(|open| open.contains(&key)));
    let on_toggle = move |event: web_sys::Event| {
        let Some(OpenDisclosures(memory)) = memory else {
            return;
        };
        let Some(details) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        else {
            return;
        };
        let is_open = details.open();
        memory.update_value(|open| {
            if is_open {
                open.insert(key.clone());
            } else {
                open.remove(&key);
            }
        });
    };
    view! {
        <details class=class open=open on:toggle=on_toggle>
            <summary>{summary}</summary>
            {children()}
        </details>
    }
}
