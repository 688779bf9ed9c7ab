//! The checks on what callers send: names, links, projects, voter ids, votes and cards.

use chrono::{DateTime, Duration, Utc};

use asyncvoter_estimation::{Deck, NO_OPINION};
use asyncvoter_wire::{NewVote, VotePatch};

use super::DomainError;
use super::records::{NewVoteRecord, VoteChanges};

/// Longest vote name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest project, in characters.
pub const MAX_PROJECT_CHARS: usize = 100;
/// Longest ticket link, in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// Largest quorum.
pub const MAX_QUORUM: u32 = 1000;
/// How far ahead a deadline may be.
pub const MAX_DEADLINE_DAYS: i64 = 366;
/// Most voters a vote may wait on.
pub const MAX_EXPECTED: usize = 100;
/// Longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// A vote's name: trimmed, 1–200 characters, no control characters.
pub fn name(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(DomainError::Invalid(
            "The story needs a name: say in a few words what is being sized".into(),
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::Invalid(format!(
            "The story's name is too long: keep it under {MAX_NAME_CHARS} characters and put the details in the ticket"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::Invalid(
            "The story's name has invisible control characters: type it again, on one line".into(),
        ));
    }
    Ok(name.to_owned())
}

/// A ticket link: absent or blank means none; otherwise an absolute http(s) URL.
pub fn url(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(raw) = raw.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    if raw.len() > MAX_URL_BYTES {
        return Err(DomainError::Invalid(format!(
            "The ticket link is too long ({MAX_URL_BYTES} bytes at most): use the ticket's short link"
        )));
    }
    let parsed = url::Url::parse(raw).map_err(|_| {
        DomainError::Invalid(
            "The ticket link must be a whole web address, starting with https:// or http://".into(),
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(DomainError::Invalid(
            "The ticket link must be a web address starting with https:// or http://".into(),
        ));
    }
    Ok(Some(parsed.to_string()))
}

/// A project: absent or blank means none; otherwise up to 100 characters.
pub fn project(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(project) = raw.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    if project.chars().count() > MAX_PROJECT_CHARS || project.chars().any(char::is_control) {
        return Err(DomainError::Invalid(format!(
            "The project's name is too long: keep it under {MAX_PROJECT_CHARS} printable characters"
        )));
    }
    Ok(Some(project.to_owned()))
}

/// A username: 2–32 of `a-z 0-9 . _ -`, starting with a letter or digit, not `me`.
/// Upper case is folded, so `Ana` and `ana` are one member.
pub fn username(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim().to_lowercase();
    let ok = (2..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        && name != "me";
    if ok {
        Ok(name)
    } else {
        Err(DomainError::Invalid(
            "a username is 2–32 of a-z 0-9 . _ -, starting with a letter or digit".into(),
        ))
    }
}

/// Usernames for a member single sign-on makes, best first: the provider's
/// `preferred_username`, else the email's local part, else `member`, folded into the
/// username alphabet; then numbered (`ana`, `ana-2`, … `ana-50`) for when one is taken.
pub fn sso_usernames(preferred: Option<&str>, email: Option<&str>) -> Vec<String> {
    let source = preferred
        .filter(|p| !p.trim().is_empty())
        .or_else(|| email.and_then(|e| e.split('@').next()))
        .unwrap_or_default();
    let folded: String = source
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let folded = folded.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    let mut base: String = folded.chars().take(28).collect();
    if username(&base).is_err() {
        base = "member".to_owned();
    }
    std::iter::once(base.clone())
        .chain((2..=50).map(|n| format!("{base}-{n}")))
        .collect()
}

/// A display name: trimmed, 1–60 printable characters.
pub fn display_name(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(DomainError::Invalid(
            "a display name has 1–60 printable characters".into(),
        ));
    }
    Ok(name.to_owned())
}

/// The name an integration gives an external voter: trimmed, at most 60 printable
/// characters; `None` when absent or blank. Members show as their display name.
pub fn external_name(raw: Option<&str>, voter: &str) -> Result<Option<String>, DomainError> {
    let Some(name) = raw.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if !is_external(voter) {
        return Err(DomainError::Invalid(
            "`name` is for external voters; a member shows as their display name".into(),
        ));
    }
    display_name(name).map(Some).map_err(|_| {
        DomainError::Invalid("a voter's `name` has at most 60 printable characters".into())
    })
}

/// An integration's name: trimmed, 1–60 printable characters.
pub fn integration_name(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(DomainError::Invalid(
            "an integration's name has 1–60 printable characters, e.g. `slack-bot`".into(),
        ));
    }
    Ok(name.to_owned())
}

/// An email address: absent or blank means none; otherwise `local@domain.tld`, at most
/// 254 characters, no spaces.
pub fn email(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(address) = raw.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let well_formed = address.chars().count() <= 254
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
        && address.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if well_formed {
        Ok(Some(address.to_owned()))
    } else {
        Err(DomainError::Invalid(
            "that is not an email address: write it as name@example.com".into(),
        ))
    }
}

/// True for an id an integration vouches for, such as `slack:U123`.
pub fn is_external(voter: &str) -> bool {
    voter.contains(':')
}

/// A voter id: 1–120 printable characters, no slashes, no surrounding spaces.
pub fn voter_id(raw: &str) -> Result<String, DomainError> {
    let ok = !raw.is_empty()
        && raw.trim() == raw
        && raw.chars().count() <= 120
        && raw.chars().all(|c| !c.is_control() && c != '/');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(DomainError::Invalid(
            "a voter id is 1–120 printable characters without slashes, such as `slack:U123`".into(),
        ))
    }
}

/// An external id an integration gives as a vote's owner.
pub fn owner(raw: &str) -> Result<String, DomainError> {
    let owner = raw.trim();
    if is_external(owner) {
        voter_id(owner)
    } else {
        username(owner).map_err(|_| {
            DomainError::Invalid(
                "`owner` is a member's username or an external id such as `slack:U123`".into(),
            )
        })
    }
}

/// Checks a new vote and builds what the store records, with its deck.
pub fn new_vote(
    input: NewVote,
    owner: Option<String>,
    now: DateTime<Utc>,
) -> Result<(NewVoteRecord, Deck), DomainError> {
    let deck = Deck::new(input.deck, input.cards.as_deref())
        .map_err(|e| DomainError::Invalid(e.to_string()))?;
    let expected_voters = expected_voters(input.expected_voters.as_deref().unwrap_or_default())?;
    let record = NewVoteRecord {
        name: name(&input.name)?,
        url: url(input.url.as_deref())?,
        project: project(input.project.as_deref())?,
        owner,
        deck: input.deck,
        cards: deck.custom_labels(),
        quorum: input.quorum.map(quorum).transpose()?,
        deadline: input.deadline.map(|d| deadline(d, now)).transpose()?,
        final_size: None,
        reveal_when_all_voted: input
            .reveal_when_all_voted
            .unwrap_or(!expected_voters.is_empty()),
        expected_voters,
        slack: None,
    };
    Ok((record, deck))
}

/// What a `PATCH` asks, checked field by field.
pub fn changes(patch: VotePatch, now: DateTime<Utc>) -> Result<VoteChanges, DomainError> {
    let deck = match (patch.deck, patch.cards) {
        (None, None) => None,
        (None, Some(_)) => {
            return Err(DomainError::Invalid(
                "send `cards` with `deck`: \"custom\"".into(),
            ));
        }
        (Some(kind), cards) => {
            let deck = Deck::new(kind, cards.as_deref())
                .map_err(|e| DomainError::Invalid(e.to_string()))?;
            Some((kind, deck.custom_labels()))
        }
    };
    Ok(VoteChanges {
        name: patch.name.as_deref().map(name).transpose()?,
        url: patch.url.map(|u| url(u.as_deref())).transpose()?,
        project: patch.project.map(|p| project(p.as_deref())).transpose()?,
        quorum: patch
            .quorum
            .map(|q| q.map(quorum).transpose())
            .transpose()?,
        deadline: patch
            .deadline
            .map(|d| d.map(|d| deadline(d, now)).transpose())
            .transpose()?,
        expected_voters: patch
            .expected_voters
            .as_deref()
            .map(expected_voters)
            .transpose()?,
        reveal_when_all_voted: patch.reveal_when_all_voted,
        deck,
    })
}

/// A quorum: 1 to 1,000 ballots.
pub fn quorum(quorum: u32) -> Result<u32, DomainError> {
    if (1..=MAX_QUORUM).contains(&quorum) {
        Ok(quorum)
    } else {
        Err(DomainError::Invalid(format!(
            "The number of votes that reveals the vote must be between 1 and {MAX_QUORUM}"
        )))
    }
}

/// A deadline: in the future, within a year, to the millisecond.
pub fn deadline(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, DomainError> {
    if at <= now {
        return Err(DomainError::Invalid(
            "The reveal time has already passed: choose a time in the future".into(),
        ));
    }
    if at > now + Duration::days(MAX_DEADLINE_DAYS) {
        return Err(DomainError::Invalid(format!(
            "The reveal time is too far away: choose one within {MAX_DEADLINE_DAYS} days"
        )));
    }
    Ok(truncate_to_millis(at))
}

/// Who a vote waits on: members' usernames (folded to lower case) and external ids, each
/// once, in the order given, at most [`MAX_EXPECTED`]. Whether the members exist is the
/// caller's to check.
pub fn expected_voters(raw: &[String]) -> Result<Vec<String>, DomainError> {
    if raw.len() > MAX_EXPECTED {
        return Err(DomainError::Invalid(format!(
            "`expected_voters` names at most {MAX_EXPECTED} voters"
        )));
    }
    let mut voters: Vec<String> = Vec::with_capacity(raw.len());
    for entry in raw {
        let entry = entry.trim();
        let voter = if is_external(entry) {
            voter_id(entry)?
        } else {
            username(entry).map_err(|_| {
                DomainError::Invalid(
                    "`expected_voters` holds members' usernames and external ids such as \
                     `slack:T1:U123`"
                        .into(),
                )
            })?
        };
        if !voters.contains(&voter) {
            voters.push(voter);
        }
    }
    Ok(voters)
}

/// A ballot's reason: trimmed, none when blank, at most [`MAX_REASON_CHARS`] characters,
/// line breaks allowed but no other control characters. The error never repeats it: a
/// reason is sealed.
pub fn reason(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(reason) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(DomainError::Invalid(format!(
            "a reason has at most {MAX_REASON_CHARS} characters"
        )));
    }
    if reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(DomainError::Invalid(
            "a reason cannot hold control characters other than line breaks".into(),
        ));
    }
    Ok(Some(reason.to_owned()))
}

/// A card cast on `deck`: exactly one of its labels.
pub fn card(deck: &Deck, raw: &str) -> Result<String, DomainError> {
    if deck.contains(raw) {
        Ok(raw.to_owned())
    } else {
        Err(DomainError::Invalid(
            "that card is not in this vote's deck; the vote's `cards` lists them".into(),
        ))
    }
}

/// A final size for `deck`: one of its cards, not `?`.
pub fn final_size(deck: &Deck, raw: &str) -> Result<String, DomainError> {
    if raw != NO_OPINION && deck.contains(raw) {
        Ok(raw.to_owned())
    } else {
        Err(DomainError::Invalid(
            "The final size must be one of the vote's cards (not `?`)".into(),
        ))
    }
}

/// Now, to the millisecond the database keeps.
pub fn now() -> DateTime<Utc> {
    truncate_to_millis(Utc::now())
}

fn truncate_to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at)
}

