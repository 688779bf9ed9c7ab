//! The live event hub: one task per server reads new entries of the durable event log and
//! broadcasts them, serialized once, to every open event stream.
//!
//! The log in the database is the truth; the broadcast is only the fast path. A stream
//! that resumes replays from the log, and a stream that falls behind the broadcast gets a
//! `resync` instead of silently missing changes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asyncvoter_wire::VoteEvent;
use tokio::sync::{broadcast, watch};

use crate::domain::DomainError;
use crate::store::{EventRecord, Store, StoreError};

/// How often the hub reads the log even without a wake-up, and whether credentials ended:
/// another process writing the same database is seen within this.
const POLL: Duration = Duration::from_secs(1);
/// What a stream refused by a cap is told to wait, in seconds.
const STREAM_RETRY_SECS: u64 = 10;
/// Events read from the log per query.
const BATCH: u32 = 256;

/// One event, ready to write to any stream.
#[derive(Debug)]
pub struct Published {
    /// The log id, the stream's `id:`.
    pub id: i64,
    /// The stream's `event:`.
    pub kind: &'static str,
    /// The stream's `data:`, a [`VoteEvent`] in JSON.
    pub data: String,
}

/// Tuning of the hub, from the server's settings.
#[derive(Debug, Clone, Copy)]
pub struct HubSettings {
    /// Events a stream may fall behind the broadcast before it gets `resync`.
    pub buffer: usize,
    /// Events a resuming stream replays from the log at most; further behind gets `resync`.
    pub replay_limit: u32,
    /// Streams open at once, from everyone; each holds a file descriptor.
    pub max_streams: usize,
    /// Streams open at once from one client address.
    pub max_streams_per_client: usize,
}

impl Default for HubSettings {
    fn default() -> HubSettings {
        HubSettings {
            buffer: 1024,
            replay_limit: 1000,
            max_streams: 10_000,
            max_streams_per_client: 100,
        }
    }
}

/// Whose streams must end now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The session with this id hash logged out.
    Session(String),
    /// Every session of this member ended (a new password).
    Member(String),
    /// Some credentials ended elsewhere (another instance, the command line): every stream
    /// held by a session or token checks that its own still hold.
    Elsewhere,
}

/// Fans the event log out to the open streams.
pub struct Hub {
    sender: broadcast::Sender<Arc<Published>>,
    closing: watch::Sender<bool>,
    ended: broadcast::Sender<Ended>,
    store: Arc<dyn Store>,
    settings: HubSettings,
    open: Mutex<OpenStreams>,
    cap_reached_logged: AtomicBool,
}

/// How many streams are open, in all and per client address.
#[derive(Debug, Default)]
struct OpenStreams {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
}

/// A stream's place under the caps, given back when the stream ends.
pub struct StreamSlot {
    hub: Arc<Hub>,
    client: Option<IpAddr>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.hub.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total = open.total.saturating_sub(1);
        if let Some(client) = self.client
            && let Some(count) = open.per_client.get_mut(&client)
        {
            *count -= 1;
            if *count == 0 {
                open.per_client.remove(&client);
            }
        }
    }
}

impl Hub {
    /// Starts relaying events appended after the newest one now in the log.
    pub async fn start(
        store: Arc<dyn Store>,
        settings: HubSettings,
    ) -> Result<Arc<Hub>, StoreError> {
        let (sender, _) = broadcast::channel(settings.buffer.max(1));
        let (closing, _) = watch::channel(false);
        let (ended, _) = broadcast::channel(64);
        let newest = store.last_event_id().await?;
        let credentials = store.credentials_version().await?;
        let hub = Arc::new(Hub {
            sender,
            closing,
            ended,
            store,
            settings,
            open: Mutex::default(),
            cap_reached_logged: AtomicBool::new(false),
        });
        tokio::spawn(relay(Arc::downgrade(&hub), newest));
        tokio::spawn(watch_credentials(Arc::downgrade(&hub), credentials));
        Ok(hub)
    }

