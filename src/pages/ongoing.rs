use asyncvoter_wire::{ListState, VoteSummary, words};
use leptos::prelude::*;

use crate::clock::use_now;
use crate::components::VoteListView;
use crate::waiting::use_waiting;
use crate::{routes, time};

/// `/`: what waits on the member first, then every open or revealed vote.
#[component]
pub fn OngoingPage() -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>{words::ONGOING_TITLE}</h1>
            <p class="lede">{words::ONGOING_LEDE}</p>
        </div>
        <WaitingOnYou />
        <VoteListView
            base=routes::HOME
            state=ListState::Ongoing
            empty=words::NOTHING_ONGOING
        />
    }
}

/// "Waiting on you (N)": the open votes that expect the member's estimate, soonest
/// deadline first, kept current live; nothing when none do.
#[component]
fn WaitingOnYou() -> impl IntoView {
    let waiting = use_waiting();
    let votes = Memo::new(move |_| waiting.votes().unwrap_or_default());
    move || {
        (!votes.with(Vec::is_empty)).then(|| {
            view! {
                <section class="panel waiting" id="waiting" aria-labelledby="waiting-title">
                    <h2 id="waiting-title">{move || format!("Waiting on you ({})", votes.with(Vec::len))}</h2>
                    <ul class="waiting__list">
                        {move || votes.get().into_iter().map(|vote| view! { <WaitingVote vote /> }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

/// One vote waiting on the member: its story, when it reveals, who else it waits on.
#[component]
fn WaitingVote(vote: VoteSummary) -> impl IntoView {
    let now = use_now();
    let link = routes::vote(&vote.id);
    let others = vote.waiting_on.len().saturating_sub(1);
    let also = match others {
        0 => "Only you left".to_owned(),
        1 => "Also waiting on 1 other".to_owned(),
        n => format!("Also waiting on {n} others"),
    };
    let deadline = vote.deadline.map(|at| {
        view! {
            <span class="waiting__deadline">
                "Reveals "
                <time datetime=time::iso(at) title=time::exact(at)>{move || time::until(at, now.get())}</time>
            </span>
        }
    });
    view! {
        <li class="waiting__item" data-vote-id=vote.id.clone()>
            <a class="waiting__name" href=link.clone()>{vote.name.clone()}</a>
            <span class="waiting__meta">
                {vote.project.clone().map(|project| view! { <span class="chip">{project}</span> })}
                {deadline}
                <span class="muted">{also}</span>
            </span>
            <a class="button button--small" href=link aria-label=format!("Vote on {}", vote.name)>"Vote"</a>
        </li>
    }
}
