//! The first screen of `/votes/{id}`, the page a Slack message, a reminder or a shared
//! link opens: the story, its facts, the round's tally and who has voted or is still
//! waited on, and the deck, as the dashboard's `pages/vote.rs` draws them. What the
//! server cannot draw the same (a revealed round's chart, the owner's controls) is left
//! to the dashboard, below what is drawn here; the cards a member votes with are drawn
//! disabled until the dashboard answers them.

use std::fmt::Write;

use asyncvoter_wire::{Card, Round, VoteDetail, VoteState, VoteSummary, Voter};
use asyncvoter_wire::{markup, pages, words};
use chrono::{DateTime, Utc};

use super::{Viewer, page};

/// The first screen of a vote's page from the answer to `GET /api/votes/{id}`, at `now`,
/// for `viewer`; nothing when the answer is not a vote.
pub fn vote(answer: &str, now: DateTime<Utc>, viewer: Viewer<'_>) -> Option<String> {
    let detail: VoteDetail = serde_json::from_str(answer).ok()?;
    let vote = &detail.vote;
    let path = pages::vote(&vote.id);
    let current = detail.rounds.last();
    let sealed = current.filter(|round| round.revealed_at.is_none());
    let mut html = format!(
        "<article class=\"vote\" data-state=\"{}\">{}{}",
        vote.state.as_str(),
        head(vote, &path),
        facts(&detail, now)
    );
    let _ = write!(
        html,
        "<section class=\"panel\" aria-labelledby=\"tally-title\"><h2 id=\"tally-title\">Round {}</h2>{}",
        vote.round,
        markup::tally(vote.ballots_cast, vote.quorum)
    );
    if let Some(round) = sealed {
        html.push_str(&sealed_round(round, vote));
    }
    html.push_str("</section>");
    // Results and earlier rounds come before the deck; the dashboard draws those, and the
    // deck with them, so it never moves under the reader.
    let revealed_rounds = detail
        .rounds
        .iter()
        .filter(|round| round.statistics.is_some())
        .count();
    if sealed.is_some() && revealed_rounds < 2 {
        html.push_str(&deck(&detail, viewer, &path));
    }
    html.push_str("</article>");
    Some(page(&path, viewer, &html))
}

/// The project, the story (linking to its ticket when it has a web link), its state and
/// the way to share it.
fn head(vote: &VoteSummary, path: &str) -> String {
    let name = markup::escape(&vote.name);
    let title = match vote.url.as_deref().filter(|url| markup::is_web_link(url)) {
        Some(url) => format!(
            "<a href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">{name}\
             <span class=\"external\" aria-label=\"(opens the ticket)\"> ↗</span></a>",
            markup::escape(url)
        ),
        None => format!("<span>{name}</span>"),
    };
    let project = vote
        .project
        .as_deref()
        .map_or_else(|| "No project".to_owned(), markup::escape);
    format!(
        "<header class=\"vote__head\"><p class=\"vote__project\">{project}</p>\
         <h1 class=\"vote__title\">{title}</h1><div class=\"vote__badges\">{}{}</div></header>",
        markup::badge(vote.state),
        markup::copy_link(path, "to this vote")
    )
}

/// Deck, owner, round, times and the final size.
fn facts(detail: &VoteDetail, now: DateTime<Utc>) -> String {
    let vote = &detail.vote;
    let owner = vote
        .owner
        .as_ref()
        .map_or_else(|| "—".to_owned(), |owner| markup::escape(&owner.name));
    let mut html = format!(
        "<dl class=\"facts\"><div><dt>Deck</dt><dd>{}</dd></div>\
         <div><dt>Owner</dt><dd>{owner}</dd></div><div><dt>Round</dt><dd>{}</dd></div>\
         <div><dt>Started</dt><dd>{}</dd></div>",
        words::deck_label(vote.deck),
        vote.round,
        ago_then_exact(vote.created_at, now)
    );
    if let Some(at) = vote.deadline {
        let reveals = match vote.state {
            VoteState::Open => format!(
                "<span class=\"muted\"> · reveals {}</span>",
                words::until(at, now)
            ),
            _ => String::new(),
        };
        let _ = write!(
            html,
            "<div><dt>Deadline</dt><dd><time datetime=\"{}\">{}</time>{reveals}</dd></div>",
            markup::iso(at),
            markup::utc(at)
        );
    }
    let revealed = detail
        .rounds
        .last()
        .and_then(|round| Some((round.revealed_at?, round.revealed_by)));
    if let Some((at, cause)) = revealed {
        let _ = write!(
            html,
            "<div><dt>Revealed</dt><dd>{}<span class=\"muted\">{}</span></dd></div>",
            ago_then_exact(at, now),
            words::revealed_by(cause)
        );
    }
    if let Some(size) = &vote.final_size {
        let _ = write!(
            html,
            "<div class=\"facts__final\"><dt>Final size</dt><dd>{}</dd></div>",
            markup::escape(size)
        );
    }
    html.push_str("</dl>");
    html
}

