//! Storage behind one trait per concern, so the SQLite default and a PostgreSQL backend
//! serve the same callers: [`EventStore`], [`VoteStore`], [`MemberStore`],
//! [`AccessStore`], [`NotificationStore`] and [`SlackStore`], together [`Store`]. Both
//! backends are one SQL implementation (`sql`, a file per concern) over a small dialect
//! each; every method is one transaction, and changes ask `domain::lifecycle` inside it.
//! Callers hold an `Arc<dyn Store>` and call any concern's methods on it.

mod access;
pub mod backup;
mod ballot_writer;
mod events;
mod members;
mod notifications;
mod postgres;
mod rows;
mod slack;
mod sql;
mod sqlite;
mod votes;

pub use crate::domain::records::*;
use crate::domain::views::{self, Names};
pub use access::{AccessStore, Reservation};
pub use ballot_writer::{BallotWriter, MOST_BATCHED, PendingBallot, next_batch};
pub use events::{EventStore, ReadVersion};
pub use members::MemberStore;
pub use notifications::{DeliveryQuery, NotificationStore};
pub use postgres::PostgresStore;
pub use rows::unavailable_reason;
pub use slack::SlackStore;
pub use sqlite::SqliteStore;
pub use votes::{ListCursor, StateFilter, TimeRange, VoteQuery, VoteStore};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such vote, ballot or record; names which.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The record exists but is not in a state that allows the change.
    #[error("{0}")]
    Conflict(String),
    /// The database cannot be reached or used right now.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Anything else; logged, never shown.
    #[error("database error")]
    Other(#[source] sqlx::Error),
}

/// The storage every backend provides: each concern's trait, together.
pub trait Store:
    EventStore + VoteStore + MemberStore + AccessStore + NotificationStore + SlackStore + 'static
{
}

impl<
    T: EventStore + VoteStore + MemberStore + AccessStore + NotificationStore + SlackStore + 'static,
> Store for T
{
}

/// The display names of the members among `ids`, for a response that shows voters.
pub async fn names<'a>(
    store: &dyn Store,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<Names, StoreError> {
    let ids: Vec<&str> = ids.into_iter().collect();
    let members = views::member_ids(ids.iter().copied());
    let externals = views::external_ids(ids.iter().copied());
    let mut names: Names = store.display_names(&members).await?.into_iter().collect();
    for (id, name) in store.external_names(&externals).await? {
        names.name_external(id, &name);
    }
    Ok(names)
}

/// The members among `ids` that do not exist (external ids are never checked).
pub async fn unknown_members(store: &dyn Store, ids: &[String]) -> Result<Vec<String>, StoreError> {
    let members = views::member_ids(ids.iter().map(String::as_str));
    let known = store.display_names(&members).await?;
    Ok(members
        .into_iter()
        .filter(|m| !known.iter().any(|(username, _)| username == m))
        .collect())
}

/// Opens the store a database URL names: `sqlite://PATH` (created if missing) or
/// `postgres://…` (`postgresql://…`), with its migrations run.
pub async fn open(url: &str) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    use anyhow::Context;
    match url.split_once(':').map(|(scheme, _)| scheme) {
        Some("sqlite") => {
            // SQLite would quietly open a file it cannot write as read-only, and every vote
            // would then fail: refuse to start instead, and say why.
            if let Some(problem) = unwritable(url) {
                anyhow::bail!("cannot open the SQLite database {}: {problem}", redact(url));
            }
            create_private(url)
                .with_context(|| format!("cannot create the SQLite database {}", redact(url)))?;
            let store = SqliteStore::open(url)
                .await
                .with_context(|| format!("cannot open the SQLite database {}", redact(url)))?;
            Ok(std::sync::Arc::new(store))
        }
        Some("postgres" | "postgresql") => {
            let store = PostgresStore::open(url)
                .await
                .with_context(|| format!("cannot open the PostgreSQL database {}", redact(url)))?;
            Ok(std::sync::Arc::new(store))
        }
        _ => anyhow::bail!(
            "unsupported database URL {}: use sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE",
            redact(url)
        ),
    }
}

/// Opens a database that exists already, as every command but `serve` does: a mistyped
/// `--database-url` must not quietly make a new, empty one. Says where it looked.
pub async fn open_existing(url: &str) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("sqlite:")
        && let Some(path) = sqlite_path(url).filter(|p| !p.exists())
    {
        let looked = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        anyhow::bail!(
            "there is no database at {} (from --database-url {}). Only `asyncvoter serve` \
             creates one: check the path, or start the server once first",
            looked.display(),
            redact(url)
        );
    }
    open(url).await
}

/// The file a `sqlite:` URL names, unless it is in memory.
fn sqlite_path(url: &str) -> Option<&std::path::Path> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| std::path::Path::new(path))
}

/// Creates a missing database file readable by its owner only (0600): it holds password
/// hashes. SQLite gives its WAL and shared-memory files the same mode.
fn create_private(url: &str) -> std::io::Result<()> {
    let Some(path) = sqlite_path(url).filter(|p| !p.exists()) else {
        return Ok(());
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other.map(drop),
    }
}

/// Why an existing SQLite file cannot be written, if it cannot.
fn unwritable(url: &str) -> Option<String> {
    let path = sqlite_path(url).filter(|p| p.exists())?;
    match may_write(path) {
        Ok(()) => None,
        Err(error) if error.raw_os_error() == Some(30) => {
            Some("the file system is read-only; nothing could be saved there".to_owned())
        }
        Err(error) => Some(format!("the file cannot be written: {error}")),
    }
}

/// Whether this process may write `path`, asked without opening it: closing any file
/// descriptor of a file ends every POSIX lock the process holds on it, so opening a
/// database that a store of this process has open would take SQLite's locks from under
/// it (seen: that store's reads then missed what other processes wrote).
#[cfg(unix)]
fn may_write(path: &std::path::Path) -> std::io::Result<()> {
    rustix::fs::access(path, rustix::fs::Access::WRITE_OK).map_err(std::io::Error::from)
}

/// Whether this process may write `path` (no POSIX locks to lose here).
#[cfg(not(unix))]
fn may_write(path: &std::path::Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map(drop)
}

/// A database URL fit for logs: any password replaced.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn other_schemes_get_a_clear_error_without_the_password() {
        let error = super::open("mysql://root:hunter2@db/app")
            .await
            .err()
            .expect("refused")
            .to_string();
        assert!(error.contains("unsupported database URL"), "{error}");
        assert!(error.contains("postgres://"), "names what works: {error}");
        assert!(!error.contains("hunter2"), "{error}");
    }
}
