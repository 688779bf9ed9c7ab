//! When a voter is reminded of a vote that waits on them: at each lead time before its
//! deadline (12 h and 2 h by default), once each; when several leads have passed at once
//! (the server was down), one reminder stands for them all.

use asyncvoter_wire::VoteState;
use chrono::{DateTime, Duration, Utc};

use super::lifecycle;
use super::records::{ReminderCandidate, ReminderDue};

/// The reminders due for a candidate vote at `now`, for its expected voters who can be
/// reached (members; Slack users too when `slack` is set up), have not voted in the
/// current round, and have lead times passed that they were not reminded at yet.
pub fn due(
    candidate: &ReminderCandidate,
    leads: &[Duration],
    now: DateTime<Utc>,
    slack: bool,
) -> Vec<ReminderDue> {
    let vote = &candidate.vote;
    let Some(deadline) = vote.deadline.filter(|d| *d > now) else {
        return Vec::new();
    };
    if vote.state != VoteState::Open {
        return Vec::new();
    }
    let passed: Vec<i64> = leads
        .iter()
        .filter(|lead| now >= deadline - **lead)
        .map(|lead| lead.num_milliseconds())
        .collect();
    lifecycle::waiting_on(&vote.expected_voters, &candidate.voters)
        .into_iter()
        .filter(|voter| !super::rules::is_external(voter) || (slack && is_slack_user(voter)))
        .filter_map(|voter| {
            let was_sent = |lead: &i64| candidate.sent.iter().any(|(v, l)| v == voter && l == lead);
            let leads_ms: Vec<i64> = passed.iter().copied().filter(|l| !was_sent(l)).collect();
            (!leads_ms.is_empty()).then(|| ReminderDue {
                vote_id: vote.id.clone(),
                round: vote.round,
                voter: voter.clone(),
                leads_ms,
            })
        })
        .collect()
}

/// Whether a voter id names a Slack user: `slack:TEAM:USER`.
pub fn is_slack_user(voter: &str) -> bool {
    voter
        .strip_prefix("slack:")
        .is_some_and(|rest| rest.contains(':'))
}

/// Lead times as the command line takes them: `12h,2h`, `90m`, `1d`.
pub fn parse_leads(text: &str) -> Result<Vec<Duration>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (number, unit) = part.split_at(
                part.find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(part.len()),
            );
            let n: i64 = number
                .parse()
                .map_err(|_| format!("`{part}` is not a lead time such as 12h, 90m or 1d"))?;
            match unit {
                "m" => Ok(Duration::minutes(n)),
                "h" => Ok(Duration::hours(n)),
                "d" => Ok(Duration::days(n)),
                _ => Err(format!(
                    "`{part}` is not a lead time such as 12h, 90m or 1d"
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::VoteRecord;
    use asyncvoter_wire::DeckKind;

    fn vote(deadline_in: Duration, now: DateTime<Utc>) -> VoteRecord {
        VoteRecord {
            id: "v".into(),
            name: "n".into(),
            url: None,
            project: None,
            owner: None,
            deck: DeckKind::Fibonacci,
            cards: None,
            state: VoteState::Open,
            round: 1,
            quorum: None,
            deadline: Some(now + deadline_in),
            final_size: None,
            expected_voters: vec!["ana".into(), "ben".into(), "slack:T1:U3".into()],
            reveal_when_all_voted: true,
            created_at: now,
            updated_at: now,
            closed_at: None,
        }
    }

    fn candidate(deadline_in: Duration, now: DateTime<Utc>, voters: &[&str]) -> ReminderCandidate {
        ReminderCandidate {
            vote: vote(deadline_in, now),
            voters: voters.iter().map(|v| v.to_string()).collect(),
            sent: Vec::new(),
        }
    }

    #[test]
    fn members_who_have_not_voted_are_reminded_at_each_lead() {
        let now = Utc::now();
        let leads = [Duration::hours(12), Duration::hours(2)];
        let twelve = Duration::hours(12).num_milliseconds();
        let two = Duration::hours(2).num_milliseconds();
        assert!(
            due(
                &candidate(Duration::hours(13), now, &[]),
                &leads,
                now,
                false
            )
            .is_empty()
        );
        let at_eleven = due(
            &candidate(Duration::hours(11), now, &["ana"]),
            &leads,
            now,
            false,
        );
        assert_eq!(
            at_eleven.len(),
            1,
            "ben only: ana voted, slack is not reachable"
        );
        assert_eq!(
            (
                at_eleven[0].voter.as_str(),
                at_eleven[0].leads_ms.as_slice()
            ),
            ("ben", &[twelve][..])
        );
        let at_one = due(&candidate(Duration::hours(1), now, &[]), &leads, now, false);
        assert_eq!(
            at_one[0].leads_ms,
            [twelve, two],
            "both passed: one stands for both"
        );
        assert!(
            due(
                &candidate(Duration::hours(-1), now, &[]),
                &leads,
                now,
                false
            )
            .is_empty(),
            "past"
        );
        let with_slack = due(&candidate(Duration::hours(1), now, &[]), &leads, now, true);
        let reached: Vec<&str> = with_slack.iter().map(|r| r.voter.as_str()).collect();
        assert_eq!(
            reached,
            ["ana", "ben", "slack:T1:U3"],
            "Slack reaches its users"
        );
    }

    #[test]
    fn a_lead_already_reminded_at_is_not_due_again() {
        let now = Utc::now();
        let leads = [Duration::hours(12), Duration::hours(2)];
        let twelve = Duration::hours(12).num_milliseconds();
        let two = Duration::hours(2).num_milliseconds();
        let mut reminded = candidate(Duration::hours(11), now, &[]);
        reminded.sent = vec![("ana".into(), twelve), ("ben".into(), twelve)];
        assert!(
            due(&reminded, &leads, now, false).is_empty(),
            "both reminded at 12 h: nothing to do until 2 h"
        );
        reminded.vote.deadline = Some(now + Duration::hours(1));
        let at_one = due(&reminded, &leads, now, false);
        let next: Vec<(&str, &[i64])> = at_one
            .iter()
            .map(|r| (r.voter.as_str(), r.leads_ms.as_slice()))
            .collect();
        assert_eq!(next, [("ana", &[two][..]), ("ben", &[two][..])]);
    }

    #[test]
    fn lead_times_read_like_people_write_them() {
        assert_eq!(
            parse_leads("12h, 2h").unwrap(),
            [Duration::hours(12), Duration::hours(2)]
        );
        assert_eq!(
            parse_leads("90m,1d").unwrap(),
            [Duration::minutes(90), Duration::days(1)]
        );
        assert!(parse_leads("soon").is_err());
        assert!(parse_leads("12").is_err());
    }
}