/// "3 h ago · Mon, Nov 30, 2026, 10:00 AM UTC", the first part a `<time>`.
fn ago_then_exact(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    format!(
        "<time datetime=\"{}\">{}</time><span class=\"muted\"> · {}</span>",
        markup::iso(at),
        words::ago(at, now),
        markup::utc(at)
    )
}

/// A sealed round: who has voted and who it still waits on, by name only.
fn sealed_round(round: &Round, vote: &VoteSummary) -> String {
    let voted: Vec<&Voter> = round.ballots.iter().map(|ballot| &ballot.voter).collect();
    let waiting: Vec<&Voter> = vote
        .waiting_on
        .iter()
        .filter(|_| vote.state == VoteState::Open)
        .collect();
    let nobody_yet = if voted.is_empty() {
        "Nobody has voted yet. "
    } else {
        ""
    };
    format!(
        "{}{}<p class=\"muted sealed-note\">{nobody_yet}{}</p>",
        people("Who has voted", "Who has voted", &voted),
        people("Waiting on", "Who the vote waits on", &waiting),
        words::SEALED_NOTE
    )
}

/// `voters` under the heading `title`, the list named `label`; nothing when nobody.
fn people(title: &str, label: &str, voters: &[&Voter]) -> String {
    if voters.is_empty() {
        return String::new();
    }
    let named: Vec<(&str, &str)> = voters
        .iter()
        .map(|voter| (voter.id.as_str(), voter.name.as_str()))
        .collect();
    format!(
        "<h3 class=\"panel__subtitle\">{title}</h3>{}",
        markup::voters(&named, label, usize::MAX)
    )
}

/// The deck: for a member while the vote is open, the cards to vote with (disabled until
/// the dashboard answers them, their own card pressed); otherwise the cards for
/// reference, with a way for a visitor to log in and vote.
fn deck(detail: &VoteDetail, viewer: Viewer, path: &str) -> String {
    let open = detail.vote.state == VoteState::Open;
    let member = matches!(viewer, Viewer::Member(_));
    if open && member {
        return format!(
            "<section class=\"panel\" aria-labelledby=\"deck-title\"><h2 id=\"deck-title\">Your vote</h2>{}</section>",
            picker(detail)
        );
    }
    let legend: String = detail
        .cards
        .iter()
        .map(|card| {
            format!(
                "<li class=\"deck-legend__card\"><span class=\"deck-legend__label\">{}</span>{}</li>",
                markup::escape(&card.label),
                card_name(card, "deck-legend__name")
            )
        })
        .collect();
    let log_in = if open {
        format!(
            "<p class=\"login-prompt\"><a class=\"button\" href=\"{}\">Log in</a> to vote.</p>",
            pages::login_then(path)
        )
    } else {
        String::new()
    };
    format!(
        "<section class=\"panel\" aria-labelledby=\"deck-title\"><h2 id=\"deck-title\">Cards in this deck</h2>\
         <p class=\"panel__subtitle deck-legend__why\">{}</p>\
         <ul class=\"deck-legend\" aria-label=\"Cards in this deck\">{legend}</ul>{log_in}</section>",
        words::deck_for_reference(open)
    )
}

