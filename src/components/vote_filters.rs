use crate::navigation::{NavigateOptions, use_navigate, use_query_map};
use leptos::prelude::*;

use crate::routes;

/// The project picker and name search of a list, and on `/history` a date range and a
/// CSV download of what they select; all live in the URL's query string so a filtered
/// view is a link.
#[component]
pub fn VoteFilters(
    /// The page the filters belong to, e.g. `/`.
    base: &'static str,
    /// The projects to offer.
    #[prop(into)]
    projects: Signal<Vec<String>>,
    /// Closed votes: offer the date range and the download.
    history: bool,
) -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let project = move || get("project");
    // Every filter as the page and the API name them, with `key` changed to `value`.
    let pairs = move |key: &str, value: String| {
        ["project", "q", "from", "to"].map(|k| (k, if k == key { value.clone() } else { get(k) }))
    };
    let navigate = use_navigate();
    let go = move |key: &'static str, value: String, replace: bool| {
        let url = routes::filtered(base, &pairs(key, value));
        navigate(
            &url,
            NavigateOptions {
                replace,
                scroll: false,
            },
        );
    };
    let options = move || {
        let mut all = projects.get();
        let current = project();
        if !current.is_empty() && !all.contains(&current) {
            all.push(current);
            all.sort();
        }
        all
    };
    let (go_name, go_project, go_from, go_to) = (go.clone(), go.clone(), go.clone(), go);
    let dates = history.then(|| {
        view! {
            <label class="field">
                <span class="field__label">"Closed from"</span>
                <input type="date" name="from" prop:value=move || get("from")
                    on:change:target=move |ev| go_from("from", ev.target().value(), false) />
            </label>
            <label class="field">
                <span class="field__label">"to"</span>
                <input type="date" name="to" prop:value=move || get("to")
                    on:change:target=move |ev| go_to("to", ev.target().value(), false) />
            </label>
            <a class="filters__download" download=""
                href=move || routes::filtered("/api/votes/export", &[
                    [("format", "csv".to_owned()), ("state", "closed".to_owned())].as_slice(),
                    pairs("", String::new()).as_slice(),
                ].concat())>
                "Download CSV"
            </a>
        }
    });
    view! {
        <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
            <label class="field">
                <span class="field__label">"Search by name"</span>
                <input
                    type="search"
                    name="q"
                    placeholder="e.g. login"
                    prop:value=move || get("q")
                    on:input:target=move |ev| go_name("q", ev.target().value(), true)
                />
            </label>
            <label class="field">
                <span class="field__label">"Project"</span>
                <select name="project" on:change:target=move |ev| go_project("project", ev.target().value(), false)>
                    <option value="" selected=move || project().is_empty()>"All projects"</option>
                    {move || {
                        options()
                            .into_iter()
                            .map(|p| {
                                let selected = p == project();
                                view! { <option value=p.clone() selected=selected>{p.clone()}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            {dates}
            {move || pairs("", String::new()).iter().any(|(_, v)| !v.is_empty()).then(|| view! {
                <a class="filters__clear" href=base>"Clear filters"</a>
            })}
        </form>
    }
}
