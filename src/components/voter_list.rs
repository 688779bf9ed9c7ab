use asyncvoter_wire::Voter;
use leptos::prelude::*;

/// People by name (who has voted, who a vote waits on); values are never part of it.
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
    let limit = limit.unwrap_or(usize::MAX);
    let hidden = voters.len().saturating_sub(limit);
    let shown: Vec<Voter> = voters.into_iter().take(limit).collect();
    view! {
        <ul class="voters" aria-label=label.unwrap_or("Who has voted")>
            {shown
                .into_iter()
                .map(|voter| view! { <li class="voter" title=voter.id>{voter.name}</li> })
                .collect_view()}
            {(hidden > 0).then(|| view! { <li class="voter voter--more">{format!("+{hidden} more")}</li> })}
        </ul>
    }
}
