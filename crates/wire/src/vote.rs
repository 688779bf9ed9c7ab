//! Votes, rounds and ballots on the `/api/` routes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::statistics::{AgreementLabel, Statistics};
use crate::timestamp::{millis, millis_opt};

/// Where a vote is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VoteState {
    /// Ballots are being cast; values are sealed.
    Open,
    /// The current round's ballots are visible to everyone.
    Revealed,
    /// A final size is recorded; the vote left the ongoing list.
    Closed,
}

impl VoteState {
    /// The state as it appears on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            VoteState::Open => "open",
            VoteState::Revealed => "revealed",
            VoteState::Closed => "closed",
        }
    }
}

/// What revealed a round, as stored and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevealCause {
    /// Someone asked: the vote's owner, an admin or an integration allowed to manage it.
    Manual,
    /// The quorum of ballots was reached.
    Quorum,
    /// The deadline passed.
    Deadline,
    /// The vote was closed before anyone revealed the round.
    Close,
    /// Every expected voter had voted.
    AllVoted,
}

impl RevealCause {
    /// Every cause.
    pub const ALL: [RevealCause; 5] = [
        RevealCause::Manual,
        RevealCause::Quorum,
        RevealCause::Deadline,
        RevealCause::Close,
        RevealCause::AllVoted,
    ];

    /// The cause as the database and the wire spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            RevealCause::Manual => "manual",
            RevealCause::Quorum => "quorum",
            RevealCause::Deadline => "deadline",
            RevealCause::Close => "close",
            RevealCause::AllVoted => "all_voted",
        }
    }

    /// The cause spelled `text`.
    pub fn parse(text: &str) -> Option<RevealCause> {
        RevealCause::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// Which votes a list holds: `GET /api/votes?state=`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ListState {
    /// Every vote.
    #[default]
    All,
    /// Open or revealed (not closed): the dashboard's home.
    Ongoing,
    /// Open only.
    Open,
    /// Revealed only.
    Revealed,
    /// Closed only: the history.
    Closed,
}

impl ListState {
    /// As the query string spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ListState::All => "all",
            ListState::Ongoing => "ongoing",
            ListState::Open => "open",
            ListState::Revealed => "revealed",
            ListState::Closed => "closed",
        }
    }

    /// Whether a list in this state holds a vote in `state`.
    pub fn holds(self, state: VoteState) -> bool {
        match self {
            ListState::All => true,
            ListState::Ongoing => state != VoteState::Closed,
            ListState::Open => state == VoteState::Open,
            ListState::Revealed => state == VoteState::Revealed,
            ListState::Closed => state == VoteState::Closed,
        }
    }
}

/// Which deck a vote uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeckKind {
    /// The 2016 deck: 1 Simple, 2 Medium, 3 Hard, ? No opinion.
    Agileventures,
    /// 0 1 2 3 5 8 13 21 ?
    Fibonacci,
    /// XS S M L XL ?
    Tshirt,
    /// 2–20 cards of up to 8 characters, given when the vote starts.
    Custom,
}

impl DeckKind {
    /// The deck's name as it appears on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DeckKind::Agileventures => "agileventures",
            DeckKind::Fibonacci => "fibonacci",
            DeckKind::Tshirt => "tshirt",
            DeckKind::Custom => "custom",
        }
    }
}

/// One card of a deck.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Card {
    /// What a ballot carries, e.g. `5`, `M` or `?`.
    pub label: String,
    /// A longer name where the deck has one, e.g. `Simple`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Someone who votes or owns a vote: a member's username or an external id such as
/// `slack:U123`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Voter {
    /// The id used in ballot paths.
    pub id: String,
    /// The name to show.
    pub name: String,
}

