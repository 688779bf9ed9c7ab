use crate::navigation::use_navigate;
use asyncvoter_wire::{DeckKind, NewVote, ProjectUpdate, VoteDetail, Voter};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::{Checkbox, LoginPrompt, VoterPicker, deck_label};
use crate::fetch::Fetch;
use crate::routes;
use crate::session::use_session;
use crate::task::Task;

const DECKS: [DeckKind; 4] = [
    DeckKind::Fibonacci,
    DeckKind::Tshirt,
    DeckKind::Agileventures,
    DeckKind::Custom,
];

/// `/votes/new`: start a vote on a story.
#[component]
pub fn NewVotePage() -> impl IntoView {
    let session = use_session();
    view! {
        <section class="narrow">
            <div class="page-head">
                <h1>"Start a vote"</h1>
                <p class="lede">"Teammates vote when it suits them; nobody sees a value until the reveal."</p>
            </div>
            {move || if session.is_logged_in() {
                view! { <NewVoteForm /> }.into_any()
            } else {
                view! { <LoginPrompt purpose="to start a vote." /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn NewVoteForm() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let project = RwSignal::new(String::new());
    // Existing projects, suggested while typing ("platform" and "Platform" are one).
    let known = Fetch::new(api::projects);
    let deck = RwSignal::new(DeckKind::Fibonacci);
    let cards = RwSignal::new(String::new());
    let quorum = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let voters = ExpectedVoters::new();
    let reveal_when_all_voted = RwSignal::new(true);
    let problem = RwSignal::new(None::<String>);
    let create = Task::<VoteDetail>::new();
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (quorum, deadline) = match (
            parse_quorum(&quorum.get()),
            crate::time::from_local_input(&deadline.get()),
        ) {
            (Ok(quorum), Ok(deadline)) => (quorum, deadline),
            (Err(message), _) | (_, Err(message)) => {
                problem.set(Some(message));
                return;
            }
        };
        problem.set(None);
        let chosen = voters.chosen.get();
        let project = Some(project.get().trim().to_owned()).filter(|p| !p.is_empty());
        let remember = project.clone().filter(|_| voters.remember.get());
        let vote = NewVote {
            name: name.get(),
            url: Some(url.get()).filter(|u| !u.trim().is_empty()),
            project,
            deck: deck.get(),
            cards: (deck.get() == DeckKind::Custom).then(|| split_cards(&cards.get())),
            quorum,
            deadline,
            owner: None,
            reveal_when_all_voted: (!chosen.is_empty()).then(|| reveal_when_all_voted.get()),
            expected_voters: Some(chosen.clone()).filter(|c| !c.is_empty()),
        };
        let navigate = navigate.clone();
        create.run(
            async move {
                if let Some(project) = remember {
                    let usual = ProjectUpdate {
                        default_voters: Some(chosen),
                        ..ProjectUpdate::default()
                    };
                    api::save_project(&project, &usual).await?;
                }
                api::create_vote(&vote).await
            },
            move |created| {
                navigate(&routes::vote(&created.vote.id), Default::default());
            },
        );
    };
    view! {
        <form class="form panel" on:submit=submit>
            <label class="field">
                <span class="field__label">"Story"</span>
                <input name="name" required maxlength="200" placeholder="e.g. Search results pagination" bind:value=name />
            </label>
            <label class="field">
                <span class="field__label">"Link to the ticket (optional)"</span>
                <input type="url" name="url" placeholder="https://…" bind:value=url />
            </label>
            <label class="field">
                <span class="field__label">"Project (optional)"</span>
                <input name="project" maxlength="100" placeholder="e.g. web-shop" list="known-projects"
                    autocomplete="off" bind:value=project
                    on:change=move |_| voters.project_chosen(project.get_untracked()) />
                <datalist id="known-projects">
                    {move || known.get().and_then(Result::ok).unwrap_or_default().into_iter()
                        .map(|name| view! { <option value=name /> }).collect_view()}
                </datalist>
            </label>
            <label class="field">
                <span class="field__label">"Deck"</span>
                <select name="deck" on:change:target=move |ev| deck.set(deck_of(&ev.target().value()))>
                    {DECKS
                        .into_iter()
                        .map(|kind| view! { <option value=kind.as_str() selected=move || deck.get() == kind>{deck_label(kind)}</option> })
                        .collect_view()}
                </select>
            </label>
            {move || (deck.get() == DeckKind::Custom).then(|| view! {
                <label class="field">
                    <span class="field__label">"Cards, smallest first, separated by spaces or commas (2–20, up to 8 characters each)"</span>
                    <input name="cards" required placeholder="1d 2d 3d 1w 2w ?" bind:value=cards />
                </label>
            })}
            <ExpectedVotersField voters project reveal_when_all_voted />
            <div class="form__row">
                <label class="field">
                    <span class="field__label">"Reveal after this many votes (optional)"</span>
                    <input type="number" name="quorum" min="1" max="1000" inputmode="numeric" bind:value=quorum />
                </label>
                <label class="field">
                    <span class="field__label">"Reveal at (optional, your time)"</span>
                    <input type="datetime-local" name="deadline" bind:value=deadline />
                </label>
            </div>
            {move || problem.get().or_else(|| create.error()).map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" class="button" disabled=move || create.pending()>
                {move || if create.pending() { "Starting…" } else { "Start the vote" }}
            </button>
        </form>
    }
}

/// Who the new vote waits on: the choice, and what the project remembers.
#[derive(Clone, Copy)]
struct ExpectedVoters {
    /// The ids chosen.
    chosen: RwSignal<Vec<String>>,
    /// Whether the visitor changed the choice by hand (a project's usual voters then no
    /// longer replace it).
    touched: RwSignal<bool>,
    /// The usual voters of the project typed, once asked: (project, voters).
    usual: RwSignal<Option<(String, Vec<Voter>)>>,
    /// Save the choice as the project's usual voters.
    remember: RwSignal<bool>,
}

impl ExpectedVoters {
    fn new() -> Self {
        ExpectedVoters {
            chosen: RwSignal::new(Vec::new()),
            touched: RwSignal::new(false),
            usual: RwSignal::new(None),
            remember: RwSignal::new(false),
        }
    }

    /// A project was typed: its usual voters fill the choice, unless chosen by hand.
    fn project_chosen(self, project: String) {
        let project = project.trim().to_owned();
        if project.is_empty() {
            self.usual.set(None);
            return;
        }
        spawn_local(async move {
            // No usual voters to offer is no reason to stop someone starting a vote.
            let Ok(found) = api::project(&project).await else {
                return;
            };
            if !self.touched.get_untracked() && !found.default_voters.is_empty() {
                self.chosen
                    .set(found.default_voters.iter().map(|v| v.id.clone()).collect());
            }
            self.usual.set(Some((found.name, found.default_voters)));
        });
    }

    /// The project's usual voters, offered beside the members (external ids among them).
    fn usual_voters(self) -> Vec<Voter> {
        self.usual
            .with(|usual| usual.as_ref().map(|(_, voters)| voters.clone()))
            .unwrap_or_default()
    }

    /// True when the choice differs from what `project` remembers.
    fn differs_from_usual(self, project: &str) -> bool {
        let chosen = self.chosen.get();
        match self.usual.get() {
            Some((name, usual)) if name == project => {
                usual.len() != chosen.len() || usual.iter().any(|v| !chosen.contains(&v.id))
            }
            _ => !chosen.is_empty(),
        }
    }
}

/// The picker, with a word on where the choice came from and what else it can do.
#[component]
fn ExpectedVotersField(
    voters: ExpectedVoters,
    project: RwSignal<String>,
    reveal_when_all_voted: RwSignal<bool>,
) -> impl IntoView {
    let trimmed = move || project.get().trim().to_owned();
    let prefilled = move || {
        let (name, usual) = voters.usual.get()?;
        (!voters.touched.get() && !usual.is_empty() && name == trimmed())
            .then(|| format!("Filled in with {name}'s usual voters."))
    };
    view! {
        <div class="field">
            <VoterPicker
                others=Signal::derive(move || voters.usual_voters())
                chosen=voters.chosen
                on_touch=Callback::new(move |()| voters.touched.set(true))
            />
            {move || prefilled().map(|note| view! { <p class="muted" role="status">{note}</p> })}
            {move || (!voters.chosen.with(Vec::is_empty)).then(|| view! {
                <Checkbox name="reveal_when_all_voted" checked=reveal_when_all_voted label="Reveal as soon as everyone chosen has voted" />
            })}
            {move || {
                let project = trimmed();
                (!project.is_empty() && voters.differs_from_usual(&project)).then(|| view! {
                    <Checkbox
                        name="remember_voters"
                        checked=voters.remember
                        label=format!("Remember them as {project}'s usual voters")
                    />
                })
            }}
        </div>
    }
}

fn deck_of(value: &str) -> DeckKind {
    DECKS
        .into_iter()
        .find(|k| k.as_str() == value)
        .unwrap_or(DeckKind::Fibonacci)
}

fn split_cards(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|card| !card.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parse_quorum(text: &str) -> Result<Option<u32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| "The number of votes must be a whole number.".to_owned())
}
