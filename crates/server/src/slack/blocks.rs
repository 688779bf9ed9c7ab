//! What Slack shows, drawn from a vote as anyone may see it (`domain::views`), so the
//! sealing rules hold here too: who has voted by name, never a card before the reveal.
//! Every piece of user text is escaped, so a story name cannot ping a channel or forge a
//! link.

use asyncvoter_wire::{Round, VoteDetail, VoteState, VoteSummary, Voter};
use chrono::{DateTime, Utc};
use slack_morphism::prelude::*;

/// The action ids buttons and menus carry; each value starts with the vote's id.
pub mod action {
    /// Casts the card in the value (`VOTE_ID CARD`); one id per button, `cast-N`.
    pub const CAST: &str = "cast";
    /// Opens the modal for a card with a reason.
    pub const REASON: &str = "reason";
    /// Reveals the round.
    pub const REVEAL: &str = "reveal";
    /// Opens a new round.
    pub const NEW_ROUND: &str = "new_round";
    /// Closes with the size chosen in the menu (`VOTE_ID CARD`).
    pub const CLOSE: &str = "close";
    /// The modal's callback id.
    pub const REASON_MODAL: &str = "reason_modal";
}

/// Slack allows this many elements in one actions block.
const PER_ACTIONS_BLOCK: usize = 25;

/// Text made safe for Slack's mrkdwn: `&`, `<` and `>` escaped, as Slack asks.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The story as a link to its ticket (or in bold without one).
pub fn story(name: &str, url: Option<&str>) -> String {
    match url {
        Some(url) => format!("<{}|{}>", escape(url).replace('|', "%7C"), escape(name)),
        None => format!("*{}*", escape(name)),
    }
}

/// A voter as Slack shows them: a Slack user as a mention (Slack shows their name), a
/// member by display name.
pub fn voter(voter: &Voter) -> String {
    match slack_user(&voter.id) {
        Some((_, user)) => format!("<@{user}>"),
        None => escape(&voter.name),
    }
}

/// `(team, user)` of a `slack:TEAM:USER` voter id.
pub fn slack_user(id: &str) -> Option<(&str, &str)> {
    id.strip_prefix("slack:")?.split_once(':')
}

fn names(voters: &[Voter]) -> String {
    voters.iter().map(voter).collect::<Vec<_>>().join(", ")
}

/// A time Slack shows in each reader's own time zone, with a UTC fallback.
fn when(at: DateTime<Utc>) -> String {
    format!(
        "<!date^{}^{{date_short_pretty}} at {{time}}|{}>",
        at.timestamp(),
        at.format("%Y-%m-%d %H:%M UTC")
    )
}

fn remaining(deadline: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = deadline - now;
    if left.num_seconds() <= 0 {
        return format!("deadline passed ({})", when(deadline));
    }
    let span = match left.num_minutes() {
        m if m < 90 => format!("{} min", m.max(1)),
        m if m < 48 * 60 => format!("{} h", (m + 30) / 60),
        m => format!("{} days", (m + 720) / 1440),
    };
    format!("deadline in {span} ({})", when(deadline))
}

fn section(text: String) -> SlackBlock {
    SlackSectionBlock::new().with_text(md!(text)).into()
}

fn context(text: String) -> SlackBlock {
    SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(
        SlackBlockMarkDownText::new(text),
    )])
    .into()
}

fn button(action_id: &str, label: &str, value: String) -> SlackActionBlockElement {
    SlackBlockButtonElement::new(pt!(label.to_owned()))
        .with_action_id(action_id.into())
        .with_value(value)
        .into()
}

fn link_button(label: &str, url: &str) -> Option<SlackActionBlockElement> {
    let url = url::Url::parse(url).ok()?;
    Some(
        SlackBlockButtonElement::new(pt!(label.to_owned()))
            .with_action_id("open".into())
            .with_url(url)
            .into(),
    )
}

