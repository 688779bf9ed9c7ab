//! Failed logins per account and per address, counted in the database so every server
//! instance sees the same count: the 11th failure within 60 s is refused with 429.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use crate::auth::AuthError;
use crate::domain::DomainError;
use crate::store::Store;

/// Failed logins allowed per key within [`WINDOW_SECS`].
pub const MAX_FAILURES: usize = 10;
/// The window failures are counted in.
pub const WINDOW_SECS: i64 = 60;

/// The keys a login attempt counts under: the account and the client address.
pub fn keys(username: &str, address: Option<IpAddr>) -> Vec<String> {
    let mut keys = vec![format!("account:{username}")];
    if let Some(address) = address {
        keys.push(format!("address:{address}"));
    }
    keys
}

/// Refuses the attempt (429, with seconds to wait) when any key has too many recent failures.
pub async fn check(
    store: &dyn Store,
    keys: &[String],
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let window = Duration::seconds(WINDOW_SECS);
    for key in keys {
        let failures = store.login_failures(key, now - window).await?;
        if failures.len() >= MAX_FAILURES {
            // Free again once the oldest failure that still counts leaves the window.
            let oldest = failures[failures.len() - MAX_FAILURES];
            let wait = (oldest + window - now).num_seconds().max(1) as u64;
            return Err(DomainError::RateLimited(wait).into());
        }
    }
    Ok(())
}

/// Counts a failed attempt under every key.
pub async fn record(
    store: &dyn Store,
    keys: &[String],
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    store
        .record_login_failure(keys, now, now - Duration::seconds(WINDOW_SECS))
        .await
        .map_err(AuthError::from)
}
