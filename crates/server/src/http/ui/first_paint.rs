//! The first screen of `/` as HTML, drawn by the server from the very answer the page
//! embeds for the dashboard (`first_screen`): on a slow link a visitor sees the votes,
//! as links that work before the dashboard has loaded, while its files are still on their
//! way. It is drawn with the dashboard's own classes and words (`asyncvoter_wire::words`),
//! and the dashboard removes it once it has drawn the page itself
//! ([`FIRST_PAINT_ATTRIBUTE`]).
//!
//! Nothing here reads the store: what the API refused this caller is not in the page, and
//! a list answer holds no card before its reveal.

use asyncvoter_wire::pages::FIRST_PAINT_ATTRIBUTE;
use asyncvoter_wire::words;
use asyncvoter_wire::{VoteList, VoteState, VoteSummary};
use chrono::{DateTime, Utc};

use crate::http::setup::escape;

/// Names shown per vote before "+N more", as the dashboard's rows do.
const VOTERS_SHOWN: usize = 8;

/// The first screen of `/` from the answer to the first page of ongoing votes, at `now`;
/// nothing when the answer is not a list.
pub fn ongoing(answer: &str, now: DateTime<Utc>) -> Option<String> {
    let list: VoteList = serde_json::from_str(answer).ok()?;
    let body = if list.items.is_empty() {
        format!(
            "<p class=\"empty\" role=\"status\">{}</p>",
            words::NOTHING_ONGOING
        )
    } else {
        let rows: String = list.items.iter().map(|vote| row(vote, now)).collect();
        format!(
            "<p class=\"list-count\">{}</p><ul class=\"vote-list\">{rows}</ul>",
            words::listed(list.items.len(), list.next_cursor.is_some())
        )
    };
    Some(format!(
        "<div {FIRST_PAINT_ATTRIBUTE}>\
         <header class=\"site-header\"><a href=\"/\" class=\"brand\">\
         <span class=\"brand__mark\" aria-hidden=\"true\">?</span>AsyncVoter</a></header>\
         <main class=\"page\"><div class=\"page-head\"><h1>{}</h1><p class=\"lede\">{}</p>\
         </div>{body}</main></div>",
        words::ONGOING_TITLE,
        words::ONGOING_LEDE
    ))
}

/// One vote as the dashboard's `VoteRow` draws it, without what needs the dashboard
/// (copying its link).
fn row(vote: &VoteSummary, now: DateTime<Utc>) -> String {
    let id = escape(&vote.id);
    let name = escape(&vote.name);
    let state = vote.state.as_str();
    let (label, icon) = words::state(vote.state);
    let ticket = vote
        .url
        .as_deref()
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .map(|url| {
            format!(
                " <a class=\"vote-row__ticket\" href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\" \
                 aria-label=\"The ticket of {name} (opens in a new tab)\" title=\"Open the ticket\">↗</a>",
                escape(url)
            )
        })
        .unwrap_or_default();
    let project = vote
        .project
        .as_deref()
        .map(|p| format!("<span class=\"chip\">{}</span>", escape(p)))
        .unwrap_or_default();
    let round = if vote.round > 1 {
        format!("<span>Round {}</span>", vote.round)
    } else {
        String::new()
    };
    format!(
        "<li class=\"vote-row\" data-state=\"{state}\" data-vote-id=\"{id}\">\
         <div class=\"vote-row__head\"><h2 class=\"vote-row__title\">\
         <a class=\"vote-row__link\" href=\"/votes/{id}\">{name}</a>{ticket}</h2>\
         <span class=\"badge\" data-state=\"{state}\"><span aria-hidden=\"true\">{icon}</span> {label}</span></div>\
         <p class=\"vote-row__meta\">{project}<span>{deck}</span>{round}<span>Started \
         <time datetime=\"{created}\">{ago}</time></span></p>\
         <div class=\"vote-row__tally\">{tally}{voters}{deadline}{waiting}</div></li>",
        deck = words::deck_label(vote.deck),
        created = vote
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ago = words::ago(vote.created_at, now),
        tally = tally(vote),
        voters = voters(vote),
        deadline = deadline(vote, now),
        waiting = waiting(vote),
    )
}

