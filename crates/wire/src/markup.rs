//! A vote's row in a list as HTML, written once for the dashboard's lists and the
//! server's first paint of `/`: the same classes, words and escaping on both sides.
//!
//! The dashboard sets each part as one element's inner HTML (a row's ~30 nodes in three
//! calls, where building them node by node through the wasm glue took most of a list's
//! render), and sets a part again only when its text changed, so a ballot never replaces
//! a focused link. Every value from a vote goes through [`escape`]; a ticket link is
//! drawn only for `http(s)` URLs.

use std::fmt::Write;

use chrono::{DateTime, Datelike, Timelike, Utc};

use crate::vote::{VoteState, VoteSummary};
use crate::words;

/// Names shown per vote before "+N more".
pub const VOTERS_SHOWN: usize = 8;

/// How an absolute time is written for people (a `<time>`'s `title`): the dashboard uses
/// the viewer's time zone, the server UTC.
pub type Exact = fn(DateTime<Utc>) -> String;

/// `text` safe inside HTML text and double- or single-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The machine-readable form for `<time datetime>`: `2026-11-28T14:05:09Z`.
pub fn iso(at: DateTime<Utc>) -> String {
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// A time in UTC, named, as a US-English browser in UTC writes it (the dashboard's
/// `time::exact`, so a page the server drew keeps its lines when the dashboard writes
/// the time in the viewer's zone): `Mon, Nov 30, 2026, 03:00 PM UTC`.
pub fn utc(at: DateTime<Utc>) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (afternoon, hour) = at.hour12();
    format!(
        "{}, {} {}, {}, {hour:02}:{:02} {} UTC",
        DAYS[at.weekday().num_days_from_monday() as usize],
        MONTHS[at.month0() as usize],
        at.day(),
        at.year(),
        at.minute(),
        if afternoon { "PM" } else { "AM" }
    )
}

/// A row's parts, each one element's content: what changes together is redrawn together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowParts {
    /// [`row_head`].
    pub head: String,
    /// [`row_meta`].
    pub meta: String,
    /// [`row_tally`].
    pub tally: String,
}

impl RowParts {
    /// The parts of `vote`'s row at `now`.
    pub fn of(vote: &VoteSummary, now: DateTime<Utc>, exact: Exact) -> RowParts {
        RowParts {
            head: row_head(vote),
            meta: row_meta(vote, now, exact),
            tally: row_tally(vote, now, exact),
        }
    }

    /// The parts in the order of the row's elements ([`row_content`]).
    pub fn in_order(&self) -> [&str; 3] {
        [&self.head, &self.meta, &self.tally]
    }
}

/// A row's content, its parts in order, and its `actions` when the page offers any.
pub fn row_content(parts: &RowParts, actions: Option<&str>) -> String {
    let mut html = format!(
        "<div class=\"vote-row__head\">{}</div><p class=\"vote-row__meta\">{}</p>\
         <div class=\"vote-row__tally\">{}</div>",
        parts.head, parts.meta, parts.tally
    );
    if let Some(actions) = actions {
        let _ = write!(html, "<div class=\"vote-row__actions\">{actions}</div>");
    }
    html
}

/// A whole row, `<li>` and all, for a page drawn without the dashboard (no actions).
pub fn row(vote: &VoteSummary, now: DateTime<Utc>, exact: Exact) -> String {
    row_element(vote, &RowParts::of(vote, now, exact), None)
}

/// `vote`'s `<li>` holding `parts` and its `actions`, if any.
pub fn row_element(vote: &VoteSummary, parts: &RowParts, actions: Option<&str>) -> String {
    format!(
        "<li class=\"vote-row\" data-state=\"{}\" data-vote-id=\"{}\">{}</li>",
        vote.state.as_str(),
        escape(&vote.id),
        row_content(parts, actions),
    )
}

/// A button that copies the link to `path` (made absolute when clicked), and where it
/// says it did; `about` follows the button's words for assistive technology only. The
/// dashboard's lists answer its clicks ([`COPY_ATTRIBUTE`]).
pub fn copy_link(path: &str, about: &str) -> String {
    format!(
        "<span class=\"copy-link\"><button type=\"button\" class=\"button button--quiet button--small\" \
         {COPY_ATTRIBUTE}=\"{}\">Copy link <span class=\"visually-hidden\">{}</span></button>\
         <span role=\"status\" class=\"copy-link__status\"></span></span>",
        escape(path),
        escape(about)
    )
}

/// The attribute of a [`copy_link`] button: the path it copies.
pub const COPY_ATTRIBUTE: &str = "data-copy";

