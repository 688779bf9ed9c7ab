use crate::navigation::use_query_map;
use asyncvoter_wire::{EventKind, ListState, VoteEvent, VoteList, VoteSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, VoteFilter};
use crate::components::{LoginPrompt, Row, VoteFilters, VoteRows, loaded};
use crate::fetch::Fetch;
use crate::first_paint;
use crate::live::{Heard, progress, use_live};
use crate::routes;
use crate::task::Task;

/// Votes per page fetched from the server; the server embeds the first one in the page.
const PAGE: u32 = asyncvoter_wire::pages::LIST_PAGE;

/// Votes in one state with their filters, loading, empty and error states, and more on
/// demand.
#[component]
pub fn VoteListView(
    /// The page this list is on, e.g. `/`.
    base: &'static str,
    /// Which votes it holds.
    state: ListState,
    /// What to say when there is nothing at all.
    #[prop(into)]
    empty: String,
) -> impl IntoView {
    let query = use_query_map();
    let session = crate::session::use_session();
    let filter = Memo::new(move |_| {
        let query = query.read();
        VoteFilter {
            state,
            project: query.get("project").filter(|p| !p.is_empty()),
            name: query.get("q").filter(|q| !q.trim().is_empty()),
            from: query.get("from").filter(|d| !d.is_empty()),
            to: query.get("to").filter(|d| !d.is_empty()),
            cursor: None,
            limit: PAGE,
        }
    });
    // The first page; "Show more" appends the next one after the last cursor.
    let votes = Fetch::new(move || api::list_votes(&filter.get()));
    let next = RwSignal::new(None::<String>);
    let more = Task::<VoteList>::new();
    // The project picker's choices (every project) load once the list is on screen: the
    // list comes first, and asking costs the main thread about a millisecond.
    let list_loaded = RwSignal::new(false);
    Effect::new(move |_| {
        if votes.with(Option::is_some) && !list_loaded.get_untracked() {
            set_timeout(move || list_loaded.set(true), std::time::Duration::ZERO);
        }
    });
    let projects = Fetch::new(move || {
        let wanted = list_loaded.get();
        async move {
            if !wanted {
                return Ok(Vec::new());
            }
            api::projects().await
        }
    });
    // The list itself reports a failing server; the picker just offers no projects then.
    let project_options =
        Signal::derive(move || projects.get().and_then(Result::ok).unwrap_or_default());
    let retry = Callback::new(move |_| votes.refetch());
    let empty = StoredValue::new(empty);
    let filtered = move || {
        let f = filter.get();
        f.project.is_some() || f.name.is_some() || f.from.is_some() || f.to.is_some()
    };
    // What is shown: one signal per vote, in list order, each changed in place as live
    // events arrive, so a change renders only its own row's parts.
    let items = RwSignal::new(Vec::<Row>::new());
    follow_live_changes(items, filter, votes);
    // Effects run once the list is in the page, before the browser paints again: the
    // server's drawing of it goes then, never leaving "Loading" in its place.
    Effect::new(move |_| {
        if votes.with(Option::is_some) {
            first_paint::remove();
        }
    });
    view! {
        <VoteFilters base projects=project_options history={state == ListState::Closed} />
        {loaded(votes, "Loading votes…", retry, move |result| {
                    if let Err(error) = &result && error.is_unauthorized() {
                        return Ok(view! { <LoginPrompt purpose="to see this server's votes: they are for members only." /> }.into_any());
                    }
                    result.map(|first| {
                        items.set(first.items.into_iter().map(ArcRwSignal::new).collect());
                        next.set(first.next_cursor);
                        view! {
                            <Show
                                when=move || items.with(|i| !i.is_empty())
                                fallback=move || {
                                    let message = if filtered() {
                                        "No votes match these filters.".to_owned()
                                    } else {
                                        empty.get_value()
                                    };
                                    // An empty home offers a member the way to begin.
                                    let start = (base == routes::HOME && session.is_logged_in()).then(|| view! {
                                        <a class="button" href=routes::NEW_VOTE>"Start a vote"</a>
                                    });
                                    view! { <p class="empty" role="status">{message} " " {start}</p> }
                                }
                            >
                                <p class="list-count">{move || asyncvoter_wire::words::listed(items.with(Vec::len), next.with(Option::is_some))}</p>
                                <VoteRows rows=items />
                            </Show>
                            {move || next.with(Option::is_some).then(|| view! {
                                <button type="button" class="button button--quiet" disabled=move || more.pending()
                                    on:click=move |_| show_more(filter, next, items, more)>
                                    {move || if more.pending() { "Loading more…" } else { "Show more" }}
                                </button>
                            })}
                            {move || more.error().map(|message| view! { <p class="notice notice--error" role="alert">{message}</p> })}
                        }
                        .into_any()
                    })
        })}
    }
}

/// The row of vote `id`, if it is shown.
fn row_of(items: RwSignal<Vec<Row>>, id: &str) -> Option<Row> {
    items.with_untracked(|rows| {
        rows.iter()
            .find(|row| row.with_untracked(|v| v.id == id))
            .cloned()
    })
}

