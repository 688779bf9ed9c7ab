//! Votes, rounds, ballots, members and events as the server holds them: what the store
//! reads and writes and the views turn into what callers see.

use chrono::{DateTime, Utc};

use asyncvoter_wire::{DeckKind, EventKind, Member, Role, Scope, VoteState};

/// A vote as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct VoteRecord {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub project: Option<String>,
    pub owner: Option<String>,
    pub deck: DeckKind,
    /// The labels of a custom deck.
    pub cards: Option<Vec<String>>,
    pub state: VoteState,
    pub round: u32,
    pub quorum: Option<u32>,
    pub deadline: Option<DateTime<Utc>>,
    pub final_size: Option<String>,
    /// Who the vote waits on, in the order given.
    pub expected_voters: Vec<String>,
    /// Reveal once every expected voter has voted.
    pub reveal_when_all_voted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A vote to start; the store assigns id, state, round and timestamps.
#[derive(Debug, Clone)]
pub struct NewVoteRecord {
    pub name: String,
    pub url: Option<String>,
    pub project: Option<String>,
    pub owner: Option<String>,
    pub deck: DeckKind,
    pub cards: Option<Vec<String>>,
    pub quorum: Option<u32>,
    pub deadline: Option<DateTime<Utc>>,
    /// Start closed with this size (the 2016 API allowed a story created already sized).
    pub final_size: Option<String>,
    /// Who the vote waits on.
    pub expected_voters: Vec<String>,
    /// Reveal once every expected voter has voted.
    pub reveal_when_all_voted: bool,
    /// The Slack channel the vote was started in, whose one message it keeps up to date.
    pub slack: Option<SlackPlace>,
}

/// A Slack workspace's channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackPlace {
    /// The workspace (`T…`).
    pub team: String,
    /// The channel (`C…`).
    pub channel: String,
}

/// The one channel message of a vote started in Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackMessageRecord {
    /// Where it is.
    pub place: SlackPlace,
    /// Its timestamp, once posted: later changes edit it.
    pub ts: Option<String>,
}

/// Which member a Slack user is, as last looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackUserRecord {
    /// The member, when linked; `None` when the lookup found none.
    pub member: Option<String>,
    /// When it was linked or looked up.
    pub checked_at: DateTime<Utc>,
}

/// What a `PATCH` changes, checked; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VoteChanges {
    pub name: Option<String>,
    pub url: Option<Option<String>>,
    pub project: Option<Option<String>>,
    pub quorum: Option<Option<u32>>,
    pub deadline: Option<Option<DateTime<Utc>>>,
    pub expected_voters: Option<Vec<String>>,
    pub reveal_when_all_voted: Option<bool>,
    /// A new deck and its custom labels.
    pub deck: Option<(DeckKind, Option<Vec<String>>)>,
}

impl VoteChanges {
    /// The changes as they apply to `vote`: naming expected voters on a vote that had
    /// none turns on revealing once they have all voted, unless the change says otherwise
    /// (as when a vote starts with them).
    pub fn for_vote(mut self, vote: &VoteRecord) -> VoteChanges {
        let first_expected = vote.expected_voters.is_empty()
            && self.expected_voters.as_ref().is_some_and(|e| !e.is_empty());
        if first_expected && self.reveal_when_all_voted.is_none() {
            self.reveal_when_all_voted = Some(true);
        }
        self
    }

    /// Whether it changes more than the name, link and project (which a closed vote may
    /// still have corrected).
    pub fn changes_voting(&self) -> bool {
        self.quorum.is_some()
            || self.deadline.is_some()
            || self.expected_voters.is_some()
            || self.reveal_when_all_voted.is_some()
            || self.deck.is_some()
    }
}

/// One round of a vote.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundRecord {
    pub number: u32,
    pub started_at: DateTime<Utc>,
    pub revealed_at: Option<DateTime<Utc>>,
    pub revealed_by: Option<RevealCause>,
}

/// One voter's ballot in one round.
#[derive(Debug, Clone, PartialEq)]
pub struct BallotRecord {
    pub id: String,
    pub round: u32,
    pub voter: String,
    pub card: String,
    /// Why, in the voter's words; sealed like the card.
    pub reason: Option<String>,
    /// First cast in this round.
    pub created_at: DateTime<Utc>,
    /// Last cast or replaced.
    pub cast_at: DateTime<Utc>,
}

