//! Records turned into what callers see, with sealing applied: a round's cards and
//! statistics appear only once it is revealed.

use asyncvoter_estimation::{Deck, statistics};
use asyncvoter_wire::{Ballot, Round, VoteDetail, VoteSummary, Voter};
use chrono::{DateTime, Utc};

use crate::error::ApiError;
use crate::store::{VoteHistory, VoteListing, VoteRecord};

/// How a voter or owner id is shown: external ids (`slack:U123`) by the part after their
/// source, anonymous 2016 ballots as "anonymous", members by username.
pub fn voter(id: &str) -> Voter {
    let name = match id.split_once(':') {
        Some(("anonymous", _)) => "anonymous",
        Some((_, user)) => user,
        None => id,
    };
    Voter {
        id: id.to_owned(),
        name: name.to_owned(),
    }
}

/// The deck a stored vote plays with.
pub fn deck(vote: &VoteRecord) -> Result<Deck, ApiError> {
    Deck::new(vote.deck, vote.cards.as_deref())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("vote {} has a bad deck: {e}", vote.id)))
}

/// A vote as lists show it.
pub fn summary(listing: &VoteListing) -> VoteSummary {
    summary_of(&listing.vote, listing.revealed_at, &listing.voters)
}

fn summary_of(
    vote: &VoteRecord,
    revealed_at: Option<DateTime<Utc>>,
    voters: &[String],
) -> VoteSummary {
    VoteSummary {
        id: vote.id.clone(),
        name: vote.name.clone(),
        url: vote.url.clone(),
        project: vote.project.clone(),
        owner: vote.owner.as_deref().map(voter),
        deck: vote.deck,
        state: vote.state,
        round: vote.round,
        quorum: vote.quorum,
        deadline: vote.deadline,
        final_size: vote.final_size.clone(),
        ballots_cast: voters.len() as u32,
        voters: voters.iter().map(|v| voter(v)).collect(),
        created_at: vote.created_at,
        updated_at: vote.updated_at,
        revealed_at,
        closed_at: vote.closed_at,
    }
}

/// One vote with every round; sealed rounds show who voted, never what.
pub fn detail(history: &VoteHistory) -> Result<VoteDetail, ApiError> {
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
                        voter: voter(&b.voter),
                        cast_at: b.cast_at,
                        card: revealed.then(|| b.card.clone()),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(VoteDetail {
        vote: summary_of(&history.vote, revealed_at, &current),
        cards: deck.cards(),
        rounds,
    })
}