/// How many have voted, and the way to the quorum.
fn tally(vote: &VoteSummary) -> String {
    let quorum = vote.quorum.map_or_else(String::new, |quorum| {
        let cast = vote.ballots_cast.min(quorum);
        let label = format!("{cast} of {quorum} for quorum");
        format!(
            "<span class=\"tally__quorum\"><progress max=\"{quorum}\" value=\"{cast}\" \
             aria-label=\"{label}\"></progress><span>{label}</span></span>"
        )
    });
    format!(
        "<div class=\"tally\"><span class=\"tally__count\">{}</span>{quorum}</div>",
        words::ballots(vote.ballots_cast)
    )
}

/// Who has voted, by name (never what).
fn voters(vote: &VoteSummary) -> String {
    let mut names: String = vote
        .voters
        .iter()
        .take(VOTERS_SHOWN)
        .map(|v| {
            format!(
                "<li class=\"voter\" title=\"{}\">{}</li>",
                escape(&v.id),
                escape(&v.name)
            )
        })
        .collect();
    let hidden = vote.voters.len().saturating_sub(VOTERS_SHOWN);
    if hidden > 0 {
        names.push_str(&format!(
            "<li class=\"voter voter--more\">+{hidden} more</li>"
        ));
    }
    format!("<ul class=\"voters\" aria-label=\"Who has voted\">{names}</ul>")
}

/// When an open vote reveals by itself.
fn deadline(vote: &VoteSummary, now: DateTime<Utc>) -> String {
    match vote.deadline.filter(|_| vote.state == VoteState::Open) {
        Some(at) => format!(
            "<span class=\"vote-row__deadline\">Reveals <time datetime=\"{}\">{}</time></span>",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            words::until(at, now)
        ),
        None => String::new(),
    }
}

/// Who an open vote still waits on.
fn waiting(vote: &VoteSummary) -> String {
    if vote.state != VoteState::Open {
        return String::new();
    }
    let names: Vec<&str> = vote.waiting_on.iter().map(|v| v.name.as_str()).collect();
    words::waiting_on(&names).map_or_else(String::new, |text| {
        format!(
            "<span class=\"vote-row__waiting\">Waiting on {}</span>",
            escape(&text)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(name: &str, url: &str) -> String {
        serde_json::json!({
            "items": [{
                "id": "v1", "name": name, "url": url, "project": "web<b>", "owner": null,
                "deck": "fibonacci", "state": "open", "round": 2, "quorum": 3,
                "deadline": null, "final_size": null, "ballots_cast": 1,
                "voters": [{"id": "ana", "name": "Ana <3"}], "expected_voters": [],
                "waiting_on": [], "reveal_when_all_voted": false,
                "created_at": "2026-11-30T10:00:00Z", "updated_at": "2026-11-30T10:00:00Z",
                "revealed_at": null,
                "closed_at": null
            }],
            "next_cursor": "c"
        })
        .to_string()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T13:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn a_row_says_what_the_dashboard_says() {
        let html = ongoing(&list("Login page", "https://t.example/1"), now()).unwrap();
        for part in [
            "<a class=\"vote-row__link\" href=\"/votes/v1\">Login page</a>",
            "<p class=\"list-count\">1 vote</p>",
            "<span aria-hidden=\"true\">●</span> Voting</span>",
            "<span>Fibonacci</span><span>Round 2</span>",
            "<time datetime=\"2026-11-30T10:00:00Z\">3 h ago</time>",
            "<span class=\"tally__count\">1 vote</span>",
            "1 of 3 for quorum",
            "href=\"https://t.example/1\"",
        ] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
    }

    #[test]
    fn names_cannot_become_markup_and_links_stay_web_links() {
        let html = ongoing(
            &list("</a><script>alert(1)</script>", "javascript:alert(1)"),
            now(),
        )
        .unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("&lt;/a&gt;&lt;script&gt;"), "{html}");
        assert!(html.contains("Ana &lt;3"), "{html}");
    }

    #[test]
    fn only_a_list_is_drawn() {
        assert_eq!(ongoing("{\"error\":\"nope\"}", now()), None);
        let empty = ongoing("{\"items\":[]}", now()).unwrap();
        assert!(empty.contains(words::NOTHING_ONGOING), "{empty}");
    }
}
