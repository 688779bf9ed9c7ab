use asyncvoter_wire::{VoteState, VoteSummary};
use leptos::prelude::*;

use crate::clock::use_now;
use crate::components::{CopyLink, StateBadge, Tally, VoterList, deck_label};
use crate::{routes, time};

/// One vote in a list: its story, state, who has voted and what comes next.
#[component]
pub fn VoteRow(
    /// The vote.
    vote: VoteSummary,
) -> impl IntoView {
    let now = use_now();
    let created = vote.created_at;
    let title = match vote.url.clone() {
        Some(url) => view! {
            <a class="vote-row__ticket" href=url target="_blank" rel="noopener noreferrer">
                {vote.name.clone()}
                <span class="external" aria-label="(opens the ticket)">" ↗"</span>
            </a>
        }
        .into_any(),
        None => view! { <span>{vote.name.clone()}</span> }.into_any(),
    };
    let deadline = vote.deadline.filter(|_| vote.state == VoteState::Open).map(|at| {
        view! {
            <span class="vote-row__deadline">
                "Reveals "
                <time datetime=time::iso(at) title=time::exact(at)>{move || time::until(at, now.get())}</time>
            </span>
        }
    });
    let project = vote.project.clone().map(|project| {
        view! { <span class="chip">{project}</span> }
    });
    let final_size = vote.final_size.clone().map(|size| {
        view! { <span class="vote-row__final">"Final size " <strong>{size}</strong></span> }
    });
    let open_label = format!("Open vote: {}", vote.name);
    view! {
        <li class="vote-row" data-state=vote.state.as_str() data-vote-id=vote.id.clone()>
            <div class="vote-row__head">
                <h2 class="vote-row__title">{title}</h2>
                <StateBadge state=vote.state />
            </div>
            <p class="vote-row__meta">
                {project}
                <span>{deck_label(vote.deck)}</span>
                {(vote.round > 1).then(|| view! { <span>{format!("Round {}", vote.round)}</span> })}
                <span>
                    "Started "
                    <time datetime=time::iso(created) title=time::exact(created)>
                        {move || time::ago(created, now.get())}
                    </time>
                </span>
            </p>
            <div class="vote-row__tally">
                <Tally cast=vote.ballots_cast quorum=vote.quorum />
                <VoterList voters=vote.voters.clone() limit=8 />
                {deadline}
                {final_size}
            </div>
            <div class="vote-row__actions">
                <CopyLink path=routes::vote(&vote.id) label=format!("Copy the link to {}", vote.name) />
                // A plain link (the router still navigates in place): `A` would add its
                // active-link bookkeeping to each of the rows.
                <a href=routes::vote(&vote.id) class="vote-row__open" aria-label=open_label>
                    "Open vote →"
                </a>
            </div>
        </li>
    }
}
