//! Where the dashboard is, and going elsewhere without reloading: the address in signals,
//! `history.pushState`, the back and forward buttons, and same-site links taken over.
//! Written here rather than taken from `leptos_router`, which this app used only for
//! this: the release build is 9.3 KB brotli smaller without it (239.4 → 230.1 KB of a 240 KB
//! budget, measured with `scripts/sizes.mjs`).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::routes;

/// The address shown now, as signals.
#[derive(Clone, Copy)]
pub struct Location {
    /// The path, e.g. `/votes/abc`.
    pub pathname: Memo<String>,
    /// The query string without its `?`.
    pub search: Memo<String>,
    address: RwSignal<Address>,
}

/// The path and query string, read from the browser.
#[derive(Clone, Debug, Default, PartialEq)]
struct Address {
    pathname: String,
    search: String,
}

impl Address {
    /// The address of `path`, e.g. `/history?q=login#top`.
    fn of(path: &str) -> Address {
        let path = path.split('#').next().unwrap_or_default();
        let (pathname, search) = path.split_once('?').unwrap_or((path, ""));
        Address {
            pathname: pathname.to_owned(),
            search: search.to_owned(),
        }
    }

    fn current() -> Address {
        let location = window().location();
        Address {
            pathname: location.pathname().unwrap_or_default(),
            search: location
                .search()
                .unwrap_or_default()
                .trim_start_matches('?')
                .to_owned(),
        }
    }
}

/// The query string's pairs, decoded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// Reads `a=1&b=x%20y` (`+` is a space, as forms write it).
    pub fn parse(search: &str) -> Query {
        let pairs = search
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                let decode = |text: &str| routes::decode(&text.replace('+', " "));
                (decode(key), decode(value))
            })
            .collect();
        Query(pairs)
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
}

/// How to go somewhere.
#[derive(Clone, Copy, Debug)]
pub struct NavigateOptions {
    /// Replace the current history entry instead of adding one.
    pub replace: bool,
    /// Scroll to the top of the new page.
    pub scroll: bool,
}

impl Default for NavigateOptions {
    fn default() -> Self {
        NavigateOptions {
            replace: false,
            scroll: true,
        }
    }
}

/// Tracks the address for everything below: the back button, and clicks on links to
/// this site's pages, which change the page without a reload.
pub fn provide_navigation() {
    let address = RwSignal::new(Address::current());
    let pathname = Memo::new(move |_| address.with(|a| a.pathname.clone()));
    let search = Memo::new(move |_| address.with(|a| a.search.clone()));
    provide_context(Location {
        pathname,
        search,
        address,
    });
    POSITION.set(entry_position());
    let back = window_event_listener(ev::popstate, move |_| {
        let arrived = entry_position();
        let left_unwritten = forget_pending();
        if left_unwritten == Some(Write::Push) && arrived < POSITION.get() {
            // Back on a page whose entry was not written yet: the browser went back from
            // the page before it, one step too far. Forward to that page, unseen.
            if window().history().and_then(|h| h.forward()).is_ok() {
                return;
            }
        }
        POSITION.set(arrived);
        address.set(Address::current());
    });
    // Leaving or reloading the page: the address bar shows the search typed last.
    let leaving = window_event_listener(ev::pagehide, move |_| flush_pending(address));
    let clicks = window_event_listener(ev::click, move |event| {
        let Some(link) = clicked_link(&event) else {
            return;
        };
        // A link resolves against the address bar: the page shown is written there first
        // (a `#` link followed within the moment before would otherwise lead to the page
        // before).
        flush_pending(address);
        if let Some(path) = followed_path(&link) {
            event.prevent_default();
            go(address, &path, NavigateOptions::default());
        }
    });
    on_cleanup(move || {
        back.remove();
        leaving.remove();
        clicks.remove();
    });
}

/// The address now.
pub fn use_location() -> Location {
    expect_context::<Location>()
}

/// The query string's pairs now.
pub fn use_query_map() -> Memo<Query> {
    let search = use_location().search;
    Memo::new(move |_| Query::parse(&search.read()))
}

/// A way to go to a path on this site (with its query) without reloading.
pub fn use_navigate() -> impl Fn(&str, NavigateOptions) + Clone + 'static {
    let address = use_location().address;
    move |path: &str, options: NavigateOptions| go(address, path, options)
}

/// How long after a navigation its history entry is written: after the new page has
/// asked for its data and drawn it (a write costs the main thread 1-10 ms in Chromium,
/// measured, and held up the page's answer).
const AFTER_DRAW: std::time::Duration = std::time::Duration::from_millis(100);

/// How long the address bar waits after the last of a run of replacing navigations (a
/// search being typed) before it is written: one history write per pause, not one per key
/// (browsers throttle pages that write often; Safari allows 100 writes in 30 s).
const SETTLE: std::time::Duration = std::time::Duration::from_millis(300);

/// A history entry not yet written.
struct Pending {
    path: String,
    write: Write,
    timer: TimeoutHandle,
}

