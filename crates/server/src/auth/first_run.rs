//! The first admin of a new server: while nobody is a member, `serve` prints a one-time
//! link (valid one hour, used once) where they choose their name and password in the
//! browser. Only its hash is kept, in this process's memory.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::auth::{hash_token, new_token};

/// How long a setup link works.
pub const VALID_FOR: Duration = Duration::hours(1);

/// The open setup link, if there is one.
#[derive(Debug, Default)]
pub struct FirstRun(Mutex<Option<(String, DateTime<Utc>)>>);

impl FirstRun {
    /// Opens a new link valid until `now` + [`VALID_FOR`] and returns its secret, to be
    /// printed; an earlier link stops working.
    pub fn open(&self, now: DateTime<Utc>) -> String {
        let token = new_token();
        *self.lock() = Some((hash_token(&token), now + VALID_FOR));
        token
    }

    /// Whether `token` is the open link's, still valid at `now`.
    pub fn is_valid(&self, token: &str, now: DateTime<Utc>) -> bool {
        opens(&self.lock(), token, now)
    }

    /// Takes the link for one use: true once for a valid `token`; nobody else can use it
    /// until [`FirstRun::give_back`].
    pub fn take(&self, token: &str, now: DateTime<Utc>) -> Option<Taken> {
        let mut open = self.lock();
        opens(&open, token, now).then(|| Taken(open.take().expect("checked above")))
    }

    /// Puts a taken link back, when setting up failed after all.
    pub fn give_back(&self, taken: Taken) {
        *self.lock() = Some(taken.0);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(String, DateTime<Utc>)>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Whether the `open` link is `token`'s and still valid at `now`.
fn opens(open: &Option<(String, DateTime<Utc>)>, token: &str, now: DateTime<Utc>) -> bool {
    open.as_ref()
        .is_some_and(|(hash, until)| now < *until && *hash == hash_token(token))
}

/// A link taken for one use.
#[derive(Debug)]
pub struct Taken((String, DateTime<Utc>));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_works_once_and_for_an_hour() {
        let first = FirstRun::default();
        let now = Utc::now();
        let token = first.open(now);
        assert!(!first.is_valid("av_guess", now));
        assert!(first.is_valid(&token, now + Duration::minutes(59)));
        assert!(!first.is_valid(&token, now + Duration::minutes(61)));
        let taken = first.take(&token, now).expect("valid");
        assert!(first.take(&token, now).is_none(), "used once");
        first.give_back(taken);
        assert!(first.take(&token, now).is_some(), "given back");
        let newer = first.open(now);
        assert!(!first.is_valid(&token, now) && first.is_valid(&newer, now));
    }
}