    /// Receives every event broadcast from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.sender.subscribe()
    }

    /// Turns true when the server shuts down; streams end then.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends every stream, for a graceful shutdown.
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }

    /// The store the log lives in.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The hub's tuning.
    pub fn settings(&self) -> HubSettings {
        self.settings
    }

    /// Open streams right now.
    pub fn listeners(&self) -> usize {
        self.sender.receiver_count()
    }

    /// A place for one more stream from `client`, unless that would pass a cap (the
    /// first refusal is logged, once).
    pub fn admit(self: &Arc<Hub>, client: Option<IpAddr>) -> Result<StreamSlot, DomainError> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let from_client = client.map_or(0, |c| open.per_client.get(&c).copied().unwrap_or(0));
        let refusal = if open.total >= self.settings.max_streams {
            Some("the server has as many event streams open as it allows")
        } else if from_client >= self.settings.max_streams_per_client {
            Some("this address has as many event streams open as the server allows")
        } else {
            None
        };
        if let Some(reason) = refusal {
            if !self.cap_reached_logged.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    total = self.settings.max_streams,
                    per_client = self.settings.max_streams_per_client,
                    "event streams: a cap was reached; streams beyond it get 503 (logged once)"
                );
            }
            return Err(DomainError::Busy(reason, STREAM_RETRY_SECS));
        }
        open.total += 1;
        if let Some(client) = client {
            *open.per_client.entry(client).or_default() += 1;
        }
        Ok(StreamSlot {
            hub: self.clone(),
            client,
        })
    }

    /// Ends the streams of a session or a member at once, on this instance; other
    /// instances hear of it through the store's credentials version within a [`POLL`].
    pub fn end(&self, ended: Ended) {
        let _ = self.ended.send(ended);
    }

    /// Hears what [`Hub::end`] ends.
    pub fn endings(&self) -> broadcast::Receiver<Ended> {
        self.ended.subscribe()
    }
}

/// Reads the log after `newest` whenever the store says it grew (or every [`POLL`]) and
/// broadcasts each entry once; ends when the hub is dropped or closed.
async fn relay(hub: std::sync::Weak<Hub>, mut newest: i64) {
    let (appended, mut closing) = match hub.upgrade() {
        Some(hub) => (hub.store.appended(), hub.closing()),
        None => return,
    };
    loop {
        tokio::select! {
            _ = appended.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = closing.changed() => return,
        }
        let Some(hub) = hub.upgrade() else { return };
        loop {
            match publish_after(&hub, newest).await {
                Ok(Some(Batch { last, full })) => {
                    newest = last;
                    // A short batch drained the log: anything appended since has woken
                    // `appended` again, so no read is needed to find out.
                    if !full {
                        break;
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(%error, "event hub: reading the event log failed; retrying");
                    break;
                }
            }
        }
    }
}

/// Reads the store's credentials version every [`POLL`] and, when it moved, has every
/// held stream check its credentials ([`Ended::Elsewhere`]); ends with the hub.
async fn watch_credentials(hub: std::sync::Weak<Hub>, mut seen: i64) {
    let mut closing = match hub.upgrade() {
        Some(hub) => hub.closing(),
        None => return,
    };
    loop {
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = closing.changed() => return,
        }
        let Some(hub) = hub.upgrade() else { return };
        match hub.store.credentials_version().await {
            Ok(version) if version != seen => {
                seen = version;
                hub.end(Ended::Elsewhere);
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "event hub: reading the credentials version failed; retrying")
            }
        }
    }
}

/// What one read of the log broadcast.
struct Batch {
    /// The id of its last event.
    last: i64,
    /// Whether it was as long as a read returns, so more may follow.
    full: bool,
}

/// Broadcasts one batch after `after`, or returns `None` when the log holds nothing newer.
async fn publish_after(hub: &Hub, after: i64) -> Result<Option<Batch>, StoreError> {
    let events = hub.store.events_after(after, BATCH).await?;
    let Some(last) = events.last().map(|e| e.id) else {
        return Ok(None);
    };
    let full = events.len() >= BATCH as usize;
    for event in prepare(hub.store.as_ref(), events).await? {
        // No receivers is fine: nobody is listening right now.
        let _ = hub.sender.send(Arc::new(event));
    }
    Ok(Some(Batch { last, full }))
}

/// Log entries as stream events, voters by display name.
pub async fn prepare(
    store: &dyn Store,
    events: Vec<EventRecord>,
) -> Result<Vec<Published>, StoreError> {
    let names =
        crate::store::names(store, events.iter().filter_map(|e| e.voter.as_deref())).await?;
    Ok(events
        .into_iter()
        .map(|event| {
            let wire = VoteEvent {
                id: u64::try_from(event.id).unwrap_or_default(),
                kind: event.kind,
                vote_id: event.vote_id,
                round: event.round,
                voter: event.voter.as_deref().map(|v| names.voter(v)),
                at: event.at,
            };
            Published {
                id: event.id,
                kind: event.kind.as_str(),
                data: serde_json::to_string(&wire).expect("an event serializes"),
            }
        })
        .collect())
}
