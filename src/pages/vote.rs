use crate::navigation::use_location;
use asyncvoter_wire::{
    Card, DeckKind, EventKind, RevealCause, Role, Round, VoteDetail, VoteState, Voter, words,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::clock::use_now;
use crate::components::{
    BallotTable, CardPicker, CopyLink, DeckCards, Editable, ErrorView, FarApart, Loading,
    LoginPrompt, OwnerControls, RoundResults, RoundsCompared, StateBadge, Tally, VoteEditor,
    VoterList, Voting, deck_label,
};
use crate::first_paint;
use crate::live::{Heard, progress, use_live};
use crate::pages::NotFoundView;
use crate::routes;
use crate::session::use_session;
use crate::time;

/// What the page shows for the vote in its path.
#[derive(Clone)]
enum Shown {
    /// The first answer has not come yet.
    Loading,
    /// The vote, held in a signal that later answers change in place.
    Vote(ArcRwSignal<VoteDetail>),
    /// No vote has this id.
    NotFound,
    /// The vote was deleted while shown.
    Deleted,
    /// A members-only server and a visitor.
    LoginNeeded,
    /// The server could not answer; in its words.
    Failed(String),
}

/// `/votes/:id`: one vote, the link people share. The vote is held in a signal and each
/// part of the page reads its own slice of it, so a live change re-renders only what it
/// changed: a focused card, an open `<details>`, a half-chosen final size stay as they are.
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
    let session = use_session();
    let shown = RwSignal::new(Shown::Loading);
    // Answers to older requests than the newest are dropped.
    let asked = StoredValue::new(0u64);
    let load = move || {
        let wanted = id.get_untracked();
        let this = asked.get_value() + 1;
        asked.set_value(this);
        spawn_local(async move {
            let answer = api::get_vote(&wanted).await;
            if asked.get_value() == this {
                show(shown, answer);
            }
        });
    };
    // Another vote starts from "Loading"; logging in or out reloads what may be shown
    // (the visitor's own card) in place.
    Effect::new(move |previous: Option<String>| {
        let now = id.get();
        session.visitor();
        if previous.as_ref() != Some(&now) {
            shown.set(Shown::Loading);
        }
        load();
        now
    });
    let live = use_live();
    live.listen(move |heard| match heard {
        Heard::Change(change) if change.vote_id == id.get_untracked() => {
            if change.kind == EventKind::VoteDeleted {
                shown.set(Shown::Deleted);
            } else {
                load();
            }
        }
        Heard::Change(_) => {}
        Heard::Resync => load(),
    });
    // The server's drawing of this vote goes once the page shows what it found.
    Effect::new(move |_| {
        if shown.with(|shown| !matches!(shown, Shown::Loading)) {
            first_paint::remove();
        }
    });
    let retry = Callback::new(move |_| load());
    move || match shown.get() {
        Shown::Loading => view! { <Loading label="Loading the vote…" /> }.into_any(),
        Shown::Vote(vote) => view! { <VoteView vote reload=retry /> }.into_any(),
        Shown::NotFound => view! {
            <NotFoundView message="There is no vote with this link. It may have been mistyped." />
        }
        .into_any(),
        Shown::Deleted => view! {
            <NotFoundView message="This vote was deleted by its owner or an admin." />
        }
        .into_any(),
        Shown::LoginNeeded => view! {
            <LoginPrompt purpose="to see this vote: this server's votes are for members only." />
        }
        .into_any(),
        Shown::Failed(message) => view! { <ErrorView message retry /> }.into_any(),
    }
}

/// Puts an answer on screen: a vote already shown is changed in place (and only if it
/// changed); a failed reload keeps the vote shown.
fn show(shown: RwSignal<Shown>, answer: Result<VoteDetail, api::ApiError>) {
    match answer {
        Ok(detail) => match shown.get_untracked() {
            Shown::Vote(vote) if vote.with_untracked(|v| v.vote.id == detail.vote.id) => {
                if vote.with_untracked(|v| *v != detail) {
                    vote.set(detail);
                }
            }
            _ => shown.set(Shown::Vote(ArcRwSignal::new(detail))),
        },
        Err(error) if error.is_not_found() => shown.set(Shown::NotFound),
        Err(error) if error.is_unauthorized() => shown.set(Shown::LoginNeeded),
        Err(_) if matches!(shown.get_untracked(), Shown::Vote(_)) => {}
        Err(error) => shown.set(Shown::Failed(error.to_string())),
    }
}

