//! What `/voter` was asked: `help`, `list`, or a vote to start from
//! `Story name https://ticket [deck] [in 48h] [@ana @ben]`, as Slack sends the text with
//! links and mentions escaped (`<https://…>`, `<@U123|ana>`).

use asyncvoter_wire::DeckKind;
use chrono::Duration;

/// A `/voter` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Explain the command.
    Help,
    /// The channel's open votes.
    List,
    /// Start a vote.
    Start(Start),
}

/// A vote to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    pub name: String,
    pub url: Option<String>,
    pub deck: DeckKind,
    /// From now.
    pub deadline_in: Option<Duration>,
    /// Slack user ids mentioned.
    pub mentions: Vec<String>,
}

/// Reads the text after `/voter`; an error says what was not understood.
pub fn parse(text: &str) -> Result<Request, String> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    match tokens.as_slice() {
        [] | ["help"] => return Ok(Request::Help),
        ["list"] => return Ok(Request::List),
        _ => {}
    }
    let url_at = tokens.iter().position(|t| link(t).is_some());
    let (name, options) = match url_at {
        Some(at) => (&tokens[..at], &tokens[at + 1..]),
        None => {
            let start = options_start(&tokens);
            (&tokens[..start], &tokens[start..])
        }
    };
    let name = name.join(" ");
    if name.is_empty() {
        return Err(
            "start with the story's name, e.g. `/voter Checkout page https://ticket`".into(),
        );
    }
    let mut start = Start {
        name,
        url: url_at.and_then(|at| link(tokens[at])),
        deck: DeckKind::Fibonacci,
        deadline_in: None,
        mentions: Vec::new(),
    };
    let mut rest = options.iter();
    while let Some(token) = rest.next() {
        if let Some(user) = mention(token) {
            start.mentions.push(user);
        } else if let Some(deck) = deck(token) {
            start.deck = deck;
        } else if *token == "in" {
            let span = rest.next().copied().unwrap_or_default();
            start.deadline_in = Some(duration(span).ok_or_else(|| {
                format!("`in {span}` is not a deadline such as `in 48h`, `in 90m` or `in 2d`")
            })?);
        } else {
            return Err(format!(
                "I did not understand `{token}`: after the link come a deck, `in 48h` and @people"
            ));
        }
    }
    Ok(Request::Start(start))
}

/// Where trailing options begin in a text without a link.
fn options_start(tokens: &[&str]) -> usize {
    let mut start = tokens.len();
    while start > 1 {
        let token = tokens[start - 1];
        if mention(token).is_some() || deck(token).is_some() {
            start -= 1;
        } else if start > 2 && tokens[start - 2] == "in" && duration(token).is_some() {
            start -= 2;
        } else {
            break;
        }
    }
    start
}

/// The URL of `<https://…>`, `<https://…|label>` or a bare `https://…`.
fn link(token: &str) -> Option<String> {
    let inner = token
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .map_or(token, |t| t.split('|').next().unwrap_or(t));
    (inner.starts_with("https://") || inner.starts_with("http://"))
        .then(|| inner.replace("&amp;", "&"))
}

/// The user id of `<@U123>` or `<@U123|name>`.
fn mention(token: &str) -> Option<String> {
    let inner = token.strip_prefix("<@")?.strip_suffix('>')?;
    let id = inner.split('|').next()?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric())).then(|| id.to_owned())
}

fn deck(token: &str) -> Option<DeckKind> {
    match token.to_ascii_lowercase().as_str() {
        "fibonacci" => Some(DeckKind::Fibonacci),
        "tshirt" | "t-shirt" => Some(DeckKind::Tshirt),
        "agileventures" | "2016" => Some(DeckKind::Agileventures),
        _ => None,
    }
}

/// `48h`, `90m`, `2d`.
fn duration(text: &str) -> Option<Duration> {
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = number.parse().ok().filter(|n| *n > 0 && *n <= 10_000)?;
    match unit {
        "m" | "min" => Some(Duration::minutes(n)),
        "h" => Some(Duration::hours(n)),
        "d" => Some(Duration::days(n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(text: &str) -> Start {
        match parse(text) {
            Ok(Request::Start(start)) => start,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn a_story_with_link_deck_deadline_and_people() {
        let got =
            start("Checkout page <https://t.example/1?a=1&amp;b=2> tshirt in 48h <@U1|ana> <@U2>");
        assert_eq!(got.name, "Checkout page");
        assert_eq!(got.url.as_deref(), Some("https://t.example/1?a=1&b=2"));
        assert_eq!(got.deck, DeckKind::Tshirt);
        assert_eq!(got.deadline_in, Some(Duration::hours(48)));
        assert_eq!(got.mentions, ["U1", "U2"]);
    }

    #[test]
    fn only_the_name_is_needed_and_words_inside_it_stay_in_it() {
        let got = start("Cut hours in half");
        assert_eq!(got.name, "Cut hours in half");
        assert_eq!(
            (got.url, got.deck, got.deadline_in),
            (None, DeckKind::Fibonacci, None)
        );
        let got = start("Cut hours tshirt in 2d <@U3>");
        assert_eq!(got.name, "Cut hours");
        assert_eq!(got.deadline_in, Some(Duration::days(2)));
    }

    #[test]
    fn help_list_and_what_is_not_understood() {
        assert_eq!(parse(""), Ok(Request::Help));
        assert_eq!(parse(" help "), Ok(Request::Help));
        assert_eq!(parse("list"), Ok(Request::List));
        assert!(
            parse("<https://t.example/1>")
                .unwrap_err()
                .contains("story's name")
        );
        assert!(
            parse("Story https://t.example/1 soon")
                .unwrap_err()
                .contains("`soon`")
        );
        assert!(
            parse("Story https://t.example/1 in ages")
                .unwrap_err()
                .contains("in ages")
        );
    }
}
