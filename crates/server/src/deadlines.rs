//! The background task that reveals votes whose deadline passed, even when nobody reads.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::clock::Clock;
use crate::store::Store;

/// Reveals due votes every `every`, by `clock`, until `stop` turns true.
pub async fn run(
    store: Arc<dyn Store>,
    every: Duration,
    clock: Clock,
    mut stop: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.changed() => return,
        }
        match store.reveal_due(clock.now()).await {
            Ok(ids) => {
                for id in ids {
                    tracing::info!(vote = %id, "revealed at its deadline");
                }
            }
            Err(error) => tracing::warn!(%error, "deadline check failed; retrying"),
        }
    }
}