/// Applies live events to the shown list: the changed vote is fetched alone and updated,
/// added at the top, or removed when it no longer belongs; a resync reloads the list.
fn follow_live_changes(
    items: RwSignal<Vec<Row>>,
    filter: Memo<VoteFilter>,
    votes: Fetch<VoteList>,
) {
    let live = use_live();
    live.listen(move |heard| match heard {
        Heard::Resync => votes.refetch(),
        // A ballot changes only who has voted: applied from the event itself, so a
        // thousand open dashboards do not each fetch the vote for every ballot.
        Heard::Change(change)
            if matches!(
                change.kind,
                EventKind::BallotCast | EventKind::BallotWithdrawn
            ) =>
        {
            if let Some(row) = row_of(items, &change.vote_id) {
                row.update(|vote| apply_ballot(vote, change));
                live.announce(row.with_untracked(progress));
            }
        }
        Heard::Change(change) if change.kind == EventKind::VoteDeleted => {
            apply_change(items, &change.vote_id, None);
        }
        Heard::Change(change) => {
            let id = change.vote_id.clone();
            spawn_local(async move {
                let fresh = match api::get_vote(&id).await {
                    Ok(detail) => Some(detail.vote),
                    Err(error) if error.is_not_found() => None,
                    // A failed read leaves the row as it was; the next event retries.
                    Err(_) => return,
                };
                let belongs = fresh
                    .as_ref()
                    .is_some_and(|vote| filter.with_untracked(|f| shows(f, vote)));
                if let Some(vote) = fresh.as_ref().filter(|_| belongs) {
                    live.announce(progress(vote));
                }
                apply_change(items, &id, fresh.filter(|_| belongs));
            });
        }
    });
}

/// Adds or removes the event's voter on a shown vote of the same round, and takes them
/// off (or puts them back on) the people it waits on.
fn apply_ballot(vote: &mut VoteSummary, event: &VoteEvent) {
    let Some(voter) = &event.voter else { return };
    if event.round != vote.round {
        return;
    }
    let position = vote.voters.iter().position(|v| v.id == voter.id);
    match (event.kind, position) {
        (EventKind::BallotCast, None) => vote.voters.push(voter.clone()),
        (EventKind::BallotWithdrawn, Some(i)) => {
            vote.voters.remove(i);
        }
        _ => {}
    }
    let voted = |id: &str| vote.voters.iter().any(|v| v.id == id);
    vote.waiting_on = vote
        .expected_voters
        .iter()
        .filter(|expected| !voted(&expected.id))
        .cloned()
        .collect();
    vote.ballots_cast = vote.voters.len() as u32;
    vote.updated_at = event.at;
}

/// Updates vote `id` in its row, inserts it at the top, or removes its row.
fn apply_change(items: RwSignal<Vec<Row>>, id: &str, fresh: Option<VoteSummary>) {
    match (row_of(items, id), fresh) {
        (Some(row), Some(vote)) => {
            if row.with_untracked(|shown| *shown != vote) {
                row.set(vote);
            }
        }
        (None, Some(vote)) => items.update(|rows| rows.insert(0, ArcRwSignal::new(vote))),
        (Some(_), None) => items.update(|rows| rows.retain(|r| r.with_untracked(|v| v.id != id))),
        (None, None) => {}
    }
}

/// Whether a list with `filter` shows `vote`.
fn shows(filter: &VoteFilter, vote: &VoteSummary) -> bool {
    let state = filter.state.holds(vote.state);
    let project = filter.project.as_ref().is_none_or(|p| {
        vote.project
            .as_ref()
            .is_some_and(|v| v.eq_ignore_ascii_case(p))
    });
    // Case is ignored for ASCII letters only, as SQLite's LIKE does on the server (and
    // Unicode case tables would add 7 KB brotli to the wasm).
    let name = filter.name.as_ref().is_none_or(|n| {
        vote.name
            .to_ascii_lowercase()
            .contains(&n.trim().to_ascii_lowercase())
    });
    // Days in UTC, as the server reads them; ISO dates compare as text.
    let day = crate::time::iso(vote.closed_at.unwrap_or(vote.created_at));
    let day = &day[..10];
    let from = filter.from.as_deref().is_none_or(|from| day >= from);
    let to = filter.to.as_deref().is_none_or(|to| day <= to);
    state && project && name && from && to
}

/// Fetches the page after the last one shown and appends it; votes a live change already
/// added are not repeated.
fn show_more(
    filter: Memo<VoteFilter>,
    next: RwSignal<Option<String>>,
    items: RwSignal<Vec<Row>>,
    more: Task<VoteList>,
) {
    let Some(cursor) = next.get_untracked() else {
        return;
    };
    let mut page = filter.get_untracked();
    page.cursor = Some(cursor);
    more.run(
        async move { api::list_votes(&page).await },
        move |fetched| {
            items.update(|shown| {
                for vote in &fetched.items {
                    if !shown.iter().any(|r| r.with_untracked(|v| v.id == vote.id)) {
                        shown.push(ArcRwSignal::new(vote.clone()));
                    }
                }
            });
            next.set(fetched.next_cursor.clone());
        },
    );
}