/// How a navigation writes its history entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Write {
    /// A new entry after the current one.
    Push,
    /// In place of the current one.
    Replace,
}

thread_local! {
    /// The navigation whose history entry is still to be written.
    static PENDING: std::cell::RefCell<Option<Pending>> = const { std::cell::RefCell::new(None) };
    /// The position of the entry shown, counted from the page's first entry (0); each
    /// entry the dashboard writes keeps its position as its history state, so a popstate
    /// tells back from forward.
    static POSITION: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The position the current history entry was written with (0 for one the dashboard did
/// not write).
fn entry_position() -> u32 {
    window()
        .history()
        .and_then(|h| h.state())
        .ok()
        .and_then(|state| state.as_f64())
        .map_or(0, |n| n as u32)
}

fn go(address: RwSignal<Address>, path: &str, options: NavigateOptions) {
    // The entry waiting is written first, in order, unless this one replaces it.
    let how = if options.replace {
        Write::Replace
    } else {
        Write::Push
    };
    match PENDING.take() {
        Some(pending) if how == Write::Replace && pending.write == Write::Replace => {
            pending.timer.clear();
        }
        Some(pending) => write_now(address, pending),
        None => {}
    }
    // The new page is drawn, and asks for its data, before its history entry is written;
    // until then the address comes from `path`.
    address.set(Address::of(path));
    if options.scroll {
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
    let later = path.to_owned();
    let wait = match how {
        Write::Replace => SETTLE,
        Write::Push => AFTER_DRAW,
    };
    match set_timeout_with_handle(move || flush_pending(address), wait) {
        Ok(timer) => PENDING.set(Some(Pending {
            path: later,
            write: how,
            timer,
        })),
        Err(_) => write(address, &later, how),
    }
}

/// Writes the entry still waiting, if there is one, now.
fn flush_pending(address: RwSignal<Address>) {
    if let Some(pending) = PENDING.take() {
        write_now(address, pending);
    }
}

fn write_now(address: RwSignal<Address>, pending: Pending) {
    pending.timer.clear();
    write(address, &pending.path, pending.write);
}

/// Drops the entry still waiting, the browser having gone to another one; how it would
/// have been written.
fn forget_pending() -> Option<Write> {
    let pending = PENDING.take()?;
    pending.timer.clear();
    Some(pending.write)
}

/// Writes `path` to the history as a new entry, or in place of the current one.
fn write(address: RwSignal<Address>, path: &str, how: Write) {
    let Ok(history) = window().history() else {
        return;
    };
    let position = POSITION.get() + u32::from(how == Write::Push);
    let state = wasm_bindgen::JsValue::from(position);
    let written = match how {
        Write::Replace => history.replace_state_with_url(&state, "", Some(path)),
        Write::Push => history.push_state_with_url(&state, "", Some(path)),
    };
    if written.is_err() {
        let _ = window().location().set_href(path);
        return;
    }
    POSITION.set(position);
    // As the browser wrote it (it may encode what the path left plain), unless the page
    // has moved on since.
    let written = Address::current();
    if address.with_untracked(|shown| *shown == Address::of(path) && *shown != written) {
        address.set(written);
    }
}

/// The link a plain left click (no modifier key, not handled already) lands on.
fn clicked_link(event: &web_sys::MouseEvent) -> Option<web_sys::HtmlAnchorElement> {
    if event.default_prevented()
        || event.button() != 0
        || event.meta_key()
        || event.ctrl_key()
        || event.shift_key()
        || event.alt_key()
    {
        return None;
    }
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    target
        .closest("a[href]")
        .ok()??
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()
}

/// The path and query `link` leads to, when the dashboard should show it itself: a link
/// without `target`, `download` or `rel=external`, to another page of this origin (a `#`
/// on the same page is the browser's).
fn followed_path(link: &web_sys::HtmlAnchorElement) -> Option<String> {
    let external = link.get_attribute("rel").unwrap_or_default();
    if link.has_attribute("target")
        || link.has_attribute("download")
        || external.split_whitespace().any(|r| r == "external")
    {
        return None;
    }
    let here = window().location();
    if link.origin() != here.origin().ok()? {
        return None;
    }
    let (path, search, hash) = (link.pathname(), link.search(), link.hash());
    let same_page =
        path == here.pathname().ok()? && search == here.search().ok()? && !hash.is_empty();
    (!same_page).then(|| format!("{path}{search}{hash}"))
}

#[cfg(test)]
mod tests {
    use super::Query;

    #[test]
    fn a_query_string_reads_decoded_with_the_first_value_winning() {
        let query = Query::parse("q=login%20page&project=web+shop&q=second&empty=&flag");
        assert_eq!(query.get("q").as_deref(), Some("login page"));
        assert_eq!(query.get("project").as_deref(), Some("web shop"));
        assert_eq!(query.get("empty").as_deref(), Some(""));
        assert_eq!(query.get("flag").as_deref(), Some(""));
        assert_eq!(query.get("missing"), None);
        assert_eq!(Query::parse(""), Query::default());
    }
}
