//! Group commit: the one task per store that writes ballots in batches.

use super::StoreError;
use crate::domain::records::{BallotCast, CastOutcome};

/// The way to the one task that writes a store's ballots, in batches (group commit):
/// ballots that arrive while a batch is being written go together in the next
/// transaction, each answered only after its commit (see `cast_batch` in `sql/votes.rs`).
#[derive(Default)]
pub struct BallotWriter {
    queue: std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<PendingBallot>>,
}

/// A ballot and where its outcome goes.
pub type PendingBallot = (
    BallotCast,
    tokio::sync::oneshot::Sender<Result<CastOutcome, StoreError>>,
);

/// Most ballots written in one transaction.
pub const MOST_BATCHED: usize = 64;

impl BallotWriter {
    /// Hands `cast` to the writer, which `start` spawns on first use with the queue it
    /// reads; the ballot's outcome once its transaction has committed.
    pub async fn write(
        &self,
        cast: BallotCast,
        start: impl FnOnce(tokio::sync::mpsc::UnboundedReceiver<PendingBallot>),
    ) -> Result<CastOutcome, StoreError> {
        let queue = self.queue.get_or_init(|| {
            let (queue, ballots) = tokio::sync::mpsc::unbounded_channel();
            start(ballots);
            queue
        });
        let (reply, outcome) = tokio::sync::oneshot::channel();
        let lost = || StoreError::Conflict("the ballot was not written; try again".into());
        queue.send((cast, reply)).map_err(|_| lost())?;
        outcome.await.unwrap_or_else(|_| Err(lost()))
    }
}

/// The next batch: the first ballot to arrive and those queued behind it.
pub async fn next_batch(
    ballots: &mut tokio::sync::mpsc::UnboundedReceiver<PendingBallot>,
) -> Option<Vec<PendingBallot>> {
    let first = ballots.recv().await?;
    let mut batch = vec![first];
    while batch.len() < MOST_BATCHED {
        match ballots.try_recv() {
            Ok(next) => batch.push(next),
            Err(_) => break,
        }
    }
    Some(batch)
}
