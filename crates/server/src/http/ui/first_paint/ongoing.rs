//! The first screen of `/`: the ongoing votes, and what waits on a member.

use asyncvoter_wire::pages::HOME;
use asyncvoter_wire::{VoteList, VoteSummary, Waiting};
use asyncvoter_wire::{markup, words};
use chrono::{DateTime, Utc};

use super::{Viewer, page};

/// The first screen of `/` from the answer to the first page of ongoing votes, at `now`,
/// for `viewer`; nothing when the answer is not a list.
pub fn ongoing(answer: &str, now: DateTime<Utc>, viewer: Viewer<'_>) -> Option<String> {
    let list: VoteList = serde_json::from_str(answer).ok()?;
    let waiting = match viewer {
        Viewer::Member(Some(answer)) => waiting(answer, now),
        _ => String::new(),
    };
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
    let content = format!(
        "<div class=\"page-head\"><h1>{}</h1><p class=\"lede\">{}</p></div>\
         {waiting}{FILTERS}{body}",
        words::ONGOING_TITLE,
        words::ONGOING_LEDE
    );
    Some(page(HOME, viewer, &content))
}

/// The dashboard's "Waiting on you (N)" (`pages/ongoing.rs`) from the member's waiting
/// answer; nothing when no vote waits on them or the answer is not one.
fn waiting(answer: &str, now: DateTime<Utc>) -> String {
    let Ok(Waiting { items }) = serde_json::from_str::<Waiting>(answer) else {
        return String::new();
    };
    if items.is_empty() {
        return String::new();
    }
    let votes: String = items.iter().map(|vote| waiting_vote(vote, now)).collect();
    format!(
        "<section class=\"panel waiting\" id=\"waiting\" aria-labelledby=\"waiting-title\">\
         <h2 id=\"waiting-title\">Waiting on you ({})</h2><ul class=\"waiting__list\">{votes}</ul>\
         </section>",
        items.len()
    )
}

/// One vote waiting on the member, as the dashboard's `WaitingVote` draws it.
fn waiting_vote(vote: &VoteSummary, now: DateTime<Utc>) -> String {
    let link = format!("/votes/{}", markup::escape(&vote.id));
    let name = markup::escape(&vote.name);
    let project = vote.project.as_deref().map_or_else(String::new, |project| {
        format!("<span class=\"chip\">{}</span>", markup::escape(project))
    });
    let deadline = vote.deadline.map_or_else(String::new, |at| {
        format!(
            "<span class=\"waiting__deadline\">Reveals <time datetime=\"{}\" title=\"{}\">{}</time></span>",
            markup::iso(at),
            markup::utc(at),
            words::until(at, now)
        )
    });
    let also = match vote.waiting_on.len().saturating_sub(1) {
        0 => "Only you left".to_owned(),
        1 => "Also waiting on 1 other".to_owned(),
        n => format!("Also waiting on {n} others"),
    };
    format!(
        "<li class=\"waiting__item\" data-vote-id=\"{}\"><a class=\"waiting__name\" href=\"{link}\">{name}</a>\
         <span class=\"waiting__meta\">{project}{deadline}<span class=\"muted\">{also}</span></span>\
         <a class=\"button button--small\" href=\"{link}\" aria-label=\"Vote on {name}\">Vote</a></li>",
        markup::escape(&vote.id)
    )
}

/// The dashboard's `VoteFilters` on `/`, its fields disabled until the dashboard runs
/// them (what is typed before would be lost when it draws its own).
const FILTERS: &str = "<form class=\"filters\" role=\"search\">\
    <label class=\"field\"><span class=\"field__label\">Search by name</span>\
    <input type=\"search\" name=\"q\" placeholder=\"e.g. login\" disabled></label>\
    <label class=\"field\"><span class=\"field__label\">Project</span>\
    <select name=\"project\" disabled><option value=\"\" selected>All projects</option></select>\
    </label></form>";

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
        let html = ongoing(
            &list("Login page", "https://t.example/1"),
            now(),
            Viewer::Anonymous,
        )
        .unwrap();
        for part in [
            "<a class=\"vote-row__link\" href=\"/votes/v1\">Login page</a>",
            "<p class=\"list-count\">1 vote</p>",
            "<span aria-hidden=\"true\">●</span> Voting</span>",
            "<span>Fibonacci</span><span>Round 2</span>",
            "<time datetime=\"2026-11-30T10:00:00Z\" title=\"Mon, Nov 30, 2026, 10:00 AM UTC\">3 h ago</time>",
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
            Viewer::Member(None),
        )
        .unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("&lt;/a&gt;&lt;script&gt;"), "{html}");
        assert!(html.contains("Ana &lt;3"), "{html}");
    }

    #[test]
    fn what_waits_on_a_member_is_drawn_for_them_escaped_and_only_for_them() {
        let list = list("Checkout", "https://t.example/2");
        let mut waiting: serde_json::Value = serde_json::from_str(&list).unwrap();
        waiting["items"][0]["name"] = "<img src=x onerror=alert(1)>".into();
        waiting["items"][0]["deadline"] = "2026-11-30T16:00:00Z".into();
        waiting["items"][0]["waiting_on"] = serde_json::json!([
            {"id": "ana", "name": "Ana"}, {"id": "ben", "name": "Ben"}
        ]);
        let waiting = waiting.to_string();
        let html = ongoing(&list, now(), Viewer::Member(Some(&waiting))).unwrap();
        for part in [
            "<h2 id=\"waiting-title\">Waiting on you (1)</h2>",
            "<a class=\"waiting__name\" href=\"/votes/v1\">&lt;img src=x onerror=alert(1)&gt;</a>",
            "Reveals <time datetime=\"2026-11-30T16:00:00Z\" title=\"Mon, Nov 30, 2026, 04:00 PM UTC\">in 3 h</time>",
            "Also waiting on 1 other",
        ] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
        assert!(!html.contains("<img"), "{html}");
        let nothing = r#"{"items":[]}"#;
        for viewer in [
            Viewer::Member(Some(nothing)),
            Viewer::Member(None),
            Viewer::Anonymous,
        ] {
            let html = ongoing(&list, now(), viewer).unwrap();
            assert!(!html.contains("waiting"), "{viewer:?}: {html}");
        }
        let visitor = ongoing(&list, now(), Viewer::Anonymous).unwrap();
        assert!(visitor.contains(">Log in</a>"), "{visitor}");
    }

    #[test]
    fn only_a_list_is_drawn() {
        assert_eq!(
            ongoing("{\"error\":\"nope\"}", now(), Viewer::Member(None)),
            None
        );
        let empty = ongoing("{\"items\":[]}", now(), Viewer::Anonymous).unwrap();
        assert!(empty.contains(words::NOTHING_ONGOING), "{empty}");
    }
}