/// The dashboard's `CardPicker`, disabled: the member's own card pressed, their reason in
/// its field.
fn picker(detail: &VoteDetail) -> String {
    let mine = detail.my_card.as_deref();
    let cards: String = detail
        .cards
        .iter()
        .enumerate()
        .map(|(index, card)| {
            let label = markup::escape(&card.label);
            let pressed = mine == Some(card.label.as_str());
            let named = card
                .name
                .as_deref()
                .map_or_else(String::new, |name| format!(" ({})", markup::escape(name)));
            let shortcut = if card.label.chars().count() == 1 {
                format!(" aria-keyshortcuts=\"{label}\"")
            } else {
                String::new()
            };
            format!(
                "<li><button type=\"button\" class=\"deck__card\" aria-pressed=\"{pressed}\" \
                 aria-label=\"Vote {label}{named}\"{shortcut} data-index=\"{index}\" disabled>\
                 <span class=\"deck__label\">{label}</span>{}</button></li>",
                card_name(card, "deck__name")
            )
        })
        .collect();
    let reason = markup::escape(detail.my_reason.as_deref().unwrap_or_default());
    let withdraw = if mine.is_some() {
        "<button type=\"button\" class=\"link-button\" disabled>Withdraw my vote</button>"
    } else {
        ""
    };
    format!(
        "<div class=\"picker\"><ul class=\"deck deck--buttons\" aria-label=\"Your vote\">{cards}</ul>\
         <p class=\"picker__help muted\">{}</p><label class=\"field picker__reason\">\
         <span class=\"field__label\">{}</span><textarea name=\"reason\" rows=\"2\" maxlength=\"500\" \
         placeholder=\"{}\" disabled>{reason}</textarea></label>\
         <div class=\"picker__status\" role=\"status\" aria-live=\"polite\"></div>{withdraw}</div>",
        markup::escape(&words::picker_help(
            detail.cards.iter().map(|c| c.label.as_str())
        )),
        words::REASON_LABEL,
        markup::escape(words::REASON_PLACEHOLDER)
    )
}

