//! Sample votes for an empty database (`--demo`), so a newcomer sees a living dashboard:
//! every deck, open votes with quorum and deadline, revealed ones, a second round, and
//! closed history.

use chrono::{DateTime, Duration, Utc};

use asyncvoter_wire::{DeckKind, Role};

use crate::auth::AuthError;
use crate::auth::passwords;
use crate::domain::rules;
use crate::store::{
    BallotCast, MemberRecord, NewVoteRecord, RevealCause, StateFilter, Store, StoreError, VoteQuery,
};

/// One sample vote: what it is and what happens to it.
struct Sample {
    name: &'static str,
    project: &'static str,
    url: Option<&'static str>,
    deck: DeckKind,
    cards: Option<&'static [&'static str]>,
    quorum: Option<u32>,
    deadline_in_hours: Option<i64>,
    started_hours_ago: i64,
    /// Rounds of `(voter, card)`; every round but the last is revealed.
    rounds: &'static [&'static [(&'static str, &'static str)]],
    end: End,
}

enum End {
    Open,
    Revealed,
    Closed(&'static str),
}

const SAMPLES: &[Sample] = &[
    Sample {
        name: "Checkout: apply discount codes",
        project: "web-shop",
        url: Some("https://example.com/tickets/WEB-412"),
        deck: DeckKind::Fibonacci,
        cards: None,
        quorum: Some(5),
        deadline_in_hours: None,
        started_hours_ago: 3,
        rounds: &[&[("demo:Ana", "5"), ("demo:Ben", "8"), ("demo:Chloé", "5")]],
        end: End::Open,
    },
    Sample {
        name: "Search results pagination",
        project: "web-shop",
        url: Some("https://example.com/tickets/WEB-398"),
        deck: DeckKind::Fibonacci,
        cards: None,
        quorum: None,
        deadline_in_hours: None,
        started_hours_ago: 26,
        rounds: &[&[
            ("demo:Ana", "3"),
            ("demo:Ben", "13"),
            ("demo:Chloé", "5"),
            ("demo:Dev", "5"),
            ("demo:Farah", "?"),
        ]],
        end: End::Revealed,
    },
    Sample {
        name: "Migrate billing to PostgreSQL 16",
        project: "platform",
        url: Some("https://example.com/tickets/OPS-77"),
        deck: DeckKind::Tshirt,
        cards: None,
        quorum: None,
        deadline_in_hours: Some(6),
        started_hours_ago: 20,
        rounds: &[&[("demo:Dev", "L"), ("demo:Gus", "XL")]],
        end: End::Open,
    },
    Sample {
        name: "Dark mode for the admin panel",
        project: "web-shop",
        url: None,
        deck: DeckKind::Tshirt,
        cards: None,
        quorum: Some(4),
        deadline_in_hours: None,
        started_hours_ago: 50,
        rounds: &[&[
            ("demo:Ana", "M"),
            ("demo:Ben", "M"),
            ("demo:Eun-ji", "S"),
            ("demo:Farah", "M"),
        ]],
        end: End::Open,
    },
    Sample {
        name: "Document the API",
        project: "#async_voter",
        url: Some("https://github.com/AgileVentures/AsyncVoter/issues/69"),
        deck: DeckKind::Agileventures,
        cards: None,
        quorum: None,
        deadline_in_hours: Some(30),
        started_hours_ago: 1,
        rounds: &[&[("demo:Gus", "2")]],
        end: End::Open,
    },
    Sample {
        name: "Slack notification digest",
        project: "#async_voter",
        url: None,
        deck: DeckKind::Agileventures,
        cards: None,
        quorum: None,
        deadline_in_hours: None,
        started_hours_ago: 72,
        rounds: &[
            &[("demo:Ana", "1"), ("demo:Gus", "3"), ("demo:Eun-ji", "2")],
            &[("demo:Ana", "2"), ("demo:Gus", "2"), ("demo:Eun-ji", "2")],
        ],
        end: End::Revealed,
    },
    Sample {
        name: "Mobile onboarding flow",
        project: "mobile",
        url: Some("https://example.com/tickets/MOB-12"),
        deck: DeckKind::Custom,
        cards: Some(&["1d", "2d", "3d", "1w", "2w", "?"]),
        quorum: Some(3),
        deadline_in_hours: Some(48),
        started_hours_ago: 0,
        rounds: &[],
        end: End::Open,
    },
    Sample {
        name: "Export invoices as CSV",
        project: "platform",
        url: Some("https://example.com/tickets/OPS-61"),
        deck: DeckKind::Fibonacci,
        cards: None,
        quorum: None,
        deadline_in_hours: None,
        started_hours_ago: 240,
        rounds: &[&[("demo:Dev", "5"), ("demo:Gus", "5"), ("demo:Ben", "3")]],
        end: End::Closed("5"),
    },
    Sample {
        name: "Rate limit the public API",
        project: "platform",
        url: None,
        deck: DeckKind::Fibonacci,
        cards: None,
        quorum: None,
        deadline_in_hours: None,
        started_hours_ago: 330,
        rounds: &[&[("demo:Dev", "8"), ("demo:Farah", "8")]],
        end: End::Closed("8"),
    },
];

/// Who some open votes wait on, the demo admin among them, so `/` has "Waiting on you".
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "Checkout: apply discount codes",
        &["demo:Ana", "demo:Ben", "demo:Chloé", "demo:Dev", DEMO_USER],
    ),
    (
        "Migrate billing to PostgreSQL 16",
        &["demo:Dev", "demo:Gus", DEMO_USER],
    ),
];

