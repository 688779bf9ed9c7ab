//! Login attempts per account and per address, counted in the database so every server
//! instance sees the same count: an attempt is counted before its password is checked
//! and forgotten when it succeeds, so the 11th attempt within 60 s that has not
//! succeeded is refused with 429, however many arrive at once. Within a process, one
//! account's password is checked once at a time.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

use crate::auth::AuthError;
use crate::domain::DomainError;
use crate::store::{Reservation, Store};

/// Attempts allowed per key within [`WINDOW_SECS`], not counting those that succeeded.
pub const MAX_ATTEMPTS: u32 = 10;
/// The window attempts are counted in.
pub const WINDOW_SECS: i64 = 60;

/// The keys a login attempt counts under: the account and the client address.
pub fn keys(username: &str, address: Option<IpAddr>) -> Vec<String> {
    let mut keys = vec![account_key(username)];
    if let Some(address) = address {
        keys.push(format!("address:{address}"));
    }
    keys
}

/// The key of an account alone, for checks that know the member but not a login (the
/// current password asked before a change).
pub fn account_key(username: &str) -> String {
    format!("account:{username}")
}

/// The accounts whose password is being checked right now, in this process: one check
/// per account at a time, so a flood against one account takes one hashing turn and
/// leaves the others to everyone else.
#[derive(Debug, Default)]
pub struct InFlight(Mutex<HashSet<String>>);

/// An account's place in [`InFlight`], given back when dropped.
pub struct Checking {
    accounts: Arc<InFlight>,
    account: String,
}

impl Drop for Checking {
    fn drop(&mut self) {
        let mut accounts = self.accounts.0.lock().unwrap_or_else(|e| e.into_inner());
        accounts.remove(&self.account);
    }
}

/// Takes `username`'s place for one password check, or refuses (429, retry in a second)
/// while another check for it runs.
pub fn one_at_a_time(accounts: &Arc<InFlight>, username: &str) -> Result<Checking, AuthError> {
    let mut taken = accounts.0.lock().unwrap_or_else(|e| e.into_inner());
    if !taken.insert(username.to_owned()) {
        return Err(DomainError::RateLimited(1).into());
    }
    Ok(Checking {
        accounts: accounts.clone(),
        account: username.to_owned(),
    })
}

/// A counted attempt; forget it with [`succeeded`] when the password was right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "an attempt that succeeds must be forgotten"]
pub struct Attempt(i64);

/// Counts an attempt under every key, or refuses it (429, with the seconds to wait) when
/// a key is at the limit.
pub async fn reserve(
    store: &dyn Store,
    keys: &[String],
    now: DateTime<Utc>,
) -> Result<Attempt, AuthError> {
    let window = Duration::seconds(WINDOW_SECS);
    match store
        .reserve_login_attempt(keys, now, now - window, MAX_ATTEMPTS)
        .await?
    {
        Reservation::Made(id) => Ok(Attempt(id)),
        Reservation::Full(blocking) => {
            // Free again once the attempt that fills the limit leaves the window.
            let wait = (blocking + window - now).num_seconds().max(1) as u64;
            Err(DomainError::RateLimited(wait).into())
        }
    }
}

/// Forgets an attempt that succeeded, so a member who logs in often is never limited.
pub async fn succeeded(store: &dyn Store, attempt: Attempt) -> Result<(), AuthError> {
    Ok(store.clear_login_attempt(attempt.0).await?)
}