/// A card's longer name, if it has one, in an element of `class`.
fn card_name(card: &Card, class: &str) -> String {
    card.name.as_deref().map_or_else(String::new, |name| {
        format!("<span class=\"{class}\">{}</span>", markup::escape(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncvoter_wire::{Ballot, DeckKind, RevealCause, Voter};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn voter(id: &str, name: &str) -> Voter {
        Voter {
            id: id.to_owned(),
            name: name.to_owned(),
        }
    }

    /// An open Fibonacci-like vote started at 10:00 with Ana's ballot in, waiting on Ben,
    /// asked for by Ana (her own card and reason come with it).
    fn detail() -> VoteDetail {
        let ana = voter("ana", "Ana <3");
        let vote = VoteSummary {
            id: "v1".into(),
            name: "</h1><script>alert(1)</script>".into(),
            url: Some("https://t.example/1?a=1&b=2".into()),
            project: Some("web".into()),
            owner: Some(ana.clone()),
            deck: DeckKind::Fibonacci,
            state: VoteState::Open,
            round: 1,
            quorum: Some(3),
            deadline: Some(at("2026-11-30T16:00:00Z")),
            final_size: None,
            ballots_cast: 1,
            voters: vec![ana.clone()],
            expected_voters: vec![ana.clone(), voter("ben", "Ben")],
            waiting_on: vec![voter("ben", "Ben")],
            reveal_when_all_voted: true,
            created_at: at("2026-11-30T10:00:00Z"),
            updated_at: at("2026-11-30T10:00:00Z"),
            revealed_at: None,
            closed_at: None,
            agreement: None,
        };
        let cards = ["1", "13", "?"]
            .map(|label| Card {
                label: label.into(),
                name: (label == "?").then(|| "No idea".into()),
            })
            .to_vec();
        VoteDetail {
            vote,
            cards,
            rounds: vec![Round {
                number: 1,
                started_at: at("2026-11-30T10:00:00Z"),
                revealed_at: None,
                revealed_by: None,
                ballots: vec![Ballot {
                    voter: ana,
                    cast_at: at("2026-11-30T11:00:00Z"),
                    card: None,
                    reason: None,
                }],
                statistics: None,
            }],
            my_card: Some("13".into()),
            my_reason: Some("</textarea><b>big</b>".into()),
        }
    }

    fn draw(detail: &VoteDetail, viewer: Viewer) -> String {
        let now = at("2026-11-30T13:00:00Z");
        vote(&serde_json::to_string(detail).unwrap(), now, viewer).unwrap()
    }

    #[test]
    fn a_sealed_vote_shows_its_story_facts_and_who_voted_by_name() {
        let html = draw(&detail(), Viewer::Anonymous);
        for part in [
            "<article class=\"vote\" data-state=\"open\">",
            "<p class=\"vote__project\">web</p>",
            "href=\"https://t.example/1?a=1&amp;b=2\" target=\"_blank\"",
            "<div><dt>Deck</dt><dd>Fibonacci</dd></div>",
            "<div><dt>Owner</dt><dd>Ana &lt;3</dd></div>",
            "<time datetime=\"2026-11-30T10:00:00Z\">3 h ago</time><span class=\"muted\"> · Mon, Nov 30, 2026, 10:00 AM UTC</span>",
            "<time datetime=\"2026-11-30T16:00:00Z\">Mon, Nov 30, 2026, 04:00 PM UTC</time><span class=\"muted\"> · reveals in 3 h</span>",
            "<h2 id=\"tally-title\">Round 1</h2>",
            "1 of 3 for quorum",
            "<li class=\"voter\" title=\"ana\">Ana &lt;3</li>",
            "<ul class=\"voters\" aria-label=\"Who the vote waits on\"><li class=\"voter\" title=\"ben\">Ben</li></ul>",
            words::SEALED_NOTE,
            "<span class=\"deck-legend__label\">13</span>",
            "<span class=\"deck-legend__name\">No idea</span>",
            "<a class=\"button\" href=\"/login?next=%2Fvotes%2Fv1\">Log in</a> to vote.",
        ] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("Nobody has voted yet"), "{html}");
    }

    #[test]
    fn a_visitor_never_sees_the_card_or_reason_of_whoever_the_answer_was_for() {
        // The API gives `my_card` only to its voter; a page drawn for anyone else from
        // such an answer must still not show it.
        let html = draw(&detail(), Viewer::Anonymous);
        assert!(!html.contains("aria-pressed=\"true\""), "{html}");
        assert!(!html.contains("big"), "{html}");
    }

    #[test]
    fn a_member_sees_the_cards_to_vote_with_disabled_their_own_pressed() {
        let html = draw(&detail(), Viewer::Member(None));
        for part in [
            "<h2 id=\"deck-title\">Your vote</h2>",
            "aria-pressed=\"false\" aria-label=\"Vote 1\" aria-keyshortcuts=\"1\" data-index=\"0\" disabled>",
            "aria-pressed=\"true\" aria-label=\"Vote 13\" data-index=\"1\" disabled>",
            "aria-label=\"Vote ? (No idea)\" aria-keyshortcuts=\"?\"",
            "type its value: 1 for 1, 1 then 3 for 13, ? for no opinion.",
            "disabled>&lt;/textarea&gt;&lt;b&gt;big&lt;/b&gt;</textarea>",
            ">Withdraw my vote</button>",
        ] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
        assert!(!html.contains("Log in"), "{html}");
    }

    #[test]
    fn a_revealed_round_leaves_its_results_and_the_deck_to_the_dashboard() {
        let mut revealed = detail();
        revealed.vote.state = VoteState::Revealed;
        revealed.vote.url = Some("javascript:alert(1)".into());
        revealed.rounds[0].revealed_at = Some(at("2026-11-30T12:00:00Z"));
        revealed.rounds[0].revealed_by = Some(RevealCause::AllVoted);
        revealed.rounds[0].ballots[0].card = Some("13".into());
        let html = draw(&revealed, Viewer::Member(None));
        assert!(
            html.contains("1 h ago</time><span class=\"muted\"> · Mon, Nov 30, 2026, 12:00 PM UTC</span><span class=\"muted\"> · everyone voted</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span>&lt;/h1&gt;"),
            "no link but a web link: {html}"
        );
        for absent in [
            "javascript:",
            "deck-title",
            "Waiting on",
            "reveals in",
            "Who has voted",
        ] {
            assert!(!html.contains(absent), "{absent} in {html}");
        }
    }

    #[test]
    fn only_a_vote_is_drawn() {
        assert_eq!(
            vote(
                "{\"error\":\"nope\"}",
                at("2026-11-30T13:00:00Z"),
                Viewer::Anonymous
            ),
            None
        );
    }
}
