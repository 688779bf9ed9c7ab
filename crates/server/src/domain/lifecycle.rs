//! The life of a vote: which changes each state allows and what they do. Both stores call
//! these inside their write transactions, so SQLite and PostgreSQL follow one set of rules.

use asyncvoter_wire::{RevealCause, VoteState};

use super::DomainError;

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
        (VoteState::Revealed, Change::NewRound) => Ok(()),
        (VoteState::Open, Change::NewRound) => Err(DomainError::Conflict(
            "the current round is still open: reveal it before starting a new one".into(),
        )),
        (VoteState::Revealed, _) => Err(DomainError::Conflict(
            "the vote is revealed: its ballots are read-only until a new round starts".into(),
        )),
        (VoteState::Closed, _) => Err(DomainError::Conflict("the vote is closed".into())),
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

/// Whether the ballot that brought the round to `ballots_cast` reveals it.
pub fn reveal_after_ballot(quorum: Option<u32>, ballots_cast: u32) -> Option<RevealCause> {
    quorum
        .is_some_and(|quorum| ballots_cast >= quorum)
        .then_some(RevealCause::Quorum)
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
            (Closed, NewRound, false),
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

    #[test]
    fn the_quorum_reveals_at_the_ballot_that_reaches_it() {
        assert_eq!(reveal_after_ballot(None, 50), None);
        assert_eq!(reveal_after_ballot(Some(3), 2), None);
        assert_eq!(reveal_after_ballot(Some(3), 3), Some(RevealCause::Quorum));
        assert_eq!(reveal_after_ballot(Some(1), 1), Some(RevealCause::Quorum));
    }
}