/// Body of `POST /api/votes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewVote {
    /// The story, 1–200 characters.
    pub name: String,
    /// Link to the ticket; http or https only.
    #[serde(default)]
    pub url: Option<String>,
    /// Free text such as a team or a Slack channel.
    #[serde(default)]
    pub project: Option<String>,
    /// The deck to vote with.
    pub deck: DeckKind,
    /// The cards of a custom deck, in order from smallest to largest (2–20, each ≤ 8 chars).
    #[serde(default)]
    pub cards: Option<Vec<String>>,
    /// Reveal automatically once this many ballots are cast.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub quorum: Option<u32>,
    /// Reveal automatically at this time (in the future).
    #[serde(default)]
    pub deadline: Option<DateTime<Utc>>,
    /// For integrations: who runs the vote, a member's username (e.g. `ana`) or the
    /// external id (e.g. `slack:U123`) of the person starting it.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 120,
            pattern = "^([A-Za-z0-9][A-Za-z0-9._-]{1,31}|[^\\s/:\\x00-\\x1f\\x7f-\\x9f][^/:\\x00-\\x1f\\x7f-\\x9f]{0,59}:[^/\\x00-\\x1f\\x7f-\\x9f]{0,58}[^\\s/\\x00-\\x1f\\x7f-\\x9f])$"
        )
    )]
    pub owner: Option<String>,
    /// Who the vote waits on: members' usernames and external ids such as `slack:T1:U123`
    /// (at most 100).
    #[serde(default)]
    pub expected_voters: Option<Vec<String>>,
    /// Reveal once every expected voter has voted (default: on when there are expected
    /// voters).
    #[serde(default)]
    pub reveal_when_all_voted: Option<bool>,
}

/// Body of `PATCH /api/votes/{id}`: only the fields sent change; `null` clears an
/// optional one. The deck changes only before the first ballot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VotePatch {
    /// The story, 1–200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Link to the ticket; `null` removes it.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub url: Option<Option<String>>,
    /// Team or channel; `null` removes it.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub project: Option<Option<String>>,
    /// Ballots that reveal the round; `null` removes the quorum.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, minimum = 1, maximum = 1000))]
    pub quorum: Option<Option<u32>>,
    /// When the round reveals (in the future); `null` removes the deadline.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DateTime<Utc>>))]
    pub deadline: Option<Option<DateTime<Utc>>>,
    /// Who the vote waits on; `[]` for nobody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_voters: Option<Vec<String>>,
    /// Reveal once every expected voter has voted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveal_when_all_voted: Option<bool>,
    /// Another deck (only before the first ballot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deck: Option<DeckKind>,
    /// The cards of a custom deck.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cards: Option<Vec<String>>,
}

/// A field that may be absent (`None`), `null` (`Some(None)`) or a value.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A vote as lists show it: everything but the ballots' values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteSummary {
    /// Opaque id, also the shareable link `/votes/{id}`.
    pub id: String,
    /// The story.
    pub name: String,
    /// Link to the ticket.
    pub url: Option<String>,
    /// Team, channel or other grouping.
    pub project: Option<String>,
    /// Who started it, when known.
    pub owner: Option<Voter>,
    /// The deck it uses.
    pub deck: DeckKind,
    /// Where it is in its life.
    pub state: VoteState,
    /// The current round, from 1.
    pub round: u32,
    /// Ballots that reveal the round automatically.
    pub quorum: Option<u32>,
    /// When the round reveals automatically.
    #[serde(with = "millis_opt")]
    pub deadline: Option<DateTime<Utc>>,
    /// The recorded size once closed.
    pub final_size: Option<String>,
    /// Ballots cast in the current round.
    pub ballots_cast: u32,
    /// Who has cast one in the current round, earliest first.
    pub voters: Vec<Voter>,
    /// Who the vote waits on.
    #[serde(default)]
    pub expected_voters: Vec<Voter>,
    /// Expected voters without a ballot in the current round (as public as who voted).
    #[serde(default)]
    pub waiting_on: Vec<Voter>,
    /// Whether the round reveals once every expected voter has voted.
    #[serde(default)]
    pub reveal_when_all_voted: bool,
    /// When it started.
    #[serde(with = "millis")]
    pub created_at: DateTime<Utc>,
    /// Its latest activity.
    #[serde(with = "millis")]
    pub updated_at: DateTime<Utc>,
    /// When the current round was revealed.
    #[serde(with = "millis_opt")]
    pub revealed_at: Option<DateTime<Utc>>,
    /// When it was closed.
    #[serde(with = "millis_opt")]
    pub closed_at: Option<DateTime<Utc>>,
    /// How much the last revealed round agreed (closed and revealed votes).
    #[serde(default)]
    pub agreement: Option<AgreementLabel>,
}

