//! Who hears of what: the rules the outbox is written by, and how failed deliveries are
//! retried. One message per vote per stage (started, revealed, closed) reaches a chat
//! channel; never one per ballot.

use asyncvoter_wire::EventKind;
use chrono::{DateTime, Duration, Utc};

/// A reminder before a deadline.
pub const REMINDER: &str = "reminder";
/// Everyone expected has voted (to the owner).
pub const ALL_VOTED: &str = "all_voted";
/// A revealed round's results (to those who voted or were expected).
pub const RESULTS: &str = "results";
/// A test delivery to a webhook.
pub const PING: &str = "ping";

/// Whether a project's chat channel hears of this change.
pub fn announced(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::VoteCreated | EventKind::Revealed | EventKind::Closed
    )
}

/// Whether this change redraws the channel message of a vote started in Slack: every
/// change but a reminder (and a deletion, which leaves nothing to draw).
pub fn shown_in_slack(kind: EventKind) -> bool {
    !matches!(kind, EventKind::ReminderSent | EventKind::VoteDeleted)
}

/// Whether this change sends the round's results by email.
pub fn results_mailed(kind: EventKind) -> bool {
    kind == EventKind::Revealed
}

/// How failed deliveries are retried.
#[derive(Debug, Clone, Copy)]
pub struct Retries {
    /// The wait after the first failure; each next one doubles, up to `longest`.
    pub first: Duration,
    /// The longest wait between attempts.
    pub longest: Duration,
    /// How long after it was written a notification is given up on.
    pub give_up_after: Duration,
}

impl Default for Retries {
    fn default() -> Retries {
        Retries {
            first: Duration::seconds(10),
            longest: Duration::hours(1),
            give_up_after: Duration::hours(24),
        }
    }
}

impl Retries {
    /// When to try again after `attempts` failed, or `None` to give up.
    pub fn next(
        &self,
        attempts: u32,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        if now - created_at >= self.give_up_after {
            return None;
        }
        let doublings = attempts.saturating_sub(1).min(20);
        let wait = self
            .first
            .checked_mul(1 << doublings)
            .unwrap_or(self.longest)
            .min(self.longest);
        Some((now + wait).min(created_at + self.give_up_after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_hears_three_times_per_vote_and_never_of_a_ballot() {
        let heard: Vec<EventKind> = EventKind::ALL
            .into_iter()
            .filter(|k| announced(*k))
            .collect();
        assert_eq!(
            heard,
            [
                EventKind::VoteCreated,
                EventKind::Revealed,
                EventKind::Closed
            ]
        );
    }

    #[test]
    fn retries_back_off_and_give_up_after_a_day() {
        let retries = Retries::default();
        let start = Utc::now();
        let waits: Vec<i64> = (1..=4)
            .map(|n| (retries.next(n, start, start).unwrap() - start).num_seconds())
            .collect();
        assert_eq!(waits, [10, 20, 40, 80]);
        assert_eq!(
            (retries.next(30, start, start).unwrap() - start).num_seconds(),
            3600,
            "at most an hour apart"
        );
        let late = start + Duration::hours(23) + Duration::minutes(59);
        assert_eq!(
            retries.next(9, start, late),
            Some(start + Duration::hours(24))
        );
        assert_eq!(retries.next(9, start, start + Duration::hours(24)), None);
    }
}