/// A vote with every round and ballot, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct VoteHistory {
    pub vote: VoteRecord,
    pub rounds: Vec<RoundRecord>,
    pub ballots: Vec<BallotRecord>,
}

impl VoteHistory {
    /// The current round.
    pub fn current_round(&self) -> Option<&RoundRecord> {
        self.rounds.iter().find(|r| r.number == self.vote.round)
    }

    /// Ballots of the current round.
    pub fn current_ballots(&self) -> impl Iterator<Item = &BallotRecord> {
        self.ballots.iter().filter(|b| b.round == self.vote.round)
    }
}

/// A vote as lists show it: the record, when its round was revealed, and who has voted.
#[derive(Debug, Clone, PartialEq)]
pub struct VoteListing {
    pub vote: VoteRecord,
    pub revealed_at: Option<DateTime<Utc>>,
    /// Voters of the current round, earliest first.
    pub voters: Vec<String>,
}

pub use asyncvoter_wire::RevealCause;

/// A ballot to cast or replace.
#[derive(Debug, Clone)]
pub struct BallotCast {
    pub vote_id: String,
    pub voter: String,
    pub card: String,
    pub reason: Option<String>,
    /// A name for an external voter, kept for every vote (`external_voters`).
    pub name: Option<String>,
    pub at: DateTime<Utc>,
}

/// What casting did.
#[derive(Debug, Clone, PartialEq)]
pub struct CastOutcome {
    pub ballot: BallotRecord,
    /// The voter had a ballot in this round already.
    pub replaced: bool,
    /// The vote's state afterwards: `Revealed` when this ballot completed the quorum.
    pub state: VoteState,
    /// Ballots in the round afterwards.
    pub ballots_cast: u32,
}

/// A project's remembered settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectRecord {
    pub name: String,
    /// Who its votes usually wait on.
    pub default_voters: Vec<String>,
    /// Where its votes are announced, an incoming-webhook URL.
    pub chat_webhook_url: Option<String>,
}

/// A member as stored, with their password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// argon2id, PHC string.
    pub password_hash: String,
    /// Where notifications go (set at `/account`, by an admin, or by single sign-on).
    pub email: Option<String>,
    /// Left the team: kept with their ballots and votes, but cannot log in.
    pub disabled: bool,
}

impl MemberRecord {
    /// How others see this member: no password hash, no email address.
    pub fn public(&self) -> Member {
        Member {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            disabled: self.disabled,
            email: None,
        }
    }

    /// How admins and the member themself see them: with the email address.
    pub fn account(&self) -> Member {
        Member {
            email: self.email.clone(),
            ..self.public()
        }
    }

    /// An admin who can log in: someone to run the server.
    pub fn is_active_admin(&self) -> bool {
        self.role == Role::Admin && !self.disabled
    }

    /// This member with `changes` made.
    pub fn changed(&self, changes: &MemberChanges) -> MemberRecord {
        MemberRecord {
            display_name: changes
                .display_name
                .clone()
                .unwrap_or_else(|| self.display_name.clone()),
            email: changes.email.clone().unwrap_or_else(|| self.email.clone()),
            role: changes.role.unwrap_or(self.role),
            disabled: changes.disabled.unwrap_or(self.disabled),
            ..self.clone()
        }
    }
}

/// What a single sign-on says of a member, to find, make or update them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoProfile {
    /// The provider's issuer URL.
    pub issuer: String,
    /// The provider's stable id of the person.
    pub subject: String,
    /// Usernames to try, best first, for a member made at their first login.
    pub usernames: Vec<String>,
    pub display_name: String,
    pub email: Option<String>,
    /// The role the admin claim gives; `None` when no admin claim is configured.
    pub role: Option<Role>,
}

/// What marks a member made by single sign-on instead of a password hash: no password
/// verifies against it.
pub const NO_PASSWORD: &str = "!sso";

/// What an admin changes of a member; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberChanges {
    pub display_name: Option<String>,
    /// `Some(None)` removes the address.
    pub email: Option<Option<String>>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// One change from the event log.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// Increases with every change.
    pub id: i64,
    pub vote_id: String,
    pub kind: EventKind,
    /// Who cast or withdrew, for ballot events.
    pub voter: Option<String>,
    /// The vote's round afterwards.
    pub round: u32,
    pub at: DateTime<Utc>,
}

/// Upper limits, in hours, of the reveal-time buckets; a last bucket holds the rest.
pub const REVEAL_BUCKET_HOURS: [u32; 4] = [1, 4, 24, 72];

