//! Records turned into what callers see, with sealing applied: a round's cards and
//! statistics appear only once it is revealed.

use std::collections::HashMap;

use asyncvoter_estimation::{Deck, statistics};
use asyncvoter_wire::{Ballot, Round, VoteDetail, VoteSummary, Voter};
use chrono::{DateTime, Utc};

use crate::error::ApiError;
use crate::rules;
use crate::store::{Store, VoteHistory, VoteListing, VoteRecord};

/// Members' display names, looked up once per response.
#[derive(Debug, Default)]
pub struct Names(HashMap<String, String>);

impl Names {
    /// The display names of the members among `ids` (ids without a colon).
    pub async fn load<'a>(
        store: &dyn Store,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Names, ApiError> {
        let mut members: Vec<String> = ids
            .into_iter()
            .filter(|id| !rules::is_external(id))
            .map(str::to_owned)
            .collect();
        members.sort();
        members.dedup();
        Ok(Names(
            store.display_names(&members).await?.into_iter().collect(),
        ))
    }

    /// How a voter or owner is shown: members by display name, external ids
    /// (`slack:U123`) by the part after their source, anonymous 2016 ballots as "anonymous".
    pub fn voter(&self, id: &str) -> Voter {
        let name = match (self.0.get(id), id.split_once(':')) {
            (Some(display), _) => display.as_str(),
            (None, Some(("anonymous", _))) => "anonymous",
            (None, Some((_, user))) => user,
            (None, None) => id,
        };
        Voter {
            id: id.to_owned(),
            name: name.to_owned(),
        }
    }
}

/// The deck a stored vote plays with.
pub fn deck(vote: &VoteRecord) -> Result<Deck, ApiError> {
    Deck::new(vote.deck, vote.cards.as_deref())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("vote {} has a bad deck: {e}", vote.id)))
}

/// A vote as lists show it.
pub fn summary(listing: &VoteListing, names: &Names) -> VoteSummary {
    summary_of(&listing.vote, listing.revealed_at, &listing.voters, names)
}

/// Every voter and owner id a list mentions.
pub fn listing_ids(listings: &[VoteListing]) -> impl Iterator<Item = &str> {
    listings.iter().flat_map(|l| {
        l.vote
            .owner
            .as_deref()
            .into_iter()
            .chain(l.voters.iter().map(String::as_str))
    })
}

/// Every voter and owner id a vote mentions.
pub fn history_ids(history: &VoteHistory) -> impl Iterator<Item = &str> {
    history
        .vote
        .owner
        .as_deref()
        .into_iter()
        .chain(history.ballots.iter().map(|b| b.voter.as_str()))
}

fn summary_of(
    vote: &VoteRecord,
    revealed_at: Option<DateTime<Utc>>,
    voters: &[String],
    names: &Names,
) -> VoteSummary {
    VoteSummary {
        id: vote.id.clone(),
        name: vote.name.clone(),
        url: vote.url.clone(),
        project: vote.project.clone(),
        owner: vote.owner.as_deref().map(|o| names.voter(o)),
        deck: vote.deck,
        state: vote.state,
        round: vote.round,
        quorum: vote.quorum,
        deadline: vote.deadline,
        final_size: vote.final_size.clone(),
        ballots_cast: voters.len() as u32,
        voters: voters.iter().map(|v| names.voter(v)).collect(),
        created_at: vote.created_at,
        updated_at: vote.updated_at,
        revealed_at,
        closed_at: vote.closed_at,
    }
}

/// One vote with every round; sealed rounds show who voted, never what, except to
/// `viewer` their own card.
pub fn detail(
    history: &VoteHistory,
    names: &Names,
    viewer: Option<&str>,
) -> Result<VoteDetail, ApiError> {
    let deck = deck(&history.vote)?;
    let current: Vec<String> = history.current_ballots().map(|b| b.voter.clone()).collect();
    let revealed_at = history.current_round().and_then(|r| r.revealed_at);
    let rounds = history
        .rounds
        .iter()
        .map(|round| {
            let ballots: Vec<_> = history
                .ballots
                .iter()
                .filter(|b| b.round == round.number)
                .collect();
            let revealed = round.revealed_at.is_some();
            Round {
                number: round.number,
                started_at: round.started_at,
                revealed_at: round.revealed_at,
                revealed_by: round.revealed_by.map(|c| c.as_str().to_owned()),
                statistics: revealed.then(|| {
                    statistics(
                        &deck,
                        ballots.iter().map(|b| (b.voter.as_str(), b.card.as_str())),
                    )
                }),
                ballots: ballots
                    .iter()
                    .map(|b| Ballot {
                        voter: names.voter(&b.voter),
                        cast_at: b.cast_at,
                        card: revealed.then(|| b.card.clone()),
                    })
                    .collect(),
            }
        })
        .collect();
    let my_card = viewer.and_then(|me| {
        history
            .current_ballots()
            .find(|b| b.voter == me)
            .map(|b| b.card.clone())
    });
    Ok(VoteDetail {
        my_card,
        vote: summary_of(&history.vote, revealed_at, &current, names),
        cards: deck.cards(),
        rounds,
    })
}
