use asyncvoter_wire::Voter;
use asyncvoter_wire::markup::voters_content;
use leptos::prelude::*;

/// People by name (who has voted, who a vote waits on); values are never part of it. The
/// markup list rows use too (`asyncvoter_wire::markup::voters`).
#[component]
pub fn VoterList(
    /// The voters, earliest first.
    voters: Vec<Voter>,
    /// What the list is, for assistive technology; "Who has voted" unless given.
    #[prop(optional)]
    label: Option<&'static str>,
    /// Show at most this many names, then "+N more".
    #[prop(optional)]
    limit: Option<usize>,
) -> impl IntoView {
    let people: Vec<(&str, &str)> = voters.iter().map(|v| (&*v.id, &*v.name)).collect();
    let items = voters_content(&people, limit.unwrap_or(usize::MAX));
    view! { <ul class="voters" aria-label=label.unwrap_or("Who has voted") inner_html=items></ul> }
}