/// A slice of the vote that re-renders its part only when it changes.
fn slice<T: Clone + PartialEq + Send + Sync + 'static>(
    vote: &ArcRwSignal<VoteDetail>,
    read: impl Fn(&VoteDetail) -> T + Send + Sync + 'static,
) -> Memo<T> {
    let vote = vote.clone();
    Memo::new(move |_| vote.with(&read))
}

/// The facts under a vote's title.
#[derive(Clone, PartialEq)]
struct Facts {
    deck: DeckKind,
    owner: Option<Voter>,
    round: u32,
    created: DateTime<Utc>,
    deadline: Option<DateTime<Utc>>,
    open: bool,
    revealed: Option<(DateTime<Utc>, Option<RevealCause>)>,
    final_size: Option<String>,
}

/// Everything about one vote.
#[component]
fn VoteView(vote: ArcRwSignal<VoteDetail>, reload: Callback<()>) -> impl IntoView {
    let (id, cards) = vote.with_untracked(|v| (v.vote.id.clone(), v.cards.clone()));
    let with_no_opinion = cards.iter().any(|c| c.label == "?");
    let head = slice(&vote, |v| {
        (
            v.vote.name.clone(),
            v.vote.url.clone(),
            v.vote.project.clone(),
            v.vote.state,
        )
    });
    let facts = slice(&vote, |v| Facts {
        deck: v.vote.deck,
        owner: v.vote.owner.clone(),
        round: v.vote.round,
        created: v.vote.created_at,
        deadline: v.vote.deadline,
        open: v.vote.state == VoteState::Open,
        revealed: v
            .rounds
            .last()
            .and_then(|r| Some((r.revealed_at?, r.revealed_by))),
        final_size: v.vote.final_size.clone(),
    });
    let tally = slice(&vote, |v| {
        (v.vote.ballots_cast, v.vote.quorum, v.vote.round)
    });
    let current = slice(&vote, |v| {
        let waiting_on = match v.vote.state {
            VoteState::Open => v.vote.waiting_on.clone(),
            _ => Vec::new(),
        };
        v.rounds.last().cloned().map(|round| (round, waiting_on))
    });
    let revealed = slice(&vote, |v| {
        let rounds: Vec<Round> = v
            .rounds
            .iter()
            .filter(|r| r.statistics.is_some())
            .cloned()
            .collect();
        (rounds.len() > 1).then_some(rounds)
    });
    let earlier = slice(&vote, |v| {
        v.rounds
            .iter()
            .filter(|r| r.number < v.vote.round)
            .rev()
            .cloned()
            .collect::<Vec<Round>>()
    });
    announce_progress(&vote);
    view! {
        <article class="vote" data-state=move || head.with(|h| h.3.as_str())>
            <header class="vote__head">
                <p class="vote__project">{move || head.with(|h| h.2.clone()).unwrap_or_else(|| "No project".into())}</p>
                <h1 class="vote__title">{move || head.with(|(name, url, ..)| title(name, url.as_deref()))}</h1>
                <div class="vote__badges">
                    {move || view! { <StateBadge state=head.with(|h| h.3) /> }}
                    <CopyLink path=routes::vote(&id) about="to this vote" />
                </div>
            </header>
            {move || facts.with(facts_list)}
            <section class="panel" aria-labelledby="tally-title">
                <h2 id="tally-title">{move || format!("Round {}", tally.with(|t| t.2))}</h2>
                {move || tally.with(|&(cast, quorum, _)| view! { <Tally cast quorum /> })}
                {move || current.get().map(|(round, waiting_on)| view! { <CurrentRound round waiting_on with_no_opinion /> })}
                {move || revealed.get().map(|rounds| view! { <RoundsCompared rounds /> })}
            </section>
            <Voting vote=vote.clone() cards=cards.clone() reload />
            <ManageVote vote=vote.clone() cards reload />
            <EarlierRounds rounds=earlier with_no_opinion />
        </article>
    }
}

