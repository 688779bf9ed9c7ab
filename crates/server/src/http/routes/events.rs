//! `GET /api/events`: every change as Server-Sent Events, resumable with `Last-Event-ID`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use async_stream::stream;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{ErrorBody, Ready, Resync};

use crate::auth::{Caller, hash_token, sessions};
use crate::domain::rules;
use crate::events::{Ended, Hub, Published, prepare};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ClientAddress, Query, SessionId};
use crate::store::Store;
use crate::{AppState, Visibility};

/// How often an idle stream sends a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a browser waits before reconnecting on its own, in milliseconds.
const RETRY: Duration = Duration::from_secs(2);
/// How often a members-only stream checks that its session or token still holds even when
/// nothing ended anywhere (its session expired).
const RECHECK: Duration = Duration::from_secs(15);

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// One Server-Sent Event as the stream carries it.
#[derive(ToSchema)]
#[allow(dead_code)] // Documents the wire format; the events are written by axum's `Event`.
struct StreamEvent {
    /// The event id (`Last-Event-ID` on reconnect).
    id: Option<String>,
    /// `ready`, `resync`, or the kind of change (`vote_created`, `ballot_cast`, …).
    event: String,
    /// A `StreamData` as JSON text: a `VoteEvent`, a `Ready` or a `Resync` (the document
    /// says so with `contentSchema`, see `routes::document`).
    data: String,
    /// How long a browser waits before reconnecting, in milliseconds (on `ready`).
    retry: Option<u64>,
}

/// The header a reconnecting browser sends (read from the request's headers).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Documents the header; the handler reads it from `HeaderMap`.
struct ResumeHeader {
    /// The last event id received; the stream resumes after it (it wins over the query).
    #[param(rename = "Last-Event-ID", minimum = 0, nullable = false)]
    last_event_id: Option<i64>,
}

/// Query of `GET /api/events`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsParams {
    /// Resume after this event id, for clients that cannot send `Last-Event-ID`.
    #[param(minimum = 0)]
    last_event_id: Option<i64>,
}

/// Every change to every vote as Server-Sent Events.
///
/// Each event's `event:` is its kind (`vote_created`, `ballot_cast`, `ballot_withdrawn`,
/// `revealed`, `round_started`, `closed`), its `id:` increases, and its `data:` is a
/// `VoteEvent`: who changed which vote, never a card. A new stream starts with a `ready`
/// event carrying the newest id. Reconnect with `Last-Event-ID` (or `?last_event_id=`) to
/// receive exactly the events missed; a stream that falls too far behind gets a `resync`
/// event (data: `Resync`) and should reload what it shows. Comments keep idle streams open.
#[utoipa::path(
    get, path = "/api/events", tag = "events", params(
        EventsParams,
        ResumeHeader,
    ),
    responses(
        (status = 200, description = "An endless `text/event-stream`; each `data:` is a VoteEvent, a Ready or a Resync",
            content_type = "text/event-stream", body = StreamEvent),
        (status = 400, description = "`Last-Event-ID` or `last_event_id` is not an event id", body = ErrorBody),
        (status = 401, description = "`--visibility members` and no login or token", body = ErrorBody),
        (status = 503, description = "As many streams are open as the server allows, in all or from this address; see Retry-After", body = ErrorBody),
    )
)]
async fn events(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    caller: Caller,
    SessionId(session): SessionId,
    headers: HeaderMap,
    Query(params): Query<EventsParams>,
) -> ApiResult<(
    [(&'static str, &'static str); 1],
    Sse<impl Stream<Item = Result<Event, Infallible>>>,
)> {
    let bad =
        |what: &str| ApiError::BadRequest(format!("`{what}` must be an event id (0 or more)"));
    if params.last_event_id.is_some_and(|id| id < 0) {
        return Err(bad("last_event_id"));
    }
    let resume = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|id| *id >= 0)
                .ok_or_else(|| bad("Last-Event-ID"))?,
        ),
        None => params.last_event_id,
    };
    let slot = state.events.admit(client)?;
    let start = match resume {
        Some(after) => Start::After(after),
        None => Start::Now(state.events.store().last_event_id().await?),
    };
    // On a members-only server a stream lives as long as the credentials that opened it.
    let holder = match (state.settings.visibility, caller) {
        (Visibility::Members, Caller::Member(member)) => {
            session.map(|id| Holder::Session(sessions::id_hash(&id), member.username))
        }
        (Visibility::Members, Caller::Integration(_)) => bearer(&headers).map(Holder::Token),
        _ => None,
    };
    let keep_alive = KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive");
    let events = live(state.events.clone(), start, holder).map(move |out| {
        let _held = &slot;
        Ok(out.to_sse())
    });
    // Proxies such as nginx would otherwise hold events back to fill a buffer.
    Ok((
        [("x-accel-buffering", "no")],
        Sse::new(events).keep_alive(keep_alive),
    ))
}

