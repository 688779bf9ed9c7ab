use asyncvoter_wire::{Round, VoteDetail, VoteState};
use leptos::prelude::*;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

use crate::api::{self, ApiError};
use crate::clock::use_now;
use crate::components::{
    BallotTable, DeckCards, ErrorsView, Loading, StateBadge, Tally, VoterList, deck_label,
};
use crate::pages::NotFoundView;
use crate::time;

#[derive(Params, Clone, PartialEq)]
struct VoteParams {
    id: Option<String>,
}

/// `/votes/:id`: one vote, the link people share.
#[component]
pub fn VotePage() -> impl IntoView {
    let params = use_params::<VoteParams>();
    let id = move || {
        params
            .read()
            .as_ref()
            .ok()
            .and_then(|p| p.id.clone())
            .unwrap_or_default()
    };
    let vote = LocalResource::new(move || {
        let id = id();
        async move { api::get_vote(&id).await }
    });
    let retry = Callback::new(move |_| vote.refetch());
    view! {
        <Transition fallback=|| view! { <Loading label="Loading the vote…" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorsView errors retry /> }>
                {move || Suspend::new(async move {
                    match vote.await {
                        Ok(vote) => Ok(view! { <VoteView vote /> }.into_any()),
                        Err(error) if error.is_not_found() => Ok(view! {
                            <NotFoundView message="There is no vote with this link. It may have been mistyped." />
                        }.into_any()),
                        Err(error) => Err::<AnyView, ApiError>(error),
                    }
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// Everything about one vote.
#[component]
fn VoteView(vote: VoteDetail) -> impl IntoView {
    let now = use_now();
    let summary = vote.vote.clone();
    let created = summary.created_at;
    let current = vote.rounds.last().cloned();
    let earlier: Vec<Round> = vote
        .rounds
        .iter()
        .filter(|r| r.number < summary.round)
        .cloned()
        .collect();
    let title = match summary.url.clone() {
        Some(url) => view! {
            <a href=url target="_blank" rel="noopener noreferrer">
                {summary.name.clone()}
                <span class="external" aria-label="(opens the ticket)">" ↗"</span>
            </a>
        }
        .into_any(),
        None => view! { <span>{summary.name.clone()}</span> }.into_any(),
    };
    let deadline = summary.deadline.map(|at| {
        let open = summary.state == VoteState::Open;
        view! {
            <div>
                <dt>"Deadline"</dt>
                <dd>
                    <time datetime=time::iso(at) title=time::exact(at)>{time::exact(at)}</time>
                    {open.then(|| view! { <span class="muted">" · reveals " {move || time::until(at, now.get())}</span> })}
                </dd>
            </div>
        }
    });
    view! {
        <article class="vote" data-state=summary.state.as_str()>
            <header class="vote__head">
                <p class="vote__project">{summary.project.clone().unwrap_or_else(|| "No project".into())}</p>
                <h1 class="vote__title">{title}</h1>
                <StateBadge state=summary.state />
            </header>
            <dl class="facts">
                <div><dt>"Deck"</dt><dd>{deck_label(summary.deck)}</dd></div>
                <div><dt>"Owner"</dt><dd>{summary.owner.clone().map(|o| o.name).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>"Round"</dt><dd>{summary.round}</dd></div>
                <div>
                    <dt>"Started"</dt>
                    <dd><time datetime=time::iso(created) title=time::exact(created)>{move || time::ago(created, now.get())}</time></dd>
                </div>
                {deadline}
                {current.as_ref().and_then(revealed_fact)}
                {summary.final_size.clone().map(|size| view! {
                    <div class="facts__final"><dt>"Final size"</dt><dd>{size}</dd></div>
                })}
            </dl>
            <section class="panel" aria-labelledby="tally-title">
                <h2 id="tally-title">{format!("Round {}", summary.round)}</h2>
                <Tally cast=summary.ballots_cast quorum=summary.quorum />
                {current.map(|round| view! { <CurrentRound round /> })}
            </section>
            <section class="panel" aria-labelledby="deck-title">
                <h2 id="deck-title">"Cards"</h2>
                <DeckCards cards=vote.cards.clone() />
            </section>
            {(!earlier.is_empty()).then(|| view! { <EarlierRounds rounds=earlier /> })}
        </article>
    }
}

/// When and how the current round was revealed, as a fact of the vote.
fn revealed_fact(round: &Round) -> Option<impl IntoView + use<>> {
    let at = round.revealed_at?;
    let how = match round.revealed_by.as_deref() {
        Some("quorum") => " · quorum reached",
        Some("deadline") => " · deadline passed",
        Some("close") => " · on close",
        _ => "",
    };
    let now = use_now();
    Some(view! {
        <div>
            <dt>"Revealed"</dt>
            <dd>
                <time datetime=time::iso(at) title=time::exact(at)>{move || time::ago(at, now.get())}</time>
                <span class="muted">{how}</span>
            </dd>
        </div>
    })
}

/// The current round: sealed (who has voted) or revealed (every ballot).
#[component]
fn CurrentRound(round: Round) -> impl IntoView {
    if round.revealed_at.is_some() {
        let caption = format!("Ballots of round {}", round.number);
        view! { <BallotTable ballots=round.ballots caption /> }.into_any()
    } else if round.ballots.is_empty() {
        view! { <p class="muted">"Nobody has voted yet. Estimates stay sealed until the vote is revealed."</p> }.into_any()
    } else {
        let voters = round
            .ballots
            .into_iter()
            .map(|b| b.voter)
            .collect::<Vec<_>>();
        view! {
            <h3 class="panel__subtitle">"Who has voted"</h3>
            <VoterList voters />
            <p class="muted sealed-note">"🔒 Estimates stay sealed until the vote is revealed."</p>
        }
        .into_any()
    }
}

/// Rounds before the current one, each folded away.
#[component]
fn EarlierRounds(rounds: Vec<Round>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="earlier-title">
            <h2 id="earlier-title">"Earlier rounds"</h2>
            {rounds
                .into_iter()
                .rev()
                .map(|round| {
                    let caption = format!("Ballots of round {}", round.number);
                    view! {
                        <details class="round">
                            <summary>{format!("Round {} · {} ballots", round.number, round.ballots.len())}</summary>
                            <BallotTable ballots=round.ballots caption />
                        </details>
                    }
                })
                .collect_view()}
        </section>
    }
}
