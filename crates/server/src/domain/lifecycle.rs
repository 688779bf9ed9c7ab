//! The life of a vote: which changes each state allows and what they do. Both stores call
//! these inside their write transactions, so SQLite and PostgreSQL follow one set of rules.

use asyncvoter_wire::{RevealCause, VoteState};

use super::DomainError;
use super::records::VoteRecord;

/// A change asked of a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Cast or replace a ballot.
    Cast,
    /// Withdraw a ballot.
    Withdraw,
    /// Reveal the current round.
    Reveal,
    /// Open the next round.
    NewRound,
}

/// Whether a vote in `state` allows `change`; the refusal says why.
pub fn allows(state: VoteState, change: Change) -> Result<(), DomainError> {
    match (state, change) {
        (VoteState::Open, Change::Cast | Change::Withdraw | Change::Reveal) => Ok(()),
        // A closed vote re-opens in a new round: its final size is cleared.
        (VoteState::Revealed | VoteState::Closed, Change::NewRound) => Ok(()),
        (VoteState::Open, Change::NewRound) => Err(DomainError::Conflict(
            "the current round is still open: reveal it before starting a new one".into(),
        )),
        (VoteState::Revealed, _) => Err(DomainError::Conflict(
            "the vote is revealed: its ballots are read-only until a new round starts".into(),
        )),
        (VoteState::Closed, _) => Err(DomainError::Conflict(
            "the vote is closed: re-open it (a new round) to vote again".into(),
        )),
    }
}

/// What closing a vote in some state does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// Record the final size and close; an open round is revealed by the close.
    Close,
    /// The vote is closed already: its final size changes to the new one.
    ChangeFinalSize,
}

/// What a close does to a vote in `state`.
pub fn closing(state: VoteState) -> Closing {
    match state {
        VoteState::Open | VoteState::Revealed => Closing::Close,
        VoteState::Closed => Closing::ChangeFinalSize,
    }
}

/// What reveals a round by itself, besides its deadline.
#[derive(Debug, Clone, Copy)]
pub struct AutoReveal<'a> {
    /// This many ballots reveal it.
    pub quorum: Option<u32>,
    /// Who the vote waits on.
    pub expected: &'a [String],
    /// Whether the round reveals once every one of them has voted.
    pub when_all_voted: bool,
}

impl<'a> AutoReveal<'a> {
    /// The rules `vote` was started (or changed) with.
    pub fn of(vote: &'a VoteRecord) -> AutoReveal<'a> {
        AutoReveal {
            quorum: vote.quorum,
            expected: &vote.expected_voters,
            when_all_voted: vote.reveal_when_all_voted,
        }
    }

    /// Whether a round with this turnout reveals now, and why: the quorum comes first.
    pub fn after(&self, turnout: &Turnout) -> Option<RevealCause> {
        if self
            .quorum
            .is_some_and(|quorum| turnout.ballots >= quorum as usize)
        {
            return Some(RevealCause::Quorum);
        }
        let all_voted =
            !self.expected.is_empty() && waiting_on(self.expected, &turnout.voted).is_empty();
        (self.when_all_voted && all_voted).then_some(RevealCause::AllVoted)
    }
}

/// Who has voted in a round, as far as its rules look: how many ballots it has, and which
/// expected voters cast one (reading every voter of a large round for each ballot would
/// cost more than the ballot).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Turnout {
    /// Ballots in the round.
    pub ballots: usize,
    /// Voters with a ballot: at least each expected voter who has one.
    pub voted: Vec<String>,
}

impl Turnout {
    /// The turnout of a round with exactly these voters.
    pub fn of(voters: Vec<String>) -> Turnout {
        Turnout {
            ballots: voters.len(),
            voted: voters,
        }
    }
}

/// Most ballots one round takes: as many as the largest quorum, so any quorum can be met,
/// and no more, so that a token casting for ever new external voters cannot grow a vote
/// (and every read of it) without end.
pub const MAX_BALLOTS_PER_ROUND: usize = 1000;
const _: () = assert!(MAX_BALLOTS_PER_ROUND >= super::rules::MAX_QUORUM as usize);

/// Most rounds one vote goes through: a team re-votes a few times; past this it starts a
/// new vote, so that no vote grows without end by rounds either.
pub const MAX_ROUNDS: u32 = 100;

/// Whether a vote now in round `round` may start another.
pub fn may_start_round_after(round: u32) -> Result<(), DomainError> {
    if round < MAX_ROUNDS {
        return Ok(());
    }
    Err(DomainError::Conflict(format!(
        "this vote has had {MAX_ROUNDS} rounds, the most one vote takes: start a new vote"
    )))
}

/// Whether a round may keep a ballot that made its turnout `turnout`: a replaced ballot
/// always, a new voter's only while the round holds at most [`MAX_BALLOTS_PER_ROUND`].
pub fn has_room(turnout: &Turnout, replaced: bool) -> Result<(), DomainError> {
    if replaced || turnout.ballots <= MAX_BALLOTS_PER_ROUND {
        return Ok(());
    }
    Err(DomainError::Conflict(format!(
        "this round already has {MAX_BALLOTS_PER_ROUND} ballots, the most one round takes: \
         reveal it, or replace a ballot already cast"
    )))
}

