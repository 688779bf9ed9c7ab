//! The dashboard's pages: the paths the server answers with `index.html` and the
//! dashboard shows, typed once for both.

/// The ongoing votes.
pub const HOME: &str = "/";
/// Closed votes.
pub const HISTORY: &str = "/history";
/// Charts across votes.
pub const INSIGHTS: &str = "/insights";
/// Starting a vote.
pub const NEW_VOTE: &str = "/votes/new";
/// Logging in.
pub const LOGIN: &str = "/login";
/// Managing members (admins).
pub const ADMIN: &str = "/admin";
/// Webhooks and what was sent (admins).
pub const NOTIFICATIONS: &str = "/admin/notifications";
/// Integration tokens (admins).
pub const TOKENS: &str = "/admin/tokens";
/// The member's own account.
pub const ACCOUNT: &str = "/account";
/// Tying a Slack user to the member's account, from a one-time link (`?token=…`).
pub const LINK_SLACK: &str = "/account/slack";
/// The prefix of every vote's page, `/votes/{id}`.
pub const VOTE_PREFIX: &str = "/votes/";

/// The shareable page of one vote.
pub fn vote(id: &str) -> String {
    format!("{VOTE_PREFIX}{}", encode(id))
}

/// The login page, returning to `next` afterwards.
pub fn login_then(next: &str) -> String {
    format!("{LOGIN}?next={}", encode(next))
}

/// Percent-encodes everything but unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The screens a path can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// [`HOME`].
    Ongoing,
    /// [`HISTORY`].
    History,
    /// [`INSIGHTS`].
    Insights,
    /// [`LOGIN`].
    Login,
    /// [`ACCOUNT`].
    Account,
    /// [`ADMIN`].
    Admin,
    /// [`NOTIFICATIONS`].
    Notifications,
    /// [`TOKENS`].
    Tokens,
    /// [`NEW_VOTE`].
    NewVote,
    /// [`LINK_SLACK`].
    LinkSlack,
    /// `/votes/{id}`: the id is [`vote_id`] of the same path.
    Vote,
    /// Anything else: the dashboard's not-found page, with 404.
    NotFound,
}

/// The page a path shows. A trailing slash is ignored.
pub fn page(path: &str) -> Page {
    let path = match path.trim_end_matches('/') {
        "" => HOME,
        trimmed => trimmed,
    };
    match path {
        HOME => Page::Ongoing,
        HISTORY => Page::History,
        INSIGHTS => Page::Insights,
        LOGIN => Page::Login,
        ACCOUNT => Page::Account,
        ADMIN => Page::Admin,
        NOTIFICATIONS => Page::Notifications,
        TOKENS => Page::Tokens,
        NEW_VOTE => Page::NewVote,
        LINK_SLACK => Page::LinkSlack,
        _ if vote_id(path).is_some() => Page::Vote,
        _ => Page::NotFound,
    }
}

/// The vote a `/votes/{id}` path names, still percent-encoded.
pub fn vote_id(path: &str) -> Option<&str> {
    let id = path.strip_prefix(VOTE_PREFIX)?.trim_end_matches('/');
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

/// Where to go after logging in (a password, or single sign-on): `next` when it is a path
/// on this site, else home. Refused: anything but a path, `//` (another host), `\\` (read
/// as `/`), and control characters or spaces, which URL parsers drop (`/%09/evil.example`
/// is `//evil.example` to a browser). The login page also resolves the result against
/// its own origin.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            path.to_owned()
        }
        _ => HOME.to_owned(),
    }
}

/// The element the server writes into every page it serves, so the dashboard knows who
/// is there before its first request: `<script type="application/json" id="asyncvoter-boot"
/// data-members-only="true|false">` holding the member of the page's session cookie as
/// JSON ([`crate::Member`]), or nothing when nobody is logged in. `data-members-only` is
/// true under `--visibility members`: nobody reads votes without logging in.
/// `data-event-id` on it names the newest event when the page was written: the
/// dashboard's event stream resumes after it, so a change made while the page loaded is
/// not missed.
pub const BOOT_ELEMENT: &str = "asyncvoter-boot";

/// The attribute of the API answers the server embeds in a page for its first screen:
/// `<script type="application/json" data-api="/api/votes?state=ongoing&limit=50">` holds
/// what `GET` of that path answered this caller. The dashboard takes it instead of asking,
/// once.
pub const FIRST_SCREEN_ATTRIBUTE: &str = "data-api";

/// The attribute of the first screen the server draws into a page as HTML (today that of
/// `/`), so it shows before the dashboard has loaded: `<div data-first-paint>`. The
/// dashboard removes it when it mounts, having drawn the page itself.
pub const FIRST_PAINT_ATTRIBUTE: &str = "data-first-paint";

/// Votes per page of a list, as the dashboard asks for them.
pub const LIST_PAGE: u32 = 50;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_login_only_paths_on_this_site_are_followed() {
        assert_eq!(local_path(Some("/votes/abc?x=1")), "/votes/abc?x=1");
        for elsewhere in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/ /evil.example",
            "/\u{0}/evil.example",
            "",
            "votes",
        ] {
            assert_eq!(local_path(Some(elsewhere)), "/", "{elsewhere:?}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn every_path_shows_its_page() {
        for (path, expected) in [
            ("/", Page::Ongoing),
            ("", Page::Ongoing),
            ("/history", Page::History),
            ("/history/", Page::History),
            ("/insights", Page::Insights),
            ("/login", Page::Login),
            ("/account", Page::Account),
            ("/admin", Page::Admin),
            ("/admin/notifications", Page::Notifications),
            ("/admin/notifications/", Page::Notifications),
            ("/account/slack", Page::LinkSlack),
            ("/admin/other", Page::NotFound),
            ("/votes/new", Page::NewVote),
            ("/votes/abc123", Page::Vote),
            ("/votes/abc123/", Page::Vote),
            ("/votes/", Page::NotFound),
            ("/votes/abc/extra", Page::NotFound),
            ("/history/x", Page::NotFound),
            ("/historyx", Page::NotFound),
            ("/nope", Page::NotFound),
        ] {
            assert_eq!(page(path), expected, "{path}");
        }
        assert_eq!(vote_id("/votes/abc123/"), Some("abc123"));
        assert_eq!(vote_id("/history"), None);
    }
}