/// The token hash of a bearer token in `headers`.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    Some(hash_token(value.strip_prefix("Bearer ")?.trim()))
}

/// The credentials a members-only stream was opened with.
#[derive(Debug, Clone)]
enum Holder {
    /// A member's session: its id hash, and the member.
    Session(String, String),
    /// An integration's token hash.
    Token(String),
}

impl Holder {
    /// Whether `ended` ends this stream for sure.
    fn ended_by(&self, ended: &Ended) -> bool {
        match (self, ended) {
            (Holder::Session(hash, _), Ended::Session(gone)) => hash == gone,
            (Holder::Session(_, member), Ended::Member(gone)) => member == gone,
            _ => false,
        }
    }

    /// Whether the credentials still hold (another instance may have ended them).
    async fn still_valid(&self, store: &dyn Store) -> bool {
        let now = rules::now();
        match self {
            Holder::Session(hash, _) => !matches!(store.session(hash, now).await, Ok(None)),
            Holder::Token(hash) => !matches!(store.integration_by_token(hash, now).await, Ok(None)),
        }
    }
}

/// Where a stream begins.
enum Start {
    /// With the events after the newest one when the stream opens (the handler read this
    /// id to answer 503 on a broken database; the stream reads it again once subscribed).
    Now(i64),
    /// After the id the client saw last: missed events are replayed first.
    After(i64),
}

