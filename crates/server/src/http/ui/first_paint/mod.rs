//! A page's first screen as HTML, drawn by the server from the very answers the page
//! embeds for the dashboard (`first_screen`): on a slow link a visitor sees the votes of
//! `/` or the vote a link named, with links that work, while the dashboard's files are
//! still on their way. The markup is the dashboard's own (the same classes and
//! `asyncvoter_wire::{markup, words}`; times in UTC until the dashboard writes them in the
//! viewer's zone), and the dashboard removes it once it has drawn the page itself
//! ([`FIRST_PAINT_ATTRIBUTE`]), so nothing on it moves (`tests/e2e/first_screen.rs`).
//!
//! Nothing here reads the store: what the API refused this caller is not in the page,
//! and an answer holds no card before its reveal but the caller's own.

mod ongoing;
mod vote;

pub use ongoing::ongoing;
pub use vote::vote;

use asyncvoter_wire::pages::{FIRST_PAINT_ATTRIBUTE, HISTORY, HOME, INSIGHTS, login_then};

/// Who the page is for, as far as its first screen shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer<'a> {
    /// Nobody logged in: the header offers "Log in".
    Anonymous,
    /// A member, with the answer to `GET /api/me/waiting` when there is one. Their own
    /// links in the header appear when the dashboard runs (they act through it).
    Member(Option<&'a str>),
}

/// The page at `path`: its header, then `main` holding `content`, all marked as the
/// server's drawing.
fn page(path: &str, viewer: Viewer, content: &str) -> String {
    format!(
        "<div {FIRST_PAINT_ATTRIBUTE}>{}<main class=\"page\">{content}</main></div>",
        header(path, viewer)
    )
}

/// The dashboard's `SiteHeader` at `path`, as far as it works without the dashboard:
/// the sections (a `<details>` menu on a phone, which the browser opens by itself) and,
/// for a visitor, "Log in" returning here.
fn header(path: &str, viewer: Viewer) -> String {
    let account = match viewer {
        Viewer::Anonymous => format!(
            "<a class=\"button button--small\" href=\"{}\">Log in</a>",
            login_then(path)
        ),
        Viewer::Member(_) => String::new(),
    };
    let section = |href: &str, name: &str| {
        let current = if href == path {
            " aria-current=\"page\""
        } else {
            ""
        };
        format!("<a href=\"{href}\"{current}>{name}</a>")
    };
    format!(
        "<header class=\"site-header\"><a href=\"/\" class=\"brand\">\
         <span class=\"brand__mark\" aria-hidden=\"true\">?</span>AsyncVoter</a>\
         <details class=\"site-menu\"><summary class=\"site-menu__toggle\">Menu</summary>\
         <nav aria-label=\"Sections\" class=\"site-nav\">{}{}{}</nav>\
         <div class=\"account\">{account}</div></details></header>",
        section(HOME, "Ongoing"),
        section(HISTORY, "History"),
        section(INSIGHTS, "Insights"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_marks_its_section_and_logs_a_visitor_in_to_come_back() {
        let home = header("/", Viewer::Anonymous);
        assert!(
            home.contains("<a href=\"/\" aria-current=\"page\">Ongoing</a>"),
            "{home}"
        );
        assert!(
            home.contains("href=\"/login?next=%2F\">Log in</a>"),
            "{home}"
        );
        let vote = header("/votes/v1", Viewer::Anonymous);
        assert!(!vote.contains("aria-current"), "{vote}");
        assert!(
            vote.contains("href=\"/login?next=%2Fvotes%2Fv1\""),
            "{vote}"
        );
        let member = header("/votes/v1", Viewer::Member(None));
        assert!(!member.contains("Log in"), "{member}");
    }
}
