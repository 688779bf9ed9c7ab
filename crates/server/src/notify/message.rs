//! What a notification says, built when it is delivered from the vote as it then stands
//! (a revealed round never changes) and sealed like everything else: values appear only
//! for revealed rounds.

use asyncvoter_wire::{Round, Statistics, VoteDetail};

use super::{Failure, Worker};
use crate::domain::views;
use crate::store;

/// The vote a delivery is about, as anyone may see it.
pub async fn vote(worker: &Worker, vote_id: &str) -> Result<VoteDetail, Failure> {
    vote_if_any(worker, vote_id)
        .await?
        .ok_or_else(|| Failure::Permanent("the vote is gone".into()))
}

/// Like [`vote`], or `None` when the vote was deleted.
pub async fn vote_if_any(worker: &Worker, vote_id: &str) -> Result<Option<VoteDetail>, Failure> {
    let history = match worker.store.vote(vote_id).await {
        Ok(history) => history,
        Err(store::StoreError::NotFound(_)) => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let names = store::names(worker.store.as_ref(), views::history_ids(&history)).await?;
    views::detail(&history, &names, None)
        .map(Some)
        .map_err(|e| Failure::Permanent(e.to_string()))
}

/// The shareable page of a vote.
pub fn link(worker: &Worker, vote_id: &str) -> String {
    format!(
        "{}{}",
        worker.settings.link_base.trim_end_matches('/'),
        asyncvoter_wire::pages::VOTE_PREFIX
    ) + vote_id
}

/// Round `number` of a vote, when it is revealed.
pub fn revealed(vote: &VoteDetail, number: Option<u32>) -> Option<&Round> {
    let number = number.unwrap_or(vote.vote.round);
    vote.rounds
        .iter()
        .find(|r| r.number == number)
        .filter(|r| r.revealed_at.is_some())
}

/// A revealed round in a line: "5 votes: 3×5, 2×8 · most chosen 5 (60 %)".
pub fn distribution(round: &Round) -> String {
    let Some(statistics) = &round.statistics else {
        return format!("{} votes", round.ballots.len());
    };
    let cards = statistics.chosen_cards();
    let votes = match statistics.cast {
        1 => "1 vote".to_owned(),
        n => format!("{n} votes"),
    };
    match most_chosen(statistics) {
        Some(most) => format!("{votes}: {} · most chosen {most}", cards.join(", ")),
        None => format!("{votes}: {}", cards.join(", ")),
    }
}

fn most_chosen(statistics: &Statistics) -> Option<String> {
    let modes = statistics.modes.join(", ");
    (!modes.is_empty()).then(|| format!("{modes} ({:.0} %)", statistics.agreement * 100.0))
}