/// What a stream sends.
#[derive(Debug)]
enum Outgoing {
    /// A new stream's first event: the newest id.
    Ready(i64),
    /// A change.
    Change(Arc<Published>),
    /// Events were missed: the newest id and why.
    Resync(i64, &'static str),
}

impl Outgoing {
    fn to_sse(&self) -> Event {
        match self {
            Outgoing::Ready(newest) => ready(*newest),
            Outgoing::Change(event) => to_sse(event),
            Outgoing::Resync(newest, reason) => resync(*newest, reason),
        }
    }
}

/// The stream of one client: a replay from the log if it resumes, then the broadcast,
/// each event once and in order; with a `holder`, until its credentials end.
fn live(hub: Arc<Hub>, start: Start, holder: Option<Holder>) -> impl Stream<Item = Outgoing> {
    stream! {
        // Subscribed before reading where to start (the newest id, or the replay), so no
        // event falls between the two; ids dedupe the overlap.
        let mut receiver = hub.subscribe();
        let mut closing = hub.closing();
        let mut endings = hub.endings();
        let mut recheck = tokio::time::interval(RECHECK);
        recheck.reset();
        let mut last = match start {
            Start::Now(checked) => {
                let newest = hub.store().last_event_id().await.unwrap_or(checked);
                yield Outgoing::Ready(newest);
                newest
            }
            Start::After(after) => match replay(&hub, after).await {
                Ok(Replay::Events(events, last)) => {
                    for event in events {
                        yield Outgoing::Change(Arc::new(event));
                    }
                    last
                }
                Ok(Replay::TooFar(newest)) => {
                    yield Outgoing::Resync(newest, "too_far_behind");
                    newest
                }
                Err(error) => {
                    tracing::warn!(%error, "event stream: replay failed; the client will reconnect");
                    return;
                }
            },
        };
        loop {
            tokio::select! {
                received = receiver.recv() => match received {
                    Ok(event) if event.id > last => {
                        last = event.id;
                        yield Outgoing::Change(event);
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => {
                        let newest = hub.store().last_event_id().await.unwrap_or(last);
                        last = last.max(newest);
                        yield Outgoing::Resync(last, "lagging");
                    }
                    Err(RecvError::Closed) => return,
                },
                ended = endings.recv(), if holder.is_some() => match ended {
                    Ok(ended) if holder.as_ref().is_some_and(|h| h.ended_by(&ended)) => return,
                    // Ended elsewhere, or missed: whether it was ours, the store knows.
                    Ok(Ended::Elsewhere) | Err(RecvError::Lagged(_)) => {
                        if let Some(holder) = &holder
                            && !holder.still_valid(hub.store().as_ref()).await
                        {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(RecvError::Closed) => return,
                },
                _ = recheck.tick(), if holder.is_some() => {
                    if let Some(holder) = &holder
                        && !holder.still_valid(hub.store().as_ref()).await
                    {
                        return;
                    }
                }
                _ = closing.changed() => return,
            }
        }
    }
}

/// What a resuming client missed.
enum Replay {
    /// Every missed event, and the id of the last.
    Events(Vec<Published>, i64),
    /// More than the server replays (or an id it never gave): the newest id.
    TooFar(i64),
}

async fn replay(hub: &Hub, after: i64) -> Result<Replay, crate::store::StoreError> {
    let store = hub.store();
    let newest = store.last_event_id().await?;
    let limit = hub.settings().replay_limit;
    if after > newest || newest - after > i64::from(limit) {
        return Ok(Replay::TooFar(newest));
    }
    let records = store.events_after(after, limit).await?;
    let last = records.last().map_or(after, |e| e.id);
    Ok(Replay::Events(
        prepare(store.as_ref(), records).await?,
        last,
    ))
}

fn to_sse(event: &Published) -> Event {
    Event::default()
        .id(event.id.to_string())
        .event(event.kind)
        .data(&event.data)
}

/// The first event of a new stream: the newest id, so a reconnect resumes from here.
fn ready(newest: i64) -> Event {
    Event::default()
        .id(newest.to_string())
        .event("ready")
        .retry(RETRY)
        .data(
            serde_json::to_string(&Ready {
                id: u64::try_from(newest).unwrap_or_default(),
            })
            .expect("ready serializes"),
        )
}

fn resync(newest: i64, reason: &str) -> Event {
    let body = Resync {
        id: u64::try_from(newest).unwrap_or_default(),
        reason: reason.into(),
    };
    Event::default()
        .id(newest.to_string())
        .event("resync")
        .data(serde_json::to_string(&body).expect("a resync serializes"))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use asyncvoter_wire::DeckKind;

    use super::*;
    use crate::events::HubSettings;
    use crate::store::{self, NewVoteRecord};

    fn story(name: &str) -> NewVoteRecord {
        NewVoteRecord {
            name: name.into(),
            url: None,
            project: None,
            owner: None,
            deck: DeckKind::Fibonacci,
            cards: None,
            quorum: None,
            deadline: None,
            final_size: None,
            expected_voters: Vec::new(),
            reveal_when_all_voted: false,
            slack: None,
        }
    }

    #[tokio::test]
    async fn a_stream_that_falls_behind_gets_resync_instead_of_silent_loss() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("events.db").display());
        let store = store::open(&url).await.unwrap();
        let settings = HubSettings {
            buffer: 1,
            ..HubSettings::default()
        };
        let hub = Hub::start(store.clone(), settings).await.unwrap();
        let mut stream = Box::pin(live(hub.clone(), Start::Now(0), None));
        assert!(matches!(stream.next().await, Some(Outgoing::Ready(0))));

        // Three changes broadcast while this stream is not read: its buffer holds one.
        let mut probe = hub.subscribe();
        for name in ["a", "b", "c"] {
            store
                .create_vote(story(name), crate::domain::rules::now())
                .await
                .unwrap();
        }
        tokio::time::timeout(Duration::from_secs(2), async {
            loop {
                if let Ok(event) = probe.recv().await
                    && event.id == 3
                {
                    return;
                }
            }
        })
        .await
        .expect("the hub broadcasts all three");

        match stream.next().await {
            Some(Outgoing::Resync(3, "lagging")) => {}
            other => panic!("expected a resync at 3, got {other:?}"),
        }
        store
            .create_vote(story("d"), crate::domain::rules::now())
            .await
            .unwrap();
        match tokio::time::timeout(Duration::from_secs(2), stream.next()).await {
            Ok(Some(Outgoing::Change(event))) => assert_eq!(event.id, 4),
            other => panic!("expected event 4, got {other:?}"),
        }
    }
}
