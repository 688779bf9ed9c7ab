use asyncvoter_wire::{VoteDetail, VotePatch, Voter};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::{Checkbox, Disclosure, VoterPicker};
use crate::task::Task;
use crate::time;

/// An open vote as its editor finds it.
#[derive(Clone, PartialEq)]
pub struct Editable {
    /// The story.
    pub name: String,
    /// The ticket's link.
    pub url: Option<String>,
    /// When the round reveals.
    pub deadline: Option<DateTime<Utc>>,
    /// Who it waits on.
    pub expected: Vec<Voter>,
    /// Whether it reveals once every expected voter has voted.
    pub reveal_when_all_voted: bool,
}

/// Changing an open vote, for its owner and admins: its story, ticket link and reveal
/// time, who it waits on (the members to choose from, and anyone already expected who is
/// not one), and whether it reveals once all of them voted. Only what changed is sent, so
/// an unchanged deadline is never checked again.
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
    let expected = vote.expected;
    let chosen = RwSignal::new(expected.iter().map(|v| v.id.clone()).collect::<Vec<_>>());
    let reveal = RwSignal::new(vote.reveal_when_all_voted || expected.is_empty());
    let summary = match expected.len() {
        0 => "Change this vote, or choose who it waits on".to_owned(),
        n => format!("Change this vote or who it waits on ({n})"),
    };
    let others = Signal::stored(expected);
    let shown = [
        vote.name,
        vote.url.unwrap_or_default(),
        vote.deadline.map(time::to_local_input).unwrap_or_default(),
    ];
    let was = StoredValue::new(shown.clone());
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
        let [name, url, deadline] = ["name", "url", "deadline"].map(field);
        let reveal_at = match time::from_local_input(&deadline) {
            Ok(at) => at,
            Err(message) => return problem.set(Some(message)),
        };
        problem.set(None);
        let url = url.trim().to_owned();
        let patch = was.with_value(|[old_name, old_url, old_deadline]| VotePatch {
            name: (name != *old_name).then_some(name),
            url: (url != *old_url).then(|| Some(url).filter(|l| !l.is_empty())),
            deadline: (deadline != *old_deadline).then_some(reveal_at),
            expected_voters: Some(chosen.get()),
            reveal_when_all_voted: Some(reveal.get()),
            ..VotePatch::default()
        });
        save.run(
            async move { api::change_vote(&id.get_value(), &patch).await },
            move |_| on_change.run(()),
        );
    };
    let [name, url, deadline] = shown;
    view! {
        <Disclosure class="vote-editor" summary>
            <form class="form" on:submit=submit>
                <label class="field">
                    <span class="field__label">"Story"</span>
                    <input name="name" required maxlength="200" value=name />
                </label>
                <label class="field">
                    <span class="field__label">"Link to the ticket (optional)"</span>
                    <input type="url" name="url" placeholder="https://…" value=url />
                </label>
                <label class="field">
                    <span class="field__label">"Reveal at (optional, your time)"</span>
                    <input type="datetime-local" name="deadline" value=deadline />
                </label>
                <VoterPicker others chosen />
                {move || (!chosen.with(Vec::is_empty)).then(|| view! {
                    <Checkbox name="reveal_when_all_voted" checked=reveal label="Reveal as soon as everyone chosen has voted" />
                })}
                {move || problem.get().or_else(|| save.error()).map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button type="submit" class="button button--quiet" disabled=move || save.pending()>"Save changes"</button>
            </form>
        </Disclosure>
    }
}
