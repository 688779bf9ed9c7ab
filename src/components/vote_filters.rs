use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::routes;

/// The project picker and name search of a list; both live in the URL's query string so
/// a filtered view is a link.
#[component]
pub fn VoteFilters(
    /// The page the filters belong to, e.g. `/`.
    base: &'static str,
    /// The projects to offer.
    #[prop(into)]
    projects: Signal<Vec<String>>,
) -> impl IntoView {
    let query = use_query_map();
    let project = move || query.read().get("project").unwrap_or_default();
    let name = move || query.read().get("q").unwrap_or_default();
    let navigate = use_navigate();
    let go = move |project: String, name: String, replace: bool| {
        let url = routes::filtered(base, Some(&project), Some(&name));
        navigate(
            &url,
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let go_search = go.clone();
    let options = move || {
        let mut all = projects.get();
        let current = project();
        if !current.is_empty() && !all.contains(&current) {
            all.push(current);
            all.sort();
        }
        all
    };
    view! {
        <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
            <label class="field">
                <span class="field__label">"Search by name"</span>
                <input
                    type="search"
                    name="q"
                    placeholder="e.g. login"
                    prop:value=name
                    on:input:target=move |ev| go_search(project(), ev.target().value(), true)
                />
            </label>
            <label class="field">
                <span class="field__label">"Project"</span>
                <select name="project" on:change:target=move |ev| go(ev.target().value(), name(), false)>
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
            {move || (!project().is_empty() || !name().is_empty()).then(|| view! {
                <a class="filters__clear" href=base>"Clear filters"</a>
            })}
        </form>
    }
}
