use asyncvoter_wire::{VoteState, VoteSummary};
use leptos::prelude::*;

use crate::clock::use_now;
use crate::components::round_results::agreement_word;
use crate::components::{CopyLink, StateBadge, Tally, VoterList, deck_label};
use crate::{routes, time};

/// One vote in a list: its story, state, who has voted and what comes next. The row
/// reads its own signal: a live change re-renders the parts it changed, not the row.
#[component]
pub fn VoteRow(
    /// The vote, changed in place by the list.
    vote: ArcRwSignal<VoteSummary>,
) -> impl IntoView {
    let now = use_now();
    // What a vote keeps for its whole life.
    let (id, name, url, project, deck, created) = vote.with_untracked(|v| {
        (
            v.id.clone(),
            v.name.clone(),
            v.url.clone(),
            v.project.clone(),
            v.deck,
            v.created_at,
        )
    });
    // The title opens the vote; the ticket is its own small link beside it.
    let title = view! {
        <a class="vote-row__link" href=routes::vote(&id)>{name.clone()}</a>
        {url.map(|url| view! {
            " "
            <a
                class="vote-row__ticket"
                href=url
                target="_blank"
                rel="noopener noreferrer"
                aria-label=format!("The ticket of {name} (opens in a new tab)")
                title="Open the ticket"
            >
                "↗"
            </a>
        })}
    };
    let read = |field: fn(&VoteSummary) -> AnyView| {
        let vote = vote.clone();
        move || vote.with(field)
    };
    let state = {
        let vote = vote.clone();
        move || vote.with(|v| v.state.as_str())
    };
    view! {
        <li class="vote-row" data-state=state data-vote-id=id.clone()>
            <div class="vote-row__head">
                <h2 class="vote-row__title">{title}</h2>
                {read(|v| view! { <StateBadge state=v.state /> }.into_any())}
            </div>
            <p class="vote-row__meta">
                {project.map(|project| view! { <span class="chip">{project}</span> })}
                <span>{deck_label(deck)}</span>
                {read(|v| (v.round > 1).then(|| view! { <span>{format!("Round {}", v.round)}</span> }).into_any())}
                <span>
                    "Started "
                    <time datetime=time::iso(created) title=time::exact(created)>
                        {move || time::ago(created, now.get())}
                    </time>
                </span>
            </p>
            <div class="vote-row__tally">
                // One effect for what a ballot or a close changes (fewer effects per row
                // render the list sooner).
                {read(|v| view! {
                    <Tally cast=v.ballots_cast quorum=v.quorum />
                    <VoterList voters=v.voters.clone() limit=8 />
                    {deadline(v)}
                    {waiting_on(v)}
                    {v.final_size.clone().map(|size| view! {
                        <span class="vote-row__final">
                            "Final size " <strong>{size}</strong>
                            {format!(" · {} round{}", v.round, if v.round == 1 { "" } else { "s" })}
                            {v.agreement.map(|a| format!(" · {}", agreement_word(a)))}
                        </span>
                    })}
                }.into_any())}
            </div>
            <div class="vote-row__actions">
                <CopyLink path=routes::vote(&id) about=format!("to {name}") />
            </div>
        </li>
    }
}

/// When an open vote reveals by itself.
fn deadline(vote: &VoteSummary) -> Option<impl IntoView + use<>> {
    let at = vote.deadline.filter(|_| vote.state == VoteState::Open)?;
    let now = use_now();
    Some(view! {
        <span class="vote-row__deadline">
            "Reveals "
            <time datetime=time::iso(at) title=time::exact(at)>{move || time::until(at, now.get())}</time>
        </span>
    })
}

/// Who an open vote still waits on: "Waiting on Ana, Ben and 2 more".
fn waiting_on(vote: &VoteSummary) -> Option<impl IntoView + use<>> {
    if vote.state != VoteState::Open || vote.waiting_on.is_empty() {
        return None;
    }
    let names: Vec<&str> = vote.waiting_on.iter().map(|v| v.name.as_str()).collect();
    let text = asyncvoter_wire::words::waiting_on(&names)?;
    Some(view! { <span class="vote-row__waiting">"Waiting on " {text}</span> })
}
