use asyncvoter_wire::{VoteDetail, VotePatch, Voter};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::{Checkbox, Disclosure, VoterPicker};
use crate::task::Task;
use crate::time;

/// A vote as its editor finds it.
#[derive(Clone, PartialEq)]
pub struct Editable {
    /// The story.
    pub name: String,
    /// The ticket's link.
    pub url: Option<String>,
    /// What only an open vote changes; `None` once its ballots are revealed, when the
    /// story and its link can still be corrected.
    pub voting: Option<Voting>,
}

/// How an open vote's round ends.
#[derive(Clone, PartialEq)]
pub struct Voting {
    /// When the round reveals.
    pub deadline: Option<DateTime<Utc>>,
    /// Who it waits on.
    pub expected: Vec<Voter>,
    /// Whether it reveals once every expected voter has voted.
    pub reveal_when_all_voted: bool,
}

/// Changing a vote, for its owner and admins: its story and ticket link; while it is open,
/// also its reveal time, who it waits on (the members to choose from, and anyone already
/// expected who is not one), and whether it reveals once all of them voted. Only what
/// changed is sent, so an unchanged deadline is never checked again.
#[component]
pub fn VoteEditor(
    /// The vote.
    #[prop(into)]
    vote_id: String,
    /// What it is now.
    vote: Editable,
    /// Called after a change, to reload the vote.
    on_change: Callback<()>,
) -> impl IntoView {
    let id = StoredValue::new(vote_id);
    let voting = vote.voting.map(VotingChoice::new);
    let summary = match voting.map(|choice| choice.chosen.with_untracked(Vec::len)) {
        None => "Correct the story or its link".to_owned(),
        Some(0) => "Change this vote, or choose who it waits on".to_owned(),
        Some(n) => format!("Change this vote or who it waits on ({n})"),
    };
    let url = vote.url.unwrap_or_default();
    let was = StoredValue::new([vote.name.clone(), url.clone()]);
    let problem = RwSignal::new(None::<String>);
    let save = Task::<VoteDetail>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The text fields as typed: read once here instead of bound to signals.
        let form: web_sys::HtmlFormElement = ev.target().unwrap().unchecked_into();
        let field = |name: &str| {
            form.get_with_name(name)
                .map(|field| field.unchecked_into::<web_sys::HtmlInputElement>().value())
                .unwrap_or_default()
        };
        let changes = match voting {
            Some(choice) => choice.changes(&field("deadline")),
            None => Ok(VotePatch::default()),
        };
        let changes = match changes {
            Ok(changes) => changes,
            Err(message) => return problem.set(Some(message)),
        };
        problem.set(None);
        let [name, url] = ["name", "url"].map(field);
        let url = url.trim().to_owned();
        let patch = was.with_value(|[old_name, old_url]| VotePatch {
            name: (name != *old_name).then_some(name),
            url: (url != *old_url).then(|| Some(url).filter(|l| !l.is_empty())),
            ..changes
        });
        save.run(
            async move { api::change_vote(&id.get_value(), &patch).await },
            move |_| on_change.run(()),
        );
    };
    view! {
        <Disclosure class="vote-editor" summary>
            <form class="form" on:submit=submit>
                <label class="field">
                    <span class="field__label">"Story"</span>
                    <input name="name" required maxlength="200" value=vote.name />
                </label>
                <label class="field">
                    <span class="field__label">"Link to the ticket (optional)"</span>
                    <input type="url" name="url" placeholder="https://…" value=url />
                </label>
                {voting.map(VotingChoice::fields)}
                {move || problem.get().or_else(|| save.error()).map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button type="submit" class="button button--quiet" disabled=move || save.pending()>"Save changes"</button>
            </form>
        </Disclosure>
    }
}

/// What the editor of an open vote chooses beside its story: the reveal time, who it
/// waits on, and whether it reveals once all of them voted.
#[derive(Clone, Copy)]
struct VotingChoice {
    /// The reveal time as the form first shows it, on the viewer's clock.
    deadline: StoredValue<String>,
    /// The ids chosen to wait on.
    chosen: RwSignal<Vec<String>>,
    /// Reveal once all of them voted.
    reveal: RwSignal<bool>,
    /// The people already expected, offered beside the members.
    expected: StoredValue<Vec<Voter>>,
}

impl VotingChoice {
    fn new(voting: Voting) -> Self {
        let chosen = voting.expected.iter().map(|v| v.id.clone()).collect();
        VotingChoice {
            deadline: StoredValue::new(
                voting
                    .deadline
                    .map(time::to_local_input)
                    .unwrap_or_default(),
            ),
            chosen: RwSignal::new(chosen),
            reveal: RwSignal::new(voting.reveal_when_all_voted || voting.expected.is_empty()),
            expected: StoredValue::new(voting.expected),
        }
    }

    /// What to send with `deadline` as typed: the reveal time only when it changed, who
    /// the vote waits on and how, always.
    fn changes(self, deadline: &str) -> Result<VotePatch, String> {
        let reveal_at = time::from_local_input(deadline)?;
        Ok(VotePatch {
            deadline: self
                .deadline
                .with_value(|was| was != deadline)
                .then_some(reveal_at),
            expected_voters: Some(self.chosen.get()),
            reveal_when_all_voted: Some(self.reveal.get()),
            ..VotePatch::default()
        })
    }

    fn fields(self) -> impl IntoView {
        let VotingChoice { chosen, reveal, .. } = self;
        view! {
            <label class="field">
                <span class="field__label">"Reveal at (optional, your time)"</span>
                <input type="datetime-local" name="deadline" value=self.deadline.get_value() />
            </label>
            <VoterPicker others=Signal::stored(self.expected.get_value()) chosen />
            {move || (!chosen.with(Vec::is_empty)).then(|| view! {
                <Checkbox name="reveal_when_all_voted" checked=reveal label="Reveal as soon as everyone chosen has voted" />
            })}
        }
    }
}