/// The overview's figures as the database aggregates them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OverviewRecord {
    /// `(project, state, votes)` of every ongoing vote group.
    pub ongoing: Vec<(Option<String>, VoteState, u32)>,
    /// `(deck, final size, votes)` of every closed vote group.
    pub final_sizes: Vec<(DeckKind, String, u32)>,
    /// `(voter, ballots)` since the window start, most first, at most the limit asked.
    pub ballots_by_voter: Vec<(String, u32)>,
    /// Distinct voters since the window start.
    pub voters: u32,
    /// Rounds revealed (by owner, quorum or deadline, not by closing) since the window
    /// start, per [`REVEAL_BUCKET_HOURS`] bucket (one more than the limits).
    pub reveal_buckets: Vec<u32>,
    /// Median milliseconds from round start to reveal, for those rounds.
    pub reveal_median_ms: Option<i64>,
}

/// An integration calling with its token: who it is and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    pub name: String,
    /// Sorted, without repeats.
    pub scopes: Vec<Scope>,
}

impl Integration {
    /// Whether its token holds `scope`.
    pub fn may(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// An integration token as an admin lists it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationRecord {
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
    /// Updated at most once a minute.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A login session as stored: keyed by the SHA-256 of its id, so the table alone lets
/// nobody take a session over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hex SHA-256 of the cookie's session id.
    pub id_hash: String,
    /// The member logged in with it, if any: lets all of a member's sessions end at once.
    pub member: Option<String>,
    /// The session's values as JSON.
    pub data: String,
    pub expires_at: DateTime<Utc>,
}

/// An endpoint changes are posted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRecord {
    pub id: String,
    pub url: String,
    /// Event kinds it receives, or `["*"]` for all.
    pub topics: Vec<String>,
    pub project: Option<String>,
    /// `whsec_…`, the key deliveries are signed with.
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    /// Deliveries made.
    pub delivered: u32,
    /// Deliveries given up on.
    pub failed: u32,
}

/// Where a notification goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// A registered webhook, by id.
    Webhook,
    /// A project's chat channel (an incoming-webhook URL), by project.
    Chat,
    /// A member's email, by username.
    Email,
    /// The channel message of a vote started in Slack, by Slack channel.
    Slack,
    /// A direct message in Slack, by voter (a linked member or `slack:TEAM:USER`).
    SlackDm,
}

impl Channel {
    /// As stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Webhook => "webhook",
            Channel::Chat => "chat",
            Channel::Email => "email",
            Channel::Slack => "slack",
            Channel::SlackDm => "slack_dm",
        }
    }

    /// The channel spelled `text`.
    pub fn parse(text: &str) -> Option<Channel> {
        [
            Channel::Webhook,
            Channel::Chat,
            Channel::Email,
            Channel::Slack,
            Channel::SlackDm,
        ]
        .into_iter()
        .find(|c| c.as_str() == text)
    }
}

/// One notification in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: i64,
    pub channel: Channel,
    /// The webhook's id, the project, or the member.
    pub target: String,
    /// An event kind, or `reminder`, `all_voted`, `results`, `ping`.
    pub topic: String,
    pub vote_id: Option<String>,
    pub event_id: Option<i64>,
    pub round: Option<u32>,
    pub voter: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub attempts: u32,
    pub delivered_at: Option<DateTime<Utc>>,
    pub gave_up_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// How an attempt to deliver went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// It arrived.
    Delivered,
    /// It failed; try again at this time.
    Retry(DateTime<Utc>, String),
    /// It failed for the last time.
    GaveUp(String),
}

/// What a member wants to hear, and where.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberSettingsRecord {
    pub email: Option<String>,
    pub reminders: bool,
    pub results: bool,
    pub all_voted: bool,
}

/// An open vote whose deadline is near enough to remind of: the voters of its current
/// round, and the reminders already sent in that round.
#[derive(Debug, Clone)]
pub struct ReminderCandidate {
    pub vote: VoteRecord,
    pub voters: Vec<String>,
    /// Who was reminded at which lead time (ms).
    pub sent: Vec<(String, i64)>,
}

/// A reminder to send: the vote's round, the voter, and every lead time now due for
/// them (the smallest is the one that is sent; all are marked, so each is sent once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderDue {
    pub vote_id: String,
    pub round: u32,
    pub voter: String,
    pub leads_ms: Vec<i64>,
}
