use asyncvoter_wire::{RevealCause, Role, Round, VoteDetail, VoteState};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::{self, ApiError};
use crate::clock::use_now;
use crate::components::{
    BallotTable, CardPicker, CopyLink, DeckCards, Disclosure, LoginPrompt, OwnerControls,
    PickerMemory, RoundResults, RoundsCompared, StateBadge, Tally, VoterList, deck_label, loaded,
    provide_open_disclosures,
};
use crate::live::{Heard, progress, use_live};
use crate::pages::NotFoundView;
use crate::routes;
use crate::session::use_session;
use crate::time;

/// `/votes/:id`: one vote, the link people share.
#[component]
pub fn VotePage() -> impl IntoView {
    let pathname = use_location().pathname;
    // Keeps the last id while the path leaves for another page, so nothing reloads then.
    let id = Memo::new(move |last: Option<&String>| {
        routes::vote_id(&pathname.read())
            .map(routes::decode)
            .or_else(|| last.cloned())
            .unwrap_or_default()
    });
    let id = move || id.get();
    let session = use_session();
    let vote = LocalResource::new(move || {
        let id = id();
        // Logging in or out changes what the page may show (the visitor's own card).
        session.visitor();
        async move { api::get_vote(&id).await }
    });
    let retry = Callback::new(move |_| vote.refetch());
    let memory = PickerMemory::default();
    follow_live_changes(vote, id);
    let disclosures = provide_open_disclosures();
    Effect::new(move |_| {
        id();
        disclosures.forget();
    });
    view! {
        {loaded(vote, "Loading the vote…", retry, move |result| {
                    match result {
                        Ok(vote) => Ok(view! { <VoteView vote reload=retry memory /> }.into_any()),
                        Err(error) if error.is_not_found() => Ok(view! {
                            <NotFoundView message="There is no vote with this link. It may have been mistyped." />
                        }.into_any()),
                        Err(error) if error.is_unauthorized() => Ok(view! {
                            <LoginPrompt purpose="to see this vote: this server's votes are for members only." />
                        }.into_any()),
                        Err(error) => Err(error),
                    }
        })}
    }
}

/// Reloads the vote when an event names it (or after a resync), and announces how far it
/// got when that changed.
fn follow_live_changes(
    vote: LocalResource<Result<VoteDetail, ApiError>>,
    id: impl Fn() -> String + Copy + 'static,
) {
    let live = use_live();
    live.listen(move |heard| match heard {
        Heard::Change(change) if change.vote_id == id() => vote.refetch(),
        Heard::Change(_) => {}
        Heard::Resync => vote.refetch(),
    });
    // (id, ballots, state, round) last shown, to announce only real changes.
    let shown = StoredValue::new(None::<(String, u32, VoteState, u32)>);
    Effect::new(move |_| {
        let Some(Ok(detail)) = vote.get() else { return };
        let summary = &detail.vote;
        let now = (
            summary.id.clone(),
            summary.ballots_cast,
            summary.state,
            summary.round,
        );
        let before = shown.get_value();
        if before.as_ref().is_some_and(|b| b.0 == now.0 && *b != now) {
            live.announce(progress(summary));
        }
        shown.set_value(Some(now));
    });
}

/// Everything about one vote.
#[component]
fn VoteView(vote: VoteDetail, reload: Callback<()>, memory: PickerMemory) -> impl IntoView {
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
    let with_no_opinion = vote.cards.iter().any(|c| c.label == "?");
    let revealed_rounds: Vec<Round> = vote
        .rounds
        .iter()
        .filter(|r| r.statistics.is_some())
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
                <div class="vote__badges">
                    <StateBadge state=summary.state />
                    <CopyLink path=routes::vote(&summary.id) label="Copy the link to this vote" />
                </div>
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
                {current.map(|round| view! { <CurrentRound round with_no_opinion /> })}
                {(revealed_rounds.len() > 1).then(|| view! { <RoundsCompared rounds=revealed_rounds /> })}
            </section>
            <Voting vote=vote.clone() reload memory />
            <ManageVote vote=vote.clone() reload />
            {(!earlier.is_empty()).then(|| view! { <EarlierRounds rounds=earlier with_no_opinion /> })}
        </article>
    }
}

/// The deck: buttons to vote with for a member while the vote is open, otherwise the
/// cards for reference (with a way to log in and vote).
#[component]
fn Voting(vote: VoteDetail, reload: Callback<()>, memory: PickerMemory) -> impl IntoView {
    let session = use_session();
    let open = vote.vote.state == VoteState::Open;
    move || {
        let cards = vote.cards.clone();
        if open && session.is_logged_in() {
            view! {
                <section class="panel" aria-labelledby="deck-title">
                    <h2 id="deck-title">"Your vote"</h2>
                    <CardPicker vote_id=vote.vote.id.clone() cards my_card=vote.my_card.clone() on_change=reload memory />
                </section>
            }
            .into_any()
        } else {
            view! {
                <section class="panel" aria-labelledby="deck-title">
                    <h2 id="deck-title">"Cards"</h2>
                    <DeckCards cards />
                    {(open && !session.is_logged_in()).then(|| view! { <LoginPrompt purpose="to vote." /> })}
                </section>
            }
            .into_any()
        }
    }
}

/// Reveal, new round and close, for the owner and admins.
#[component]
fn ManageVote(vote: VoteDetail, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    move || {
        let member = session.member()?;
        let owner = vote
            .vote
            .owner
            .as_ref()
            .is_some_and(|o| o.id == member.username);
        let may = (owner || member.role == Role::Admin) && vote.vote.state != VoteState::Closed;
        may.then(|| {
            view! {
                <OwnerControls vote_id=vote.vote.id.clone() state=vote.vote.state cards=vote.cards.clone() on_change=reload />
            }
        })
    }
}

/// When and how the current round was revealed, as a fact of the vote.
fn revealed_fact(round: &Round) -> Option<impl IntoView + use<>> {
    let at = round.revealed_at?;
    let how = match round.revealed_by {
        Some(RevealCause::Quorum) => " · quorum reached",
        Some(RevealCause::Deadline) => " · deadline passed",
        Some(RevealCause::Close) => " · on close",
        Some(RevealCause::Manual) | None => "",
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

/// The current round: sealed (who has voted) or revealed (its numbers and every ballot).
#[component]
fn CurrentRound(round: Round, with_no_opinion: bool) -> impl IntoView {
    if round.revealed_at.is_some() {
        let caption = format!("Ballots of round {}", round.number);
        view! {
            <RoundResults round=round.clone() with_no_opinion />
            <BallotTable ballots=round.ballots caption />
        }
        .into_any()
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
            <p class="muted sealed-note">"Estimates stay sealed until the vote is revealed."</p>
        }
        .into_any()
    }
}

/// Rounds before the current one, each folded away.
#[component]
fn EarlierRounds(rounds: Vec<Round>, with_no_opinion: bool) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="earlier-title">
            <h2 id="earlier-title">"Earlier rounds"</h2>
            {rounds
                .into_iter()
                .rev()
                .map(|round| {
                    let caption = format!("Ballots of round {}", round.number);
                    view! {
                        <Disclosure key=format!("round-{}", round.number) class="round"
                            summary=format!("Round {} · {} ballots", round.number, round.ballots.len())>
                            <RoundResults round=round.clone() with_no_opinion />
                            <BallotTable ballots=round.ballots caption />
                        </Disclosure>
                    }
                })
                .collect_view()}
        </section>
    }
}
