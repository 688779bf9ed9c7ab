//! Member passwords: argon2id at OWASP's minimum cost (19 MiB, 2 passes, 1 lane), hashed
//! off the async threads, and no more at once than the machine has cores ([`Hasher`]).

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::auth::AuthError;
use crate::domain::DomainError;

/// Shortest password accepted.
pub const MIN_CHARS: usize = 8;
/// Longest password accepted.
pub const MAX_CHARS: usize = 256;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP's argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash to verify against when the username is unknown, so a wrong username takes as
/// long as a wrong password.
static DECOY: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2()
        .hash_password(b"decoy password that matches nothing", &salt)
        .expect("hashing a fixed password succeeds")
        .to_string()
});

/// Requests that may wait for a hashing turn, per turn.
const WAITING_PER_TURN: usize = 4;
/// How long a request waits for its turn before it is refused.
const LONGEST_WAIT: Duration = Duration::from_secs(2);
/// What a refused request is told to wait, in seconds.
const RETRY_AFTER_SECS: u64 = 2;

/// Hashing with its memory bounded: each argon2 hash holds 19 MiB, so at most one hash
/// per core runs at a time; a few requests more may wait briefly for a turn, and any
/// beyond are refused at once (503 with `Retry-After`). A flood of logins then costs the
/// server a bounded amount of memory, and a real login still gets its turn.
#[derive(Debug)]
pub struct Hasher {
    turns: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Hasher {
    /// `turns` hashes at a time.
    pub fn new(turns: usize) -> Hasher {
        let turns = turns.max(1);
        Hasher {
            turns: Semaphore::new(turns),
            waiting: AtomicUsize::new(0),
            max_waiting: turns * WAITING_PER_TURN,
        }
    }

    /// One hash at a time per core of this machine.
    pub fn per_core() -> Hasher {
        Hasher::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    /// Waits for a turn, or refuses when too many wait already or the wait is too long.
    async fn turn(&self) -> Result<SemaphorePermit<'_>, DomainError> {
        let busy = || DomainError::Busy("the server is checking many passwords", RETRY_AFTER_SECS);
        if let Ok(permit) = self.turns.try_acquire() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(busy());
        }
        let permit = tokio::time::timeout(LONGEST_WAIT, self.turns.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        match permit {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(busy()),
        }
    }

    /// [`hash`], in turn.
    pub async fn hash(&self, password: String) -> Result<String, AuthError> {
        let _turn = self.turn().await?;
        hash(password).await
    }

    /// [`verify`], in turn.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AuthError> {
        let _turn = self.turn().await?;
        Ok(verify(password, hash).await)
    }
}

/// Refuses passwords too short or too long.
pub fn check_strength(password: &str) -> Result<(), DomainError> {
    let chars = password.chars().count();
    if (MIN_CHARS..=MAX_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(DomainError::Invalid(format!(
            "a password has {MIN_CHARS} to {MAX_CHARS} characters"
        )))
    }
}

/// The argon2id PHC string of `password`.
pub async fn hash(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AuthError::Internal(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| AuthError::Internal(format!("hashing a password: {e}")))?
}

/// True when `password` matches `hash`; with no hash, spends the same time and says no.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DECOY.clone());
        let matches = PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        known && matches
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_at_owasp_cost_and_verify() {
        let hash = hash("correct horse".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify("correct horse".into(), Some(hash.clone())).await);
        assert!(!verify("wrong horse".into(), Some(hash)).await);
        assert!(!verify("anything".into(), None).await);
    }

    #[tokio::test]
    async fn hashing_takes_turns_and_refuses_beyond_the_queue_at_once() {
        let hasher = Hasher::new(1);
        let held = hasher.turn().await.unwrap();
        // Four may wait for the one turn; the fifth is refused without waiting.
        let waiters: Vec<_> = (0..WAITING_PER_TURN)
            .map(|_| hasher.turn())
            .collect::<Vec<_>>();
        let mut waiters: Vec<_> = waiters.into_iter().map(Box::pin).collect();
        for waiter in &mut waiters {
            assert!(futures::poll!(waiter.as_mut()).is_pending());
        }
        let started = std::time::Instant::now();
        assert!(matches!(hasher.turn().await, Err(DomainError::Busy(..))));
        assert!(started.elapsed() < Duration::from_millis(100), "at once");
        drop(held);
        assert!(
            waiters.remove(0).await.is_ok(),
            "a waiter gets the freed turn"
        );
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(check_strength("seven77").is_err());
        assert!(check_strength("eight888").is_ok());
        assert!(check_strength(&"x".repeat(257)).is_err());
    }
}
