//! The numbers behind the dashboard's overview (`GET /api/stats/overview`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::timestamp::millis;
use crate::vote::{DeckKind, Voter};

/// Where the team's votes stand, and how it voted lately.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    /// Start of the window the activity figures cover.
    #[serde(with = "millis")]
    pub since: DateTime<Utc>,
    /// Length of that window in days.
    pub window_days: u32,
    /// Ongoing (open or revealed) votes per project, most first.
    pub projects: Vec<ProjectVotes>,
    /// Final sizes of every closed vote, one entry per deck that has any.
    pub final_sizes: Vec<DeckSizes>,
    /// Ballots cast in the window per voter, most first (at most [`Overview::TOP_VOTERS`]).
    pub ballots_by_voter: Vec<VoterBallots>,
    /// Distinct voters in the window, including any beyond the list.
    pub voters: u32,
    /// How long rounds revealed in the window stayed sealed.
    pub reveal_times: RevealTimes,
}

impl Overview {
    /// How many voters `ballots_by_voter` lists at most.
    pub const TOP_VOTERS: u32 = 20;
}

/// The ongoing votes of one project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectVotes {
    /// The project; absent for votes without one.
    pub project: Option<String>,
    /// Votes still collecting ballots.
    pub open: u32,
    /// Votes revealed and waiting for a final size.
    pub revealed: u32,
}

/// How the closed votes of one deck were sized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeckSizes {
    /// The deck; every custom deck counts as one.
    pub deck: DeckKind,
    /// Closed votes on this deck.
    pub closed: u32,
    /// Closed votes per final size, in deck order (custom decks: most first).
    pub sizes: Vec<SizeCount>,
}

/// How many closed votes got one final size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SizeCount {
    /// The final size.
    pub size: String,
    /// Votes closed with it.
    pub count: u32,
}

/// One voter's ballots in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoterBallots {
    /// Who.
    pub voter: Voter,
    /// Ballots cast (a replaced ballot counts once).
    pub ballots: u32,
}

/// Time from a round's start to its reveal, for rounds revealed in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealTimes {
    /// Rounds revealed.
    pub revealed: u32,
    /// The median time sealed, in seconds; absent when nothing was revealed.
    pub median_seconds: Option<u64>,
    /// Rounds per duration range, shortest first.
    pub buckets: Vec<RevealBucket>,
}

/// Rounds that stayed sealed up to a limit (and longer than the previous bucket's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealBucket {
    /// Upper limit in hours; absent for the last, open-ended bucket.
    pub up_to_hours: Option<u32>,
    /// Rounds in this range.
    pub count: u32,
}