/// The vote's name, linking to its ticket when it has one.
fn title(name: &str, url: Option<&str>) -> AnyView {
    match url {
        Some(url) => view! {
            <a href=url.to_owned() target="_blank" rel="noopener noreferrer">
                {name.to_owned()}
                <span class="external" aria-label="(opens the ticket)">" ↗"</span>
            </a>
        }
        .into_any(),
        None => view! { <span>{name.to_owned()}</span> }.into_any(),
    }
}

/// Deck, owner, round, times and the final size.
fn facts_list(facts: &Facts) -> impl IntoView + use<> {
    let now = use_now();
    let created = facts.created;
    let deadline = facts.deadline.map(|at| {
        let open = facts.open;
        view! {
            <div>
                <dt>"Deadline"</dt>
                <dd>
                    <time datetime=time::iso(at)>{time::exact(at)}</time>
                    {open.then(|| view! { <span class="muted">" · reveals " {move || time::until(at, now.get())}</span> })}
                </dd>
            </div>
        }
    });
    let revealed = facts.revealed.map(|(at, cause)| {
        let how = words::revealed_by(cause);
        view! {
            <div>
                <dt>"Revealed"</dt>
                <dd>
                    <time datetime=time::iso(at)>{move || time::ago(at, now.get())}</time>
                    <span class="muted">" · " {time::exact(at)}</span>
                    <span class="muted">{how}</span>
                </dd>
            </div>
        }
    });
    view! {
        <dl class="facts">
            <div><dt>"Deck"</dt><dd>{deck_label(facts.deck)}</dd></div>
            <div><dt>"Owner"</dt><dd>{facts.owner.clone().map(|o| o.name).unwrap_or_else(|| "—".into())}</dd></div>
            <div><dt>"Round"</dt><dd>{facts.round}</dd></div>
            <div>
                <dt>"Started"</dt>
                <dd>
                    <time datetime=time::iso(created)>{move || time::ago(created, now.get())}</time>
                    <span class="muted">" · " {time::exact(created)}</span>
                </dd>
            </div>
            {deadline}
            {revealed}
            {facts.final_size.clone().map(|size| view! {
                <div class="facts__final"><dt>"Final size"</dt><dd>{size}</dd></div>
            })}
        </dl>
    }
}

/// Tells screen readers how far the vote got whenever that changes.
fn announce_progress(vote: &ArcRwSignal<VoteDetail>) {
    let live = use_live();
    let vote = vote.clone();
    Effect::new(move |before: Option<(u32, VoteState, u32)>| {
        let now = vote.with(|v| (v.vote.ballots_cast, v.vote.state, v.vote.round));
        if before.is_some_and(|before| before != now) {
            live.announce(vote.with_untracked(|v| progress(&v.vote)));
        }
        now
    });
}

/// The deck: buttons to vote with for a member while the vote is open, otherwise the
/// cards for reference (with a way to log in and vote). A new round gets a new picker.
#[component]
fn Voting(vote: ArcRwSignal<VoteDetail>, cards: Vec<Card>, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let id = vote.with_untracked(|v| v.vote.id.clone());
    let round = slice(&vote, |v| (v.vote.state == VoteState::Open, v.vote.round));
    let my_card = slice(&vote, |v| v.my_card.clone());
    let my_reason = slice(&vote, |v| v.my_reason.clone());
    move || {
        let (open, _) = round.get();
        let cards = cards.clone();
        if open && session.is_logged_in() {
            view! {
                <section class="panel" aria-labelledby="deck-title">
                    <h2 id="deck-title">"Your vote"</h2>
                    <CardPicker vote_id=id.clone() cards my_card my_reason on_change=reload />
                </section>
            }
            .into_any()
        } else {
            view! {
                <section class="panel" aria-labelledby="deck-title">
                    <h2 id="deck-title">"Cards in this deck"</h2>
                    <p class="panel__subtitle deck-legend__why">
                        {words::deck_for_reference(open)}
                    </p>
                    <DeckCards cards />
                    {(open && !session.is_logged_in()).then(|| view! { <LoginPrompt purpose="to vote." /> })}
                </section>
            }
            .into_any()
        }
    }
}

