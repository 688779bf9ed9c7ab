//! One event stream per tab (`GET /api/events`), shared by every page: pages register
//! what to do when a vote changes, the header shows when the stream is down, and changes
//! are announced to screen readers.
//!
//! The stream reconnects by itself with backoff and resumes after the last event it saw,
//! so nothing is missed; when the server says `resync`, pages reload what they show.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use asyncvoter_wire::{EventKind, ListState, VoteEvent, VoteState, VoteSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use crate::api;
use crate::session::use_session;

/// The first retry waits this long; each failure doubles it up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The state of the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Not connected yet.
    Connecting,
    /// Receiving changes.
    Online,
    /// Lost; retrying with backoff.
    Offline,
    /// Refused: this server shows its votes to members only. Retried after a login.
    LoginNeeded,
}

/// What a page hears.
#[derive(Debug, Clone, PartialEq)]
pub enum Heard {
    /// A vote changed.
    Change(VoteEvent),
    /// Changes were missed: reload everything shown.
    Resync,
}

type Listener = Rc<dyn Fn(&Heard)>;

/// The tab's live connection.
#[derive(Clone, Copy)]
pub struct Live {
    connection: RwSignal<Connection>,
    announcement: RwSignal<String>,
    listeners: StoredValue<Vec<(u32, Listener)>, LocalStorage>,
    next_listener: StoredValue<u32>,
}

impl Live {
    /// The stream's state, tracked.
    pub fn connection(&self) -> Connection {
        self.connection.get()
    }

    /// The latest announcement for the `role="status"` region, tracked.
    pub fn announcement(&self) -> String {
        self.announcement.get()
    }

    /// Says `text` to screen readers.
    pub fn announce(&self, text: String) {
        self.announcement.set(text);
    }

    /// Calls `listener` for everything heard until the calling component unmounts.
    pub fn listen(&self, listener: impl Fn(&Heard) + 'static) {
        let id = self.next_listener.get_value();
        self.next_listener.set_value(id + 1);
        self.listeners
            .update_value(|all| all.push((id, Rc::new(listener))));
        let listeners = self.listeners;
        on_cleanup(move || {
            listeners.try_update_value(|all| all.retain(|(other, _)| *other != id));
        });
    }

    fn dispatch(&self, heard: Heard) {
        // Cloned out first: a listener may register or unregister others.
        let listeners: Vec<Listener> = self
            .listeners
            .with_value(|all| all.iter().map(|(_, l)| l.clone()).collect());
        for listener in listeners {
            listener(&heard);
        }
    }
}

/// Opens the tab's stream and shares it; call once in `App`.
pub fn provide_live() {
    let live = Live {
        connection: RwSignal::new(Connection::Connecting),
        announcement: RwSignal::new(String::new()),
        listeners: StoredValue::new_local(Vec::new()),
        next_listener: StoredValue::new(0),
    };
    provide_context(live);
    let stream = Rc::new(Stream {
        live,
        source: RefCell::new(None),
        // The page's embedded answers are as of this event: resume after it.
        last_id: RefCell::new(crate::session::boot_event_id()),
        failures: Cell::new(0),
    });
    Stream::open(&stream);
    close_on_leaving(&stream);
    // The state on the root element too: for styles, and for tests to wait on.
    Effect::new(move |_| {
        let state = match live.connection.get() {
            Connection::Connecting => "connecting",
            Connection::Online => "online",
            Connection::Offline => "offline",
            Connection::LoginNeeded => "login-needed",
        };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-live", state);
        }
    });
    // A login may open a members-only stream that was refused: try again at once.
    let session = use_session();
    let again = stream.clone();
    Effect::new(move |previous: Option<()>| {
        session.visitor();
        if previous.is_some() && live.connection.get_untracked() != Connection::Online {
            Stream::open(&again);
        }
    });
}

/// A page kept in the back-forward cache would hold its stream open, and a browser allows
/// only six connections per site: close it on leaving, reopen on coming back.
fn close_on_leaving(stream: &Rc<Stream>) {
    let leaving = stream.clone();
    let on_hide = Closure::<dyn Fn()>::new(move || {
        if let Some(source) = leaving.source.borrow_mut().take() {
            source.close();
        }
    });
    let _ = window().add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
    on_hide.forget();
    let returning = stream.clone();
    let on_show = Closure::<dyn Fn(web_sys::PageTransitionEvent)>::new(
        move |event: web_sys::PageTransitionEvent| {
            if event.persisted() {
                Stream::open(&returning);
            }
        },
    );
    let _ = window().add_event_listener_with_callback("pageshow", on_show.as_ref().unchecked_ref());
    on_show.forget();
}

