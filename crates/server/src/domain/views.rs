//! Records turned into what callers see, with sealing applied: a round's cards and
//! statistics appear only once it is revealed.

use std::collections::HashMap;

use asyncvoter_estimation::{Deck, statistics};
use asyncvoter_wire::{
    AgreementLabel, Ballot, DeckKind, DeckSizes, Overview, ProjectVotes, RevealBucket, RevealTimes,
    Round, SizeCount, VoteDetail, VoteState, VoteSummary, Voter, VoterBallots,
};
use chrono::{DateTime, Utc};

use super::DomainError;
use super::lifecycle;
use super::records::{OverviewRecord, REVEAL_BUCKET_HOURS, VoteHistory, VoteListing, VoteRecord};
use super::rules;

/// Members' display names, looked up once per response (`store::names`).
#[derive(Debug, Default)]
pub struct Names(HashMap<String, String>);

/// The distinct members among voter and owner ids (ids without a colon), sorted.
pub fn member_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut members: Vec<String> = ids
        .into_iter()
        .filter(|id| !rules::is_external(id))
        .map(str::to_owned)
        .collect();
    members.sort();
    members.dedup();
    members
}

/// Project names once each, ignoring case (the first spelling of `oldest_first` is
/// kept), in alphabetical order ignoring case.
pub fn distinct_projects(oldest_first: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut names: Vec<String> = oldest_first
        .into_iter()
        .filter(|name| seen.insert(name.to_lowercase()))
        .collect();
    names.sort_by_key(|name| name.to_lowercase());
    names
}

/// The distinct external voters among voter and owner ids, sorted.
pub fn external_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut external: Vec<String> = ids
        .into_iter()
        .filter(|id| rules::is_external(id))
        .map(str::to_owned)
        .collect();
    external.sort();
    external.dedup();
    external
}

impl FromIterator<(String, String)> for Names {
    /// Names from `(username, display name)` pairs.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Names {
        Names(pairs.into_iter().collect())
    }
}

impl Names {
    /// Shows external voter `id` by the `name` an integration gave it, with its source:
    /// "Ana Lima · Slack".
    pub fn name_external(&mut self, id: String, name: &str) {
        if let Some((source, _)) = id.split_once(':') {
            let shown = format!("{name} · {}", source_name(source));
            self.0.insert(id, shown);
        }
    }

    /// How a voter or owner is shown: members by display name; external ids with their
    /// source, so none can pass for a member (`legacy:Ana Lima` is "Ana Lima · 2016 API",
    /// `slack:U123` "U123 · Slack", or "Ana Lima · Slack" once named); anonymous 2016
    /// ballots as "anonymous".
    pub fn voter(&self, id: &str) -> Voter {
        let name = match (self.0.get(id), id.split_once(':')) {
            (Some(display), _) => display.clone(),
            (None, Some(("anonymous", _))) => "anonymous".to_owned(),
            (None, Some((source, user))) => format!("{user} · {}", source_name(source)),
            (None, None) => id.to_owned(),
        };
        Voter {
            id: id.to_owned(),
            name,
        }
    }
}

/// How an external voter's source reads: `slack` is "Slack", `legacy` "2016 API".
fn source_name(source: &str) -> String {
    match source {
        "legacy" => "2016 API".to_owned(),
        "slack" => "Slack".to_owned(),
        other => {
            let mut chars = other.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The deck a stored vote plays with.
pub fn deck(vote: &VoteRecord) -> Result<Deck, DomainError> {
    Deck::new(vote.deck, vote.cards.as_deref())
        .map_err(|e| DomainError::Corrupt(format!("vote {} has a bad deck: {e}", vote.id)))
}

/// A vote as lists show it.
pub fn summary(listing: &VoteListing, names: &Names) -> VoteSummary {
    summary_of(&listing.vote, listing.revealed_at, &listing.voters, names)
}

/// How much the revealed current round of `vote` agreed, from its `(voter, card)` ballots.
pub fn agreement<'a>(
    vote: &VoteRecord,
    ballots: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<AgreementLabel> {
    let deck = deck(vote).ok()?;
    statistics(&deck, ballots).agreement_label
}

/// Every voter and owner id a list mentions.
pub fn listing_ids(listings: &[VoteListing]) -> impl Iterator<Item = &str> {
    listings
        .iter()
        .flat_map(|l| vote_ids(&l.vote).chain(l.voters.iter().map(String::as_str)))
}

/// Every voter and owner id a vote mentions.
pub fn history_ids(history: &VoteHistory) -> impl Iterator<Item = &str> {
    vote_ids(&history.vote).chain(history.ballots.iter().map(|b| b.voter.as_str()))
}

/// The owner and expected voters of a vote.
fn vote_ids(vote: &VoteRecord) -> impl Iterator<Item = &str> {
    vote.owner
        .as_deref()
        .into_iter()
        .chain(vote.expected_voters.iter().map(String::as_str))
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
        expected_voters: vote
            .expected_voters
            .iter()
            .map(|v| names.voter(v))
            .collect(),
        waiting_on: lifecycle::waiting_on(&vote.expected_voters, voters)
            .into_iter()
            .map(|v| names.voter(v))
            .collect(),
        reveal_when_all_voted: vote.reveal_when_all_voted,
        created_at: vote.created_at,
        updated_at: vote.updated_at,
        revealed_at,
        closed_at: vote.closed_at,
        agreement: None,
    }
}

/// One vote with every round; sealed rounds show who voted, never what, except to
/// `viewer` their own card.
pub fn detail(
    history: &VoteHistory,
    names: &Names,
    viewer: Option<&str>,
) -> Result<VoteDetail, DomainError> {
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
                revealed_by: round.revealed_by,
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
                        reason: b.reason.clone().filter(|_| revealed),
                    })
                    .collect(),
            }
        })
        .collect();
    let mine = viewer.and_then(|me| history.current_ballots().find(|b| b.voter == me));
    Ok(VoteDetail {
        my_card: mine.map(|b| b.card.clone()),
        my_reason: mine.and_then(|b| b.reason.clone()),
        vote: summary_of(&history.vote, revealed_at, &current, names),
        cards: deck.cards(),
        rounds,
    })
}