#[cfg(test)]
mod tests {

    #[test]
    fn single_sign_on_usernames_fold_into_the_alphabet_and_number_on() {
        let names = sso_usernames(Some("Ana Lima"), Some("x@example.com"));
        assert_eq!(&names[..3], ["ana-lima", "ana-lima-2", "ana-lima-3"]);
        assert_eq!(sso_usernames(None, Some("Ben.O@example.com"))[0], "ben.o");
        assert_eq!(sso_usernames(Some("  "), None)[0], "member");
        assert_eq!(sso_usernames(Some("__é"), None)[0], "member");
        let long = sso_usernames(Some(&"x".repeat(40)), None);
        assert!(long.iter().all(|n| username(n).is_ok()), "{long:?}");
    }

    use super::*;

    #[test]
    fn links_must_be_http_or_https() {
        let table = [
            ("https://example.com/issues/1", true),
            ("http://example.com", true),
            ("javascript:alert(1)", false),
            ("data:text/html,<b>x</b>", false),
            ("JAVASCRIPT:alert(1)", false),
            ("ftp://example.com", false),
            ("example.com/no-scheme", false),
            ("https://", false),
        ];
        for (link, ok) in table {
            assert_eq!(url(Some(link)).is_ok(), ok, "{link}");
        }
        assert_eq!(url(Some("  ")).unwrap(), None);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("  a story ").unwrap(), "a story");
        assert!(name(" ").is_err());
        assert!(name(&"x".repeat(200)).is_ok());
        assert!(name(&"x".repeat(201)).is_err());
        assert!(name(&"é".repeat(200)).is_ok(), "characters, not bytes");
        assert!(name("a\u{0}b").is_err());
    }

    #[test]
    fn usernames_are_folded_and_bounded() {
        assert_eq!(username(" Ana ").unwrap(), "ana");
        for bad in ["a", "me", "-ana", "ana smith", "slack:U1", &"x".repeat(33)] {
            assert!(username(bad).is_err(), "{bad}");
        }
        assert!(username("dev.ops_2-b").is_ok());
    }

    #[test]
    fn expected_voters_are_members_or_external_ids_each_once() {
        let raw: Vec<String> = [" Ana ", "slack:T1:U2", "ana", "ben"]
            .map(str::to_owned)
            .into();
        assert_eq!(
            expected_voters(&raw).unwrap(),
            ["ana", "slack:T1:U2", "ben"]
        );
        for bad in ["", "a b", "x/y:z", "-ana"] {
            assert!(expected_voters(&[bad.to_owned()]).is_err(), "{bad}");
        }
        assert_eq!(
            expected_voters(&vec!["slack:U".to_owned(); 100]).unwrap(),
            ["slack:U"],
            "repeats fold"
        );
        let many: Vec<String> = (0..101).map(|n| format!("slack:U{n}")).collect();
        assert!(expected_voters(&many).is_err());
    }

    #[test]
    fn reasons_are_short_and_never_echoed() {
        assert_eq!(reason(Some("  ")).unwrap(), None);
        assert_eq!(
            reason(Some(" two\nlines ")).unwrap().as_deref(),
            Some("two\nlines")
        );
        let long = "é".repeat(501);
        let error = reason(Some(&long)).unwrap_err().to_string();
        assert!(!error.contains('é'), "{error}");
        assert!(reason(Some(&"é".repeat(500))).is_ok());
        assert!(reason(Some("bell\u{7}")).is_err());
    }

    #[test]
    fn email_addresses_are_plain_and_blank_means_none() {
        assert_eq!(
            email(Some(" ana@example.com ")).unwrap().as_deref(),
            Some("ana@example.com")
        );
        assert_eq!(email(Some("")).unwrap(), None);
        for bad in [
            "ana",
            "ana@",
            "@x.io",
            "ana@localhost",
            "a b@x.io",
            "a@x.io>",
            "a@b@c.io",
            "a@.io",
        ] {
            assert!(email(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn voter_ids_are_checked() {
        assert!(voter_id("slack:U123").is_ok());
        assert!(voter_id("").is_err());
        assert!(voter_id(" a").is_err());
        assert!(voter_id("a\tb").is_err());
        assert!(voter_id("a/b").is_err());
        assert!(voter_id(&"x".repeat(121)).is_err());
        assert!(is_external("slack:U1") && !is_external("alice"));
    }
}