/// The deck's cards as buttons, 25 to a block.
fn card_buttons(vote: &VoteDetail) -> Vec<SlackBlock> {
    let buttons: Vec<SlackActionBlockElement> = vote
        .cards
        .iter()
        .enumerate()
        .map(|(n, card)| {
            button(
                &format!("{}-{n}", action::CAST),
                &card.label,
                format!("{} {}", vote.vote.id, card.label),
            )
        })
        .collect();
    buttons
        .chunks(PER_ACTIONS_BLOCK)
        .enumerate()
        .map(|(n, chunk)| {
            SlackActionsBlock::new(chunk.to_vec())
                .with_block_id(format!("cards-{n}").into())
                .into()
        })
        .collect()
}

/// The round a revealed or closed vote shows: its last revealed one.
fn last_revealed(vote: &VoteDetail) -> Option<&Round> {
    vote.rounds
        .iter()
        .rev()
        .find(|round| round.revealed_at.is_some())
}

/// A revealed round as a text chart, agreement and spread, and the reasons of the
/// lowest and highest voters.
pub fn results(round: &Round) -> String {
    let Some(statistics) = &round.statistics else {
        return "No ballots were cast.".into();
    };
    let mut rows: Vec<(String, u32)> = statistics
        .counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| (c.card.clone(), c.count))
        .collect();
    if statistics.no_opinion > 0 {
        rows.push(("?".into(), statistics.no_opinion));
    }
    let widest = rows.iter().map(|(card, _)| card.chars().count()).max();
    let most = rows.iter().map(|(_, count)| *count).max().unwrap_or(1);
    let cast = statistics.cast.max(1);
    let chart: Vec<String> = rows
        .iter()
        .map(|(card, count)| {
            let bar = "█".repeat((*count * 12).div_ceil(most) as usize);
            format!(
                "{card:<width$}  {bar} {count} ({:.0} %)",
                f64::from(*count) * 100.0 / f64::from(cast),
                width = widest.unwrap_or(1)
            )
        })
        .collect();
    let mut text = format!("```{}```", escape(&chart.join("\n")));
    let agreement = format!("{:.0} %", statistics.agreement * 100.0);
    let spread = match statistics.spread {
        1 => "1 card apart".to_owned(),
        n => format!("{n} cards apart"),
    };
    let modes = statistics.modes.join(", ");
    text.push_str(&format!(
        "\nMost chosen *{}* · agreement {agreement} · extremes {spread}",
        escape(&modes)
    ));
    if statistics.spread_flagged {
        text.push_str(" · worth a talk");
    }
    for (side, ids) in [("Low", &statistics.lowest), ("High", &statistics.highest)] {
        for ballot in round.ballots.iter().filter(|b| ids.contains(&b.voter.id)) {
            if let (Some(card), Some(reason)) = (&ballot.card, &ballot.reason) {
                text.push_str(&format!(
                    "\n{side} {}, {}: “{}”",
                    escape(card),
                    voter(&ballot.voter),
                    escape(reason)
                ));
            }
        }
    }
    text
}

/// The one channel message of a vote, as it stands at `now`.
pub fn vote_message(vote: &VoteDetail, link: &str, now: DateTime<Utc>) -> SlackMessageContent {
    let summary = &vote.vote;
    let title = story(&summary.name, summary.url.as_deref());
    let mut blocks = vec![section(match summary.state {
        VoteState::Open => format!("Estimate {title} · round {}", summary.round),
        VoteState::Revealed => format!("Revealed: {title} · round {}", summary.round),
        VoteState::Closed => format!(
            "Closed: {title} · final size *{}*",
            escape(summary.final_size.as_deref().unwrap_or("?"))
        ),
    })];
    let mut status = match summary.voters.len() {
        0 => "No votes yet".to_owned(),
        n => format!("Voted ({n}): {}", names(&summary.voters)),
    };
    if summary.state == VoteState::Open {
        if !summary.waiting_on.is_empty() {
            status.push_str(&format!(" · waiting on {}", names(&summary.waiting_on)));
        }
        if let Some(deadline) = summary.deadline {
            status.push_str(&format!(" · {}", remaining(deadline, now)));
        }
    }
    blocks.push(context(status));
    let mut actions = Vec::new();
    match summary.state {
        VoteState::Open => {
            blocks.extend(card_buttons(vote));
            actions.push(button(
                action::REASON,
                "Vote with a reason",
                summary.id.clone(),
            ));
            actions.push(button(action::REVEAL, "Reveal", summary.id.clone()));
        }
        VoteState::Revealed | VoteState::Closed => {
            if let Some(round) = last_revealed(vote) {
                blocks.push(section(results(round)));
            }
            if summary.state == VoteState::Revealed {
                actions.push(button(action::NEW_ROUND, "New round", summary.id.clone()));
                actions.push(close_menu(vote));
            }
        }
    }
    actions.extend(link_button("Open in AsyncVoter", link));
    blocks.push(
        SlackActionsBlock::new(actions)
            .with_block_id("manage".into())
            .into(),
    );
    SlackMessageContent::new()
        .with_text(format!("Estimate {}", escape(&summary.name)))
        .with_blocks(blocks)
}