/// The overview from the database's aggregates: projects by ongoing votes, sizes in deck
/// order, voters by display name.
pub fn overview(
    record: OverviewRecord,
    since: DateTime<Utc>,
    window_days: u32,
    names: &Names,
) -> Overview {
    let revealed = record.reveal_buckets.iter().sum();
    let limits = REVEAL_BUCKET_HOURS.iter().copied().map(Some).chain([None]);
    Overview {
        since,
        window_days,
        projects: projects(&record.ongoing),
        final_sizes: final_sizes(record.final_sizes),
        ballots_by_voter: record
            .ballots_by_voter
            .iter()
            .map(|(voter, ballots)| VoterBallots {
                voter: names.voter(voter),
                ballots: *ballots,
            })
            .collect(),
        voters: record.voters,
        reveal_times: RevealTimes {
            revealed,
            median_seconds: record
                .reveal_median_ms
                .map(|ms| u64::try_from(ms / 1000).unwrap_or(0)),
            buckets: limits
                .zip(record.reveal_buckets)
                .map(|(up_to_hours, count)| RevealBucket { up_to_hours, count })
                .collect(),
        },
    }
}

/// Ongoing votes per project, most first, then by name (votes without a project last).
fn projects(ongoing: &[(Option<String>, VoteState, u32)]) -> Vec<ProjectVotes> {
    let mut projects: Vec<ProjectVotes> = Vec::new();
    for (project, state, n) in ongoing {
        let index = match projects.iter().position(|p| &p.project == project) {
            Some(index) => index,
            None => {
                projects.push(ProjectVotes {
                    project: project.clone(),
                    open: 0,
                    revealed: 0,
                });
                projects.len() - 1
            }
        };
        match state {
            VoteState::Open => projects[index].open += n,
            _ => projects[index].revealed += n,
        }
    }
    projects.sort_by(|a, b| {
        (b.open + b.revealed)
            .cmp(&(a.open + a.revealed))
            .then_with(|| a.project.is_none().cmp(&b.project.is_none()))
            .then_with(|| a.project.cmp(&b.project))
    });
    projects
}

/// Closed votes per deck, each deck's sizes in card order (off-deck and custom sizes by
/// count).
fn final_sizes(groups: Vec<(DeckKind, String, u32)>) -> Vec<DeckSizes> {
    let mut decks: Vec<DeckSizes> = Vec::new();
    for kind in [
        DeckKind::Agileventures,
        DeckKind::Fibonacci,
        DeckKind::Tshirt,
        DeckKind::Custom,
    ] {
        let mut sizes: Vec<SizeCount> = groups
            .iter()
            .filter(|(deck, _, _)| *deck == kind)
            .map(|(_, size, count)| SizeCount {
                size: size.clone(),
                count: *count,
            })
            .collect();
        if sizes.is_empty() {
            continue;
        }
        let order: Vec<String> = Deck::new(kind, None)
            .map(|deck| deck.labels().map(str::to_owned).collect())
            .unwrap_or_default();
        let rank = |size: &str| order.iter().position(|l| l == size).unwrap_or(usize::MAX);
        sizes.sort_by(|a, b| {
            rank(&a.size)
                .cmp(&rank(&b.size))
                .then(b.count.cmp(&a.count))
                .then_with(|| a.size.cmp(&b.size))
        });
        decks.push(DeckSizes {
            deck: kind,
            closed: sizes.iter().map(|s| s.count).sum(),
            sizes,
        });
    }
    decks
}
