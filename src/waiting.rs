//! The open votes that wait on the logged-in member, shared by the header's count and the
//! "Waiting on you" section of `/`: `provide_waiting()` in `App`, `use_waiting()` below it.
//!
//! Asked again whenever a change may add or remove one: a vote started, updated or given a
//! new round, the member's own ballot (from any tab or channel), or a change to a vote in
//! the list. Other people's ballots elsewhere cost nothing.

use asyncvoter_wire::{EventKind, VoteEvent, VoteSummary};
use leptos::prelude::*;

use crate::api;
use crate::fetch::Fetch;
use crate::live::{Heard, use_live};
use crate::session::use_session;

/// The votes waiting on the visitor; none for visitors not logged in.
#[derive(Clone, Copy)]
pub struct WaitingOnMe(Option<Fetch<Vec<VoteSummary>>>);

impl WaitingOnMe {
    /// The votes, soonest deadline first, once known (tracked).
    pub fn votes(&self) -> Option<Vec<VoteSummary>> {
        self.0?.get().and_then(Result::ok)
    }

    /// How many votes wait (tracked); 0 until known.
    pub fn count(&self) -> usize {
        self.0.map_or(0, |fetch| {
            fetch.with(|answer| match answer {
                Some(Ok(votes)) => votes.len(),
                _ => 0,
            })
        })
    }
}

/// Loads the visitor's waiting votes and keeps them current; call once in `App`, after
/// `provide_session` and `provide_live`.
pub fn provide_waiting() {
    let session = use_session();
    // Asked again on logging in or out.
    let fetch = Fetch::new(move || {
        let member = session.is_logged_in();
        async move {
            if member {
                api::waiting_on_me().await.map(|waiting| waiting.items)
            } else {
                Ok(Vec::new())
            }
        }
    });
    provide_context(WaitingOnMe(Some(fetch)));
    use_live().listen(move |heard| {
        let concerns_me = match heard {
            Heard::Resync => true,
            Heard::Change(change) => {
                let listed = untrack(|| {
                    fetch.with(|answer| {
                        answer
                            .iter()
                            .flatten()
                            .flatten()
                            .any(|vote| vote.id == change.vote_id)
                    })
                });
                let me = session.member_untracked().map(|m| m.username);
                listed || may_add(change, me.as_deref())
            }
        };
        if concerns_me {
            fetch.refetch();
        }
    });
}

/// Whether `change` may add a vote to the member's list: a new or changed vote, a new
/// round, or the member's own ballot withdrawn.
fn may_add(change: &VoteEvent, me: Option<&str>) -> bool {
    match change.kind {
        EventKind::VoteCreated | EventKind::VoteUpdated | EventKind::RoundStarted => true,
        EventKind::BallotCast | EventKind::BallotWithdrawn => {
            me.is_some() && change.voter.as_ref().map(|v| v.id.as_str()) == me
        }
        _ => false,
    }
}

/// The shared list; an empty one where none was provided (component tests).
pub fn use_waiting() -> WaitingOnMe {
    use_context::<WaitingOnMe>().unwrap_or(WaitingOnMe(None))
}