/// The card the close menu starts on: the most chosen of the last revealed round, the
/// median when several tie.
fn suggested_size(vote: &VoteDetail) -> Option<String> {
    last_revealed(vote)?.statistics.as_ref()?.suggested_size()
}

fn close_menu(vote: &VoteDetail) -> SlackActionBlockElement {
    let option = |label: &str| {
        SlackBlockChoiceItem::new(
            SlackBlockPlainTextOnly::from(label.to_owned()),
            format!("{} {label}", vote.vote.id),
        )
    };
    let options: Vec<_> = vote.cards.iter().map(|c| option(&c.label)).collect();
    let mut menu = SlackBlockStaticSelectElement::new()
        .with_action_id(action::CLOSE.into())
        .with_placeholder(SlackBlockPlainTextOnly::from("Close with size…".to_owned()))
        .with_options(options);
    if let Some(size) = suggested_size(vote) {
        menu = menu.with_initial_option(option(&size));
    }
    menu.into()
}

/// The voter's own confirmation, shown to them alone; `link` offers to tie their Slack
/// user to their AsyncVoter account.
pub fn confirmation(
    vote: &VoteSummary,
    card: &str,
    reason: Option<&str>,
    link: Option<&str>,
) -> SlackMessageContent {
    let mut text = format!(
        "You voted *{}* on {}. Only you can see this; change it until the reveal.",
        escape(card),
        story(&vote.name, vote.url.as_deref())
    );
    if let Some(reason) = reason {
        text.push_str(&format!("\nYour reason: “{}”", escape(reason)));
    }
    let mut blocks = vec![section(text.clone())];
    if let Some(button) = link.and_then(|l| link_button("Link your AsyncVoter account", l)) {
        blocks.push(SlackActionsBlock::new(vec![button]).into());
    }
    SlackMessageContent::new()
        .with_text(text)
        .with_blocks(blocks)
}

/// A short answer to one user.
pub fn notice(text: &str) -> SlackMessageContent {
    SlackMessageContent::new().with_text(text.to_owned())
}

/// The modal for a card with a reason; `metadata` comes back with the submission.
pub fn reason_modal(vote: &VoteDetail, metadata: String) -> SlackView {
    let options: Vec<_> = vote
        .cards
        .iter()
        .map(|c| {
            SlackBlockChoiceItem::new(
                SlackBlockPlainTextOnly::from(c.label.clone()),
                c.label.clone(),
            )
        })
        .collect();
    let card = SlackInputBlock::new(
        SlackBlockPlainTextOnly::from("Your card".to_owned()),
        SlackBlockStaticSelectElement::new()
            .with_action_id("card".into())
            .with_options(options)
            .into(),
    )
    .with_block_id("card".into());
    let reason = SlackInputBlock::new(
        SlackBlockPlainTextOnly::from("Why (sealed until the reveal)".to_owned()),
        SlackBlockPlainTextInputElement::new()
            .with_action_id("reason".into())
            .with_multiline(true)
            .with_max_length(500)
            .into(),
    )
    .with_block_id("reason".into())
    .with_optional(true);
    let heading = section(story(&vote.vote.name, vote.vote.url.as_deref()));
    SlackView::Modal(
        SlackModalView::new(
            SlackBlockPlainTextOnly::from("Your estimate".to_owned()),
            vec![heading, card.into(), reason.into()],
        )
        .with_submit(SlackBlockPlainTextOnly::from("Vote".to_owned()))
        .with_close(SlackBlockPlainTextOnly::from("Cancel".to_owned()))
        .with_callback_id(action::REASON_MODAL.into())
        .with_private_metadata(metadata),
    )
}

