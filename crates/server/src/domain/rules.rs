//! The checks on what callers send: names, links, projects, voter ids, votes and cards.

use chrono::{DateTime, Duration, Utc};

use asyncvoter_estimation::{Deck, NO_OPINION};
use asyncvoter_wire::NewVote;

use super::DomainError;
use super::records::NewVoteRecord;

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

/// A vote's name: trimmed, 1–200 characters, no control characters.
pub fn name(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(DomainError::Invalid("`name` cannot be empty".into()));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::Invalid(format!(
            "`name` is longer than {MAX_NAME_CHARS} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::Invalid(
            "`name` cannot hold control characters".into(),
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
            "`url` is longer than {MAX_URL_BYTES} bytes"
        )));
    }
    let parsed = url::Url::parse(raw)
        .map_err(|_| DomainError::Invalid("`url` must be an absolute http or https link".into()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(DomainError::Invalid(
            "`url` must be an http or https link".into(),
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
            "`project` must be at most {MAX_PROJECT_CHARS} printable characters"
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
pub fn external_owner(raw: &str) -> Result<String, DomainError> {
    let owner = voter_id(raw.trim())?;
    if is_external(&owner) {
        Ok(owner)
    } else {
        Err(DomainError::Invalid(
            "`owner` must be an external id such as `slack:U123`".into(),
        ))
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
    if let Some(quorum) = input.quorum
        && !(1..=MAX_QUORUM).contains(&quorum)
    {
        return Err(DomainError::Invalid(format!(
            "`quorum` must be between 1 and {MAX_QUORUM}"
        )));
    }
    if let Some(deadline) = input.deadline {
        if deadline <= now {
            return Err(DomainError::Invalid(
                "`deadline` must be in the future".into(),
            ));
        }
        if deadline > now + Duration::days(MAX_DEADLINE_DAYS) {
            return Err(DomainError::Invalid(format!(
                "`deadline` must be within {MAX_DEADLINE_DAYS} days"
            )));
        }
    }
    let record = NewVoteRecord {
        name: name(&input.name)?,
        url: url(input.url.as_deref())?,
        project: project(input.project.as_deref())?,
        owner,
        deck: input.deck,
        cards: deck.custom_labels(),
        quorum: input.quorum,
        deadline: input.deadline.map(truncate_to_millis),
        final_size: None,
    };
    Ok((record, deck))
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
            "`final_size` must be one of the vote's `cards`, other than `?`".into(),
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