/// The expected voters without a ballot among `voters`, in the expected order.
pub fn waiting_on<'a>(expected: &'a [String], voters: &[String]) -> Vec<&'a String> {
    expected.iter().filter(|e| !voters.contains(e)).collect()
}

/// Whether the ballot of `voter` (new, not replacing one) is the one after which every
/// expected voter has voted: the vote's owner hears of it.
pub fn completes_the_expected(
    expected: &[String],
    turnout: &Turnout,
    voter: &str,
    replaced: bool,
) -> bool {
    !replaced
        && expected.iter().any(|e| e == voter)
        && waiting_on(expected, &turnout.voted).is_empty()
}

/// Whether a vote in `state`, with ballots cast or not, takes these changes: a closed
/// vote only has its name, link and project corrected; the deck changes only before the
/// first ballot.
pub fn allows_changes(
    state: VoteState,
    changes_voting: bool,
    changes_deck: bool,
    has_ballots: bool,
) -> Result<(), DomainError> {
    if state == VoteState::Closed && changes_voting {
        return Err(DomainError::Conflict(
            "the vote is closed: only its name, link and project can change".into(),
        ));
    }
    if changes_deck && has_ballots {
        return Err(DomainError::Conflict(
            "the deck cannot change once someone has voted: start a new vote instead".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_allows_only_its_changes() {
        use Change::*;
        use VoteState::*;
        let table = [
            (Open, Cast, true),
            (Open, Withdraw, true),
            (Open, Reveal, true),
            (Open, NewRound, false),
            (Revealed, Cast, false),
            (Revealed, Withdraw, false),
            (Revealed, Reveal, false),
            (Revealed, NewRound, true),
            (Closed, Cast, false),
            (Closed, Withdraw, false),
            (Closed, Reveal, false),
            (Closed, NewRound, true),
        ];
        for (state, change, allowed) in table {
            assert_eq!(
                allows(state, change).is_ok(),
                allowed,
                "{state:?} {change:?}"
            );
        }
    }

    #[test]
    fn a_closed_vote_changes_its_size_and_others_close() {
        assert_eq!(closing(VoteState::Open), Closing::Close);
        assert_eq!(closing(VoteState::Revealed), Closing::Close);
        assert_eq!(closing(VoteState::Closed), Closing::ChangeFinalSize);
    }

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn turnout(names: &[&str]) -> Turnout {
        Turnout::of(ids(names))
    }

    #[test]
    fn the_quorum_or_the_last_expected_voter_reveals_the_round() {
        let nobody: Vec<String> = Vec::new();
        let quorum = |n| AutoReveal {
            quorum: n,
            expected: &nobody,
            when_all_voted: true,
        };
        assert_eq!(quorum(None).after(&turnout(&["a"; 50])), None);
        assert_eq!(quorum(Some(3)).after(&turnout(&["a", "b"])), None);
        assert_eq!(
            quorum(Some(3)).after(&turnout(&["a", "b", "c"])),
            Some(RevealCause::Quorum)
        );

        let expected = ids(&["ana", "slack:T1:U2"]);
        let team = |when_all_voted| AutoReveal {
            quorum: None,
            expected: &expected,
            when_all_voted,
        };
        assert_eq!(
            team(true).after(&turnout(&["ana", "ben"])),
            None,
            "one still to vote"
        );
        assert_eq!(
            team(true).after(&turnout(&["ben", "slack:T1:U2", "ana"])),
            Some(RevealCause::AllVoted)
        );
        assert_eq!(
            team(false).after(&turnout(&["slack:T1:U2", "ana"])),
            None,
            "turned off"
        );
        // A store reads only the expected voters among many.
        let many = Turnout {
            ballots: 40,
            voted: ids(&["ana", "slack:T1:U2"]),
        };
        assert_eq!(team(true).after(&many), Some(RevealCause::AllVoted));
        assert_eq!(quorum(Some(40)).after(&many), Some(RevealCause::Quorum));
        assert_eq!(quorum(Some(41)).after(&many), None);
        assert_eq!(
            waiting_on(&expected, &ids(&["slack:T1:U2"])),
            [&"ana".to_owned()]
        );
    }

    #[test]
    fn a_closed_vote_takes_corrections_and_a_voted_one_keeps_its_deck() {
        assert!(allows_changes(VoteState::Closed, false, false, true).is_ok());
        assert!(allows_changes(VoteState::Closed, true, false, true).is_err());
        assert!(allows_changes(VoteState::Open, true, true, false).is_ok());
        assert!(allows_changes(VoteState::Open, true, true, true).is_err());
        assert!(allows_changes(VoteState::Revealed, true, false, true).is_ok());
    }
}