/// A reminder in a direct message, with the cards to vote right there.
pub fn reminder(vote: &VoteDetail, link: &str, now: DateTime<Utc>) -> SlackMessageContent {
    let summary = &vote.vote;
    let mut text = format!(
        "Reminder: {} waits on your estimate",
        story(&summary.name, summary.url.as_deref())
    );
    if let Some(deadline) = summary.deadline {
        text.push_str(&format!(", {}", remaining(deadline, now)));
    }
    text.push('.');
    let mut blocks = vec![section(text)];
    blocks.extend(card_buttons(vote));
    let mut actions = vec![button(
        action::REASON,
        "Vote with a reason",
        summary.id.clone(),
    )];
    actions.extend(link_button("Open in AsyncVoter", link));
    blocks.push(SlackActionsBlock::new(actions).into());
    SlackMessageContent::new()
        .with_text(format!(
            "Reminder: {} waits on your estimate",
            escape(&summary.name)
        ))
        .with_blocks(blocks)
}

/// The App Home: what waits on the user, each with its cards.
pub fn home(waiting: &[(VoteDetail, String)], link: Option<&str>, now: DateTime<Utc>) -> SlackView {
    let mut blocks = vec![section(match waiting.len() {
        0 => "*Nothing waits on you.* New votes that name you show up here.".to_owned(),
        1 => "*1 vote waits on you*".to_owned(),
        n => format!("*{n} votes wait on you*"),
    })];
    for (vote, page) in waiting {
        let summary = &vote.vote;
        let mut line = story(&summary.name, summary.url.as_deref());
        if let Some(deadline) = summary.deadline {
            line.push_str(&format!(" · {}", remaining(deadline, now)));
        }
        if let Some(card) = &vote.my_card {
            line.push_str(&format!(" · you voted *{}*", escape(card)));
        }
        blocks.push(SlackDividerBlock::new().into());
        blocks.push(section(line));
        blocks.extend(card_buttons(vote));
        let mut actions = vec![button(
            action::REASON,
            "Vote with a reason",
            summary.id.clone(),
        )];
        actions.extend(link_button("Open in AsyncVoter", page));
        blocks.push(SlackActionsBlock::new(actions).into());
    }
    if let Some(button) = link.and_then(|l| link_button("Link your AsyncVoter account", l)) {
        blocks.push(SlackDividerBlock::new().into());
        blocks.push(section(
            "Link your Slack user to your AsyncVoter account, so your ballots here and in the browser are one.".into(),
        ));
        blocks.push(SlackActionsBlock::new(vec![button]).into());
    }
    SlackView::Home(SlackHomeView::new(blocks))
}

/// What `/voter help` says.
pub fn help() -> String {
    "*/voter* starts a sealed estimate in this channel:\n\
     • `/voter Story name https://ticket` — everyone votes with the buttons\n\
     • add a deck: `fibonacci` (default), `tshirt` or `agileventures`\n\
     • add a deadline: `in 48h`, `in 90m`, `in 2d`\n\
     • name who it waits on: `@ana @ben` (they get a reminder before the deadline)\n\
     • `/voter list` shows this channel's open votes\n\
     Cards stay sealed until the owner reveals them, everyone expected has voted, or the deadline passes."
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_ping_a_channel_or_forge_a_link() {
        assert_eq!(
            story("<!channel> & <https://evil|click>", None),
            "*&lt;!channel&gt; &amp; &lt;https://evil|click&gt;*"
        );
        assert_eq!(
            story("Fix", Some("https://t.example/1?a=1&b=<2>|x")),
            "<https://t.example/1?a=1&amp;b=&lt;2&gt;%7Cx|Fix>"
        );
        let external = Voter {
            id: "slack:T1:U9".into(),
            name: "slack:T1:U9".into(),
        };
        assert_eq!(voter(&external), "<@U9>");
        let member = Voter {
            id: "ana".into(),
            name: "Ana <@here>".into(),
        };
        assert_eq!(voter(&member), "Ana &lt;@here&gt;");
    }
}