/// Reveal, new round, close and a closed vote's size, for the owner and admins.
#[component]
fn ManageVote(
    vote: ArcRwSignal<VoteDetail>,
    cards: Vec<Card>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let id = vote.with_untracked(|v| v.vote.id.clone());
    let stage = slice(&vote, |v| {
        (
            v.vote.state,
            v.vote.final_size.clone(),
            v.vote.owner.as_ref().map(|o| o.id.clone()),
        )
    });
    // What the controls start on: the last revealed round's most chosen card.
    let suggested = slice(&vote, |v| {
        v.rounds
            .iter()
            .rev()
            .find_map(|r| r.statistics.as_ref())
            .and_then(|s| s.suggested_size())
    });
    // Who an open round still waits on, read by the controls in place (a ballot must not
    // rebuild them and lose a size half chosen).
    let waiting_on = slice(&vote, |v| {
        if v.vote.state == VoteState::Open {
            v.vote.waiting_on.clone()
        } else {
            Vec::new()
        }
    });
    // What the editor starts from: none of it is what a ballot changes, so a ballot
    // leaves the editor, and what is typed in it, alone.
    let editable = slice(&vote, |v| Editable {
        name: v.vote.name.clone(),
        url: v.vote.url.clone(),
        voting: (v.vote.state == VoteState::Open).then(|| Voting {
            deadline: v.vote.deadline,
            expected: v.vote.expected_voters.clone(),
            reveal_when_all_voted: v.vote.reveal_when_all_voted,
        }),
    });
    let may = Memo::new(move |_| {
        let owner = stage.with(|s| s.2.clone());
        session.member().is_some_and(|member| {
            owner.as_deref() == Some(member.username.as_str()) || member.role == Role::Admin
        })
    });
    let editor_id = id.clone();
    view! {
        {move || {
            let (state, final_size, _) = stage.get();
            let suggested = suggested.get();
            may.get().then(|| view! {
                <OwnerControls
                    vote_id=id.clone()
                    state
                    cards=cards.clone()
                    current_size=final_size
                    suggested
                    waiting_on
                    on_change=reload
                />
            })
        }}
        {move || {
            let vote = may.get().then(|| editable.get())?;
            Some(view! { <VoteEditor vote_id=editor_id.clone() vote on_change=reload /> })
        }}
    }
}

/// The current round: sealed (who has voted, who it still waits on) or revealed (its
/// numbers, the far ends' reasons and every ballot).
#[component]
fn CurrentRound(round: Round, waiting_on: Vec<Voter>, with_no_opinion: bool) -> impl IntoView {
    if round.revealed_at.is_some() {
        let caption = format!("Ballots of round {}", round.number);
        return view! {
            <RoundResults round=round.clone() with_no_opinion />
            <FarApart round=round.clone() />
            <BallotTable ballots=round.ballots caption />
        }
        .into_any();
    }
    let voted = (!round.ballots.is_empty()).then(|| {
        let voters = round
            .ballots
            .into_iter()
            .map(|b| b.voter)
            .collect::<Vec<_>>();
        view! {
            <h3 class="panel__subtitle">"Who has voted"</h3>
            <VoterList voters />
        }
    });
    let nobody_yet = voted.is_none();
    let waiting = (!waiting_on.is_empty()).then(|| {
        view! {
            <h3 class="panel__subtitle">"Waiting on"</h3>
            <VoterList voters=waiting_on label="Who the vote waits on" />
        }
    });
    view! {
        {voted}
        {waiting}
        <p class="muted sealed-note">
            {if nobody_yet { "Nobody has voted yet. " } else { "" }}
            {words::SEALED_NOTE}
        </p>
    }
    .into_any()
}

/// Rounds before the current one, newest first, each folded away; a round keeps its
/// place (and whether it is open) when another starts.
#[component]
fn EarlierRounds(rounds: Memo<Vec<Round>>, with_no_opinion: bool) -> impl IntoView {
    let any = Memo::new(move |_| !rounds.with(Vec::is_empty));
    move || {
        any.get().then(|| {
            view! {
                <section class="panel" aria-labelledby="earlier-title">
                    <h2 id="earlier-title">"Earlier rounds"</h2>
                    <For each=move || rounds.get() key=|round| round.number let:round>
                        <details class="round">
                            <summary>{format!("Round {} · {} ballots", round.number, round.ballots.len())}</summary>
                            <RoundResults round=round.clone() with_no_opinion />
                            <FarApart round=round.clone() />
                            <BallotTable ballots=round.ballots caption=format!("Ballots of round {}", round.number) />
                        </details>
                    </For>
                </section>
            }
        })
    }
}