/// The live connection; an inert one where none was provided (component tests).
pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_else(|| Live {
        connection: RwSignal::new(Connection::Online),
        announcement: RwSignal::new(String::new()),
        listeners: StoredValue::new_local(Vec::new()),
        next_listener: StoredValue::new(0),
    })
}

/// The browser's `EventSource` and what survives its reconnections.
struct Stream {
    live: Live,
    source: RefCell<Option<EventSource>>,
    /// The last event id seen, to resume after.
    last_id: RefCell<Option<String>>,
    /// Failures since the last successful open.
    failures: Cell<u32>,
}

impl Stream {
    fn open(this: &Rc<Stream>) {
        if let Some(old) = this.source.borrow_mut().take() {
            old.close();
        }
        let url = match this.last_id.borrow().as_deref() {
            Some(id) => format!("/api/events?last_event_id={id}"),
            None => "/api/events".to_owned(),
        };
        if api::login_needed() {
            this.live.connection.set(Connection::LoginNeeded);
            return;
        }
        let Ok(source) = EventSource::new(&url) else {
            this.live.connection.set(Connection::Offline);
            return;
        };
        let opened = this.clone();
        let on_open = Closure::<dyn Fn()>::new(move || {
            opened.failures.set(0);
            opened.live.connection.set(Connection::Online);
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        on_open.forget();

        let failed = this.clone();
        let on_error = Closure::<dyn Fn()>::new(move || Stream::retry_later(&failed));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();

        let heard = this.clone();
        let on_event = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            heard.receive(&event);
        });
        let callback = on_event.as_ref().unchecked_ref();
        let changes = EventKind::ALL.map(EventKind::as_str);
        for name in changes.iter().chain(&["ready", "resync"]) {
            let _ = source.add_event_listener_with_callback(name, callback);
        }
        on_event.forget();
        *this.source.borrow_mut() = Some(source);
    }

    /// Closes the failed stream and opens a new one after the backoff, resuming after the
    /// last id seen (a fresh `EventSource` cannot send `Last-Event-ID`, so the query does).
    fn retry_later(this: &Rc<Stream>) {
        if let Some(source) = this.source.borrow_mut().take() {
            source.close();
        }
        let failures = this.failures.get();
        this.failures.set(failures + 1);
        let wait = FIRST_BACKOFF
            .saturating_mul(1 << failures.min(6))
            .min(MAX_BACKOFF);
        let again = this.clone();
        // An `EventSource` does not tell a 401 from a lost network: ask the API which.
        spawn_local(async move {
            if members_only().await {
                again.live.connection.set(Connection::LoginNeeded);
                return;
            }
            again.live.connection.set(Connection::Offline);
            set_timeout(move || Stream::open(&again), wait);
        });
    }

    fn receive(&self, event: &MessageEvent) {
        let id = event.last_event_id();
        if !id.is_empty() {
            *self.last_id.borrow_mut() = Some(id);
        }
        let data = event.data().as_string().unwrap_or_default();
        match event.type_().as_str() {
            "ready" => {}
            "resync" => self.live.dispatch(Heard::Resync),
            _ => match api::parse::<VoteEvent>(&data) {
                Ok(change) => self.live.dispatch(Heard::Change(change)),
                // An event this dashboard does not know: reload rather than miss it.
                Err(_) => self.live.dispatch(Heard::Resync),
            },
        }
    }
}

/// True when the server answers reads with 401: votes are for members only, and this
/// visitor is not logged in.
async fn members_only() -> bool {
    let probe = api::VoteFilter {
        state: ListState::Ongoing,
        limit: 1,
        ..api::VoteFilter::default()
    };
    matches!(api::list_votes(&probe).await, Err(error) if error.is_unauthorized())
}

/// How far a vote got, for announcements: "Checkout: 4 of 6 voted".
pub fn progress(vote: &VoteSummary) -> String {
    let how = match (vote.state, vote.quorum) {
        (VoteState::Revealed, _) => "revealed".to_owned(),
        (VoteState::Closed, _) => "closed".to_owned(),
        (VoteState::Open, Some(quorum)) => format!("{} of {quorum} voted", vote.ballots_cast),
        (VoteState::Open, None) if vote.ballots_cast == 1 => "1 vote".to_owned(),
        (VoteState::Open, None) => format!("{} votes", vote.ballots_cast),
    };
    format!("{}: {how}", vote.name)
}
