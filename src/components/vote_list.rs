use asyncvoter_wire::VoteSummary;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ApiError, VoteFilter};
use crate::components::{ErrorsView, Loading, LoginPrompt, VoteFilters, VoteRow};

/// Votes per page fetched from the server.
const PAGE: u32 = 50;

/// Votes in one state with their filters, loading, empty and error states, and more on
/// demand.
#[component]
pub fn VoteListView(
    /// The page this list is on, e.g. `/`.
    base: &'static str,
    /// `ongoing` or `closed`, as the API takes it.
    state: &'static str,
    /// What to say when there is nothing at all.
    #[prop(into)]
    empty: String,
) -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        VoteFilter {
            state,
            project: query.get("project").filter(|p| !p.is_empty()),
            name: query.get("q").filter(|q| !q.trim().is_empty()),
            cursor: None,
            limit: PAGE,
        }
    });
    let pages = RwSignal::new(1u32);
    Effect::new(move |_| {
        filter.track();
        pages.set(1);
    });
    let votes = LocalResource::new(move || {
        let filter = filter.get();
        let pages = pages.get();
        async move { fetch_pages(filter, pages).await }
    });
    let projects = LocalResource::new(move || async move {
        let all = VoteFilter {
            state,
            limit: 100,
            ..VoteFilter::default()
        };
        api::list_votes(&all)
            .await
            .map(|list| distinct_projects(&list.items))
    });
    // The list itself reports a failing server; the picker just offers no projects then.
    let project_options =
        Signal::derive(move || projects.get().and_then(Result::ok).unwrap_or_default());
    let retry = Callback::new(move |_| votes.refetch());
    let empty = StoredValue::new(empty);
    let filtered = move || {
        let f = filter.get();
        f.project.is_some() || f.name.is_some()
    };
    view! {
        <VoteFilters base projects=project_options />
        <Transition fallback=|| view! { <Loading label="Loading votes…" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorsView errors retry /> }>
                {move || Suspend::new(async move {
                    let result = votes.await;
                    if let Err(error) = &result && error.is_unauthorized() {
                        return Ok(view! { <LoginPrompt purpose="to see this server's votes: they are for members only." /> }.into_any());
                    }
                    result.map(|(items, more)| {
                        if items.is_empty() {
                            let message = if filtered() {
                                "No votes match these filters.".to_owned()
                            } else {
                                empty.get_value()
                            };
                            return view! { <p class="empty" role="status">{message}</p> }.into_any();
                        }
                        view! {
                            <p class="list-count" role="status">{count_label(items.len(), more)}</p>
                            <ul class="vote-list">
                                {items.into_iter().map(|vote| view! { <VoteRow vote /> }).collect_view()}
                            </ul>
                            {more.then(|| view! {
                                <button type="button" class="button button--quiet" on:click=move |_| pages.update(|p| *p += 1)>
                                    "Show more"
                                </button>
                            })}
                        }
                        .into_any()
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// The first `pages` pages of a list, following the server's cursors.
async fn fetch_pages(
    mut filter: VoteFilter,
    pages: u32,
) -> Result<(Vec<VoteSummary>, bool), ApiError> {
    let mut items = Vec::new();
    for _ in 0..pages {
        let page = api::list_votes(&filter).await?;
        items.extend(page.items);
        match page.next_cursor {
            Some(cursor) => filter.cursor = Some(cursor),
            None => return Ok((items, false)),
        }
    }
    Ok((items, true))
}

fn distinct_projects(votes: &[VoteSummary]) -> Vec<String> {
    let mut projects: Vec<String> = votes.iter().filter_map(|v| v.project.clone()).collect();
    projects.sort();
    projects.dedup();
    projects
}

fn count_label(count: usize, more: bool) -> String {
    match (count, more) {
        (1, _) => "1 vote".to_owned(),
        (n, false) => format!("{n} votes"),
        (n, true) => format!("{n} votes shown"),
    }
}