/// One vote with its deck and every round: `GET /api/votes/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteDetail {
    /// The vote itself, as lists show it.
    pub vote: VoteSummary,
    /// The deck's cards in order.
    pub cards: Vec<Card>,
    /// Every round, oldest first; the last is the current one.
    pub rounds: Vec<Round>,
    /// The caller's own card in the current round, when they have cast one. Only its voter
    /// ever sees it before the reveal.
    #[serde(default)]
    pub my_card: Option<String>,
    /// The caller's own reason in the current round, sealed like the card.
    #[serde(default)]
    pub my_reason: Option<String>,
}

/// One round of ballots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Round {
    /// From 1.
    pub number: u32,
    /// When it opened.
    #[serde(with = "millis")]
    pub started_at: DateTime<Utc>,
    /// When it was revealed; until then its values are sealed.
    #[serde(with = "millis_opt")]
    pub revealed_at: Option<DateTime<Utc>>,
    /// What revealed it; `null` while sealed.
    pub revealed_by: Option<RevealCause>,
    /// Its ballots, earliest first.
    pub ballots: Vec<Ballot>,
    /// The numbers, once revealed.
    pub statistics: Option<Statistics>,
}

/// One voter's ballot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ballot {
    /// Who cast it.
    pub voter: Voter,
    /// When it was last cast or replaced.
    #[serde(with = "millis")]
    pub cast_at: DateTime<Utc>,
    /// The card; `null` while the round is sealed.
    pub card: Option<String>,
    /// Why, in the voter's words; `null` while sealed or when none was given.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A page of votes: `GET /api/votes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteList {
    /// Newest activity first.
    pub items: Vec<VoteSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Body of `PUT /api/votes/{id}/ballots/{voter}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CastBallot {
    /// A card label of the vote's deck.
    pub card: String,
    /// Why, in a few words (at most 500 characters); sealed like the card.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub reason: Option<String>,
    /// How an external voter is shown (at most 60 characters), beside its source: "Ana
    /// Lima · Slack". Integrations only; the latest one given stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub name: Option<String>,
}

/// What a voter gets back after casting: their own ballot and what it did to the vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotReceipt {
    /// The vote.
    pub vote_id: String,
    /// The round the ballot counts in.
    pub round: u32,
    /// Whose ballot.
    pub voter: String,
    /// The card recorded.
    pub card: String,
    /// The reason recorded with it.
    #[serde(default)]
    pub reason: Option<String>,
    /// When it was recorded.
    #[serde(with = "millis")]
    pub cast_at: DateTime<Utc>,
    /// True when it replaced an earlier ballot of the same voter.
    pub replaced: bool,
    /// The vote's state after this ballot (`revealed` when it completed the quorum).
    pub state: VoteState,
    /// Ballots cast in the round after this one.
    pub ballots_cast: u32,
}

/// The open votes waiting on the logged-in member: `GET /api/me/waiting`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Waiting {
    /// Soonest deadline first; votes without one last.
    pub items: Vec<VoteSummary>,
}

/// A project's remembered settings: `GET /api/projects/{name}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    /// Its name, as votes carry it.
    pub name: String,
    /// Who its votes usually wait on; the start form fills them in.
    pub default_voters: Vec<Voter>,
    /// Whether its votes are announced to a chat channel.
    pub announces: bool,
}

/// Body of `PUT /api/projects/{name}`: what to change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectUpdate {
    /// Who its votes usually wait on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_voters: Option<Vec<String>>,
    /// An incoming-webhook URL (Slack, Mattermost, Rocket.Chat) its votes are announced to;
    /// `null` stops the announcements. Admins only.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub chat_webhook_url: Option<Option<String>>,
}

/// Body of `POST /api/votes/{id}/close`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloseVote {
    /// A card of the deck (not `?`).
    pub final_size: String,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when the server can serve requests.
    pub status: String,
    /// `ok`, or `unavailable` when the database does not answer.
    pub store: String,
}
