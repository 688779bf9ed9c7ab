//! Why the domain refuses a request, in words a caller can act on. The HTTP layer maps
//! each variant to its status once (`http::error`); the command line prints the message.

/// A refusal by the rules, not a failure of the server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value breaks a rule (422).
    #[error("{0}")]
    Invalid(String),
    /// The record's state does not allow the change (409).
    #[error("{0}")]
    Conflict(String),
    /// The caller must log in or send a token first (401).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known and not allowed (403).
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts: try again after this many seconds (429).
    #[error("too many failed attempts; try again in {0} s")]
    RateLimited(u64),
    /// The server is at a limit it keeps to stay up; try again after this many seconds (503).
    #[error("{0}")]
    Busy(&'static str, u64),
    /// Stored data breaks an invariant; logged, never shown (500).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

/// The result of a rule.
pub type Checked<T> = Result<T, DomainError>;