/// Reasons some voters gave: `(vote, voter, reason)`.
const REASONS: &[(&str, &str, &str)] = &[
    (
        "Search results pagination",
        "demo:Ana",
        "The API pages already; this is the page links and the URL.",
    ),
    (
        "Search results pagination",
        "demo:Ben",
        "Deep links to page 40 need cursors the search service does not have yet.",
    ),
    (
        "Search results pagination",
        "demo:Dev",
        "Middle ground: UI plus a small cursor change.",
    ),
    (
        "Migrate billing to PostgreSQL 16",
        "demo:Gus",
        "Two reports use SQLite date functions that need rewriting.",
    ),
];

/// The demo admin's username.
pub const DEMO_USER: &str = "demo";

/// How to log in to the sample data.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
}

/// Adds the sample votes and a demo admin (with a fresh random password) when the
/// database holds no vote at all; returns the login when it did.
pub async fn seed_if_empty(store: &dyn Store) -> Result<Option<DemoLogin>, AuthError> {
    let any = VoteQuery {
        state: StateFilter::All,
        limit: 1,
        ..VoteQuery::default()
    };
    if !store.list_votes(&any).await?.is_empty() {
        return Ok(None);
    }
    let now = rules::now();
    let password = hex::encode(rand::random::<[u8; 6]>());
    let admin = MemberRecord {
        username: DEMO_USER.to_owned(),
        display_name: "Demo Admin".to_owned(),
        role: Role::Admin,
        password_hash: passwords::hash(password.clone()).await?,
        email: None,
        disabled: false,
    };
    match store.create_member(&admin, now).await {
        Ok(()) | Err(StoreError::Conflict(_)) => {}
        Err(error) => return Err(error.into()),
    }
    for sample in SAMPLES {
        seed(store, sample, now).await?;
    }
    Ok(Some(DemoLogin {
        username: DEMO_USER.to_owned(),
        password,
    }))
}

async fn seed(store: &dyn Store, sample: &Sample, now: DateTime<Utc>) -> Result<(), StoreError> {
    let started = now - Duration::hours(sample.started_hours_ago) - Duration::minutes(7);
    let expected = EXPECTED
        .iter()
        .find(|(name, _)| *name == sample.name)
        .map(|(_, voters)| *voters);
    let vote = store
        .create_vote(
            NewVoteRecord {
                expected_voters: expected
                    .iter()
                    .flat_map(|voters| voters.iter())
                    .map(|voter| (*voter).to_owned())
                    .collect(),
                reveal_when_all_voted: expected.is_some(),
                slack: None,
                name: sample.name.to_owned(),
                url: sample.url.map(str::to_owned),
                project: Some(sample.project.to_owned()),
                owner: Some(DEMO_USER.to_owned()),
                deck: sample.deck,
                cards: sample
                    .cards
                    .map(|c| c.iter().map(|l| (*l).to_owned()).collect()),
                quorum: sample.quorum,
                deadline: sample.deadline_in_hours.map(|h| now + Duration::hours(h)),
                final_size: None,
            },
            started,
        )
        .await?;
    // Spread the ballots between the start and now, so ages look real.
    let steps = sample
        .rounds
        .iter()
        .map(|r| r.len() as i32 + 1)
        .sum::<i32>()
        .max(1);
    let step = (now - started) / (steps + 1);
    let mut at = started;
    for (index, round) in sample.rounds.iter().enumerate() {
        if index > 0 {
            at += step;
            store.start_round(&vote.id, at).await?;
        }
        for (voter, card) in round.iter() {
            at += step;
            let cast = BallotCast {
                reason: REASONS
                    .iter()
                    .find(|(name, who, _)| *name == sample.name && who == voter)
                    .map(|(_, _, reason)| (*reason).to_owned()),
                vote_id: vote.id.clone(),
                voter: (*voter).to_owned(),
                card: (*card).to_owned(),
                name: None,
                at,
            };
            store.cast_ballot(cast).await?;
        }
        let last = index + 1 == sample.rounds.len();
        if !last || matches!(sample.end, End::Revealed) {
            at += step;
            store.reveal(&vote.id, RevealCause::Manual, at).await?;
        }
    }
    if let End::Closed(size) = sample.end {
        store.close(&vote.id, size, now - step).await?;
    }
    Ok(())
}
