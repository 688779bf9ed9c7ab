//! The first screen of `/` as HTML, drawn by the server from the very answer the page
//! embeds for the dashboard (`first_screen`): on a slow link a visitor sees the votes,
//! as links that work before the dashboard has loaded, while its files are still on their
//! way. Its rows are the dashboard's own markup (`asyncvoter_wire::markup`, times in UTC
//! until the dashboard writes them in the viewer's zone), and the dashboard removes it
//! once it has drawn the page itself ([`FIRST_PAINT_ATTRIBUTE`]).
//!
//! Nothing here reads the store: what the API refused this caller is not in the page, and
//! a list answer holds no card before its reveal.

use asyncvoter_wire::VoteList;
use asyncvoter_wire::pages::FIRST_PAINT_ATTRIBUTE;
use asyncvoter_wire::{markup, words};
use chrono::{DateTime, Utc};

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
        let rows: String = list
            .items
            .iter()
            .map(|vote| markup::row(vote, now, markup::utc))
            .collect();
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
            "<time datetime=\"2026-11-30T10:00:00Z\" title=\"2026-11-30 10:00 UTC\">3 h ago</time>",
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