/// The row's head: the story's title opening the vote, its ticket as a small ↗ link
/// beside it, and the state.
pub fn row_head(vote: &VoteSummary) -> String {
    let name = escape(&vote.name);
    let mut html = format!(
        "<h2 class=\"vote-row__title\"><a class=\"vote-row__link\" href=\"{}\">{name}</a>",
        crate::pages::vote(&vote.id)
    );
    if let Some(url) = vote.url.as_deref().filter(|url| is_web_link(url)) {
        let _ = write!(
            html,
            " <a class=\"vote-row__ticket\" href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\" \
             aria-label=\"The ticket of {name} (opens in a new tab)\" title=\"Open the ticket\">↗</a>",
            escape(url)
        );
    }
    html.push_str("</h2>");
    html.push_str(&badge(vote.state));
    html
}

/// Whether `url` may become a link: only web links, never `javascript:` or a local file.
pub fn is_web_link(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// A vote's state in words, with a symbol: a colour is never the only cue.
pub fn badge(state: VoteState) -> String {
    format!(
        "<span class=\"badge\" data-state=\"{}\">{}</span>",
        state.as_str(),
        badge_content(state)
    )
}

/// What a [`badge`] holds.
pub fn badge_content(state: VoteState) -> String {
    let (label, icon) = words::state(state);
    format!("<span aria-hidden=\"true\">{icon}</span> {label}")
}

/// The row's facts: project, deck, round, when it started.
pub fn row_meta(vote: &VoteSummary, now: DateTime<Utc>, exact: Exact) -> String {
    let mut html = String::new();
    if let Some(project) = &vote.project {
        let _ = write!(html, "<span class=\"chip\">{}</span>", escape(project));
    }
    let _ = write!(html, "<span>{}</span>", words::deck_label(vote.deck));
    if vote.round > 1 {
        let _ = write!(html, "<span>Round {}</span>", vote.round);
    }
    let _ = write!(
        html,
        "<span>Started {}</span>",
        time(vote.created_at, &words::ago(vote.created_at, now), exact)
    );
    html
}

/// The row's progress: the tally, who has voted (names, never cards), when an open vote
/// reveals, who it still waits on, and a closed vote's final size.
pub fn row_tally(vote: &VoteSummary, now: DateTime<Utc>, exact: Exact) -> String {
    let mut html = tally(vote.ballots_cast, vote.quorum);
    let names: Vec<(&str, &str)> = vote
        .voters
        .iter()
        .map(|v| (v.id.as_str(), v.name.as_str()))
        .collect();
    html.push_str(&voters(&names, "Who has voted", VOTERS_SHOWN));
    let open = vote.state == VoteState::Open;
    if let Some(at) = vote.deadline.filter(|_| open) {
        let _ = write!(
            html,
            "<span class=\"vote-row__deadline\">Reveals {}</span>",
            time(at, &words::until(at, now), exact)
        );
    }
    let waiting: Vec<&str> = vote.waiting_on.iter().map(|v| v.name.as_str()).collect();
    if let Some(text) = words::waiting_on(&waiting).filter(|_| open) {
        let _ = write!(
            html,
            "<span class=\"vote-row__waiting\">Waiting on {}</span>",
            escape(&text)
        );
    }
    if let Some(size) = &vote.final_size {
        let rounds = if vote.round == 1 { "" } else { "s" };
        let _ = write!(
            html,
            "<span class=\"vote-row__final\">Final size <strong>{}</strong> · {} round{rounds}{}</span>",
            escape(size),
            vote.round,
            vote.agreement
                .map(|a| format!(" · {}", words::agreement(a)))
                .unwrap_or_default()
        );
    }
    html
}

/// How many have voted, and the way to the quorum when there is one.
pub fn tally(cast: u32, quorum: Option<u32>) -> String {
    format!("<div class=\"tally\">{}</div>", tally_content(cast, quorum))
}

/// What a [`tally`] holds.
pub fn tally_content(cast: u32, quorum: Option<u32>) -> String {
    let mut html = format!(
        "<span class=\"tally__count\">{}</span>",
        words::ballots(cast)
    );
    if let Some(quorum) = quorum {
        let cast = cast.min(quorum);
        let label = format!("{cast} of {quorum} for quorum");
        let _ = write!(
            html,
            "<span class=\"tally__quorum\"><progress max=\"{quorum}\" value=\"{cast}\" \
             aria-label=\"{label}\"></progress><span>{label}</span></span>"
        );
    }
    html
}

/// People by `(id, name)`, at most `limit` of them and then "+N more", under `label` for
/// assistive technology. Values are never part of it.
pub fn voters(people: &[(&str, &str)], label: &str, limit: usize) -> String {
    format!(
        "<ul class=\"voters\" aria-label=\"{}\">{}</ul>",
        escape(label),
        voters_content(people, limit)
    )
}

/// What a [`voters`] list holds.
pub fn voters_content(people: &[(&str, &str)], limit: usize) -> String {
    let mut html = String::new();
    for (id, name) in people.iter().take(limit) {
        let _ = write!(
            html,
            "<li class=\"voter\" title=\"{}\">{}</li>",
            escape(id),
            escape(name)
        );
    }
    let hidden = people.len().saturating_sub(limit);
    if hidden > 0 {
        let _ = write!(html, "<li class=\"voter voter--more\">+{hidden} more</li>");
    }
    html
}

/// A `<time>` saying `text`, exact on hover.
fn time(at: DateTime<Utc>, text: &str, exact: Exact) -> String {
    format!(
        "<time datetime=\"{}\" title=\"{}\">{text}</time>",
        iso(at),
        escape(&exact(at))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vote::Voter;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T13:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn vote(name: &str, url: &str) -> VoteSummary {
        serde_json::from_value(serde_json::json!({
            "id": "v1", "name": name, "url": url, "project": "web<b>", "owner": null,
            "deck": "fibonacci", "state": "open", "round": 2, "quorum": 3,
            "deadline": "2026-11-30T15:00:00Z", "final_size": null, "ballots_cast": 1,
            "voters": [{"id": "ana", "name": "Ana <3"}], "expected_voters": [],
            "waiting_on": [{"id": "ben", "name": "Ben"}], "reveal_when_all_voted": false,
            "created_at": "2026-11-30T10:00:00Z", "updated_at": "2026-11-30T10:00:00Z",
            "revealed_at": null, "closed_at": null
        }))
        .unwrap()
    }

    #[test]
    fn a_row_says_what_a_person_needs() {
        let html = row(&vote("Login page", "https://t.example/1"), now(), utc);
        for part in [
            "<li class=\"vote-row\" data-state=\"open\" data-vote-id=\"v1\">",
            "<a class=\"vote-row__link\" href=\"/votes/v1\">Login page</a>",
            "<span aria-hidden=\"true\">●</span> Voting</span>",
            "<span>Fibonacci</span><span>Round 2</span>",
            "<time datetime=\"2026-11-30T10:00:00Z\" title=\"Mon, Nov 30, 2026, 10:00 AM UTC\">3 h ago</time>",
            "<span class=\"tally__count\">1 vote</span>",
            "1 of 3 for quorum",
            "Reveals <time datetime=\"2026-11-30T15:00:00Z\" title=\"Mon, Nov 30, 2026, 03:00 PM UTC\">in 2 h</time>",
            "Waiting on Ben",
            "href=\"https://t.example/1\"",
        ] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
    }

    #[test]
    fn names_cannot_become_markup_and_links_stay_web_links() {
        let html = row(
            &vote("</a><script>alert(1)</script>'\"", "javascript:alert(1)"),
            now(),
            utc,
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("&lt;/a&gt;&lt;script&gt;"), "{html}");
        assert!(html.contains("&#39;&quot;"), "{html}");
        assert!(html.contains("Ana &lt;3"), "{html}");
    }

    #[test]
    fn a_closed_vote_shows_its_final_size_and_no_deadline() {
        let mut closed = vote("Done", "");
        closed.state = VoteState::Closed;
        closed.final_size = Some("8".into());
        closed.agreement = Some(crate::AgreementLabel::Consensus);
        let html = row_tally(&closed, now(), utc);
        assert!(
            html.contains("Final size <strong>8</strong> · 2 rounds · Consensus"),
            "{html}"
        );
        assert!(!html.contains("Reveals"), "{html}");
        assert!(!html.contains("Waiting on"), "{html}");
    }

    #[test]
    fn a_copy_button_names_what_it_copies() {
        let html = copy_link("/votes/v1", "to <Login>");
        assert!(
            html.contains("data-copy=\"/votes/v1\">Copy link "),
            "{html}"
        );
        assert!(html.contains("to &lt;Login&gt;"), "{html}");
        let content = row_content(&RowParts::of(&vote("A", ""), now(), utc), Some(&html));
        assert!(content.ends_with(&format!("<div class=\"vote-row__actions\">{html}</div>")));
    }

    #[test]
    fn long_voter_lists_say_how_many_more() {
        let many: Vec<Voter> = (0..10)
            .map(|i| Voter {
                id: format!("v{i}"),
                name: format!("V{i}"),
            })
            .collect();
        let people: Vec<(&str, &str)> = many.iter().map(|v| (&*v.id, &*v.name)).collect();
        let html = voters(&people, "Who has voted", VOTERS_SHOWN);
        assert_eq!(html.matches("class=\"voter\"").count(), 8);
        assert!(html.contains("+2 more"), "{html}");
    }
}
