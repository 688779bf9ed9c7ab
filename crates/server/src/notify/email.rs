//! Emails to members who gave an address: reminders, results, and a word to a vote's
//! owner when everyone has voted. Plain text with a simple HTML twin, and a one-click
//! unsubscribe link (`List-Unsubscribe`, RFC 8058).

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{Failure, Worker, message};
use crate::domain::notices;
use crate::domain::records::DeliveryRecord;
use asyncvoter_wire::markup::escape;

/// Sends mail through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for `smtp://host:port` (plain), `smtp://…?tls=required` (STARTTLS) or
    /// `smtps://user:password@host` (TLS), sending as `from`.
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("the SMTP URL cannot be used: {e}"))?
            .timeout(Some(super::ATTEMPT_TIMEOUT))
            .build();
        let from = from
            .parse()
            .map_err(|e| format!("`{from}` is not a sender address: {e}"))?;
        Ok(Mailer { transport, from })
    }
}

/// What an email says.
struct Mail {
    subject: String,
    lines: Vec<String>,
    link: String,
    /// Why they get it, and how to stop it.
    why: &'static str,
}

/// Sends one email.
pub async fn deliver(worker: &Worker, delivery: &DeliveryRecord) -> Result<(), Failure> {
    let Some(mailer) = &worker.settings.mailer else {
        return Err(Failure::Permanent("mail is not set up (--smtp-url)".into()));
    };
    let member = worker
        .store
        .member(&delivery.target)
        .await?
        .ok_or_else(|| Failure::Permanent("the member is gone".into()))?;
    let settings = worker.store.member_settings(&delivery.target).await?;
    let Some(address) = settings.email else {
        return Err(Failure::Permanent(
            "the member has no email address any more".into(),
        ));
    };
    let wanted = match delivery.topic.as_str() {
        notices::REMINDER => settings.reminders,
        notices::RESULTS => settings.results,
        _ => settings.all_voted,
    };
    if !wanted {
        return Err(Failure::Permanent(
            "not sent: the member turned these emails off".into(),
        ));
    }
    let to: Mailbox = format!("{} <{address}>", member.display_name)
        .parse()
        .map_err(|e| Failure::Permanent(format!("the address cannot be used: {e}")))?;
    let mail = compose(worker, delivery, &member.display_name).await?;
    let token = worker.store.unsubscribe_token(&delivery.target).await?;
    let unsubscribe = format!(
        "{}/api/unsubscribe?token={token}&topic={}",
        worker.settings.link_base.trim_end_matches('/'),
        delivery.topic
    );
    let text = format!(
        "{}\n\n{}\n\n--\n{}\nStop these emails: {unsubscribe}\n",
        mail.lines.join("\n\n"),
        mail.link,
        mail.why
    );
    let html = format!(
        "<p>{}</p><p><a href=\"{link}\">{link}</a></p><hr><p><small>{} <a href=\"{unsubscribe}\">Stop these emails</a>.</small></p>",
        mail.lines
            .iter()
            .map(|l| escape(l))
            .collect::<Vec<_>>()
            .join("</p><p>"),
        escape(mail.why),
        link = escape(&mail.link),
        unsubscribe = escape(&unsubscribe),
    );
    let email = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(mail.subject)
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{unsubscribe}>"),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_owned(),
        ))
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| Failure::Permanent(format!("the email cannot be built: {e}")))?;
    mailer
        .transport
        .send(email)
        .await
        .map(drop)
        .map_err(|e| Failure::Transient(format!("the mail server refused: {e}")))
}

async fn compose(worker: &Worker, delivery: &DeliveryRecord, name: &str) -> Result<Mail, Failure> {
    let vote_id = delivery
        .vote_id
        .as_deref()
        .ok_or_else(|| Failure::Permanent("an email without a vote".into()))?;
    let vote = message::vote(worker, vote_id).await?;
    let link = message::link(worker, vote_id);
    let story = &vote.vote.name;
    Ok(match delivery.topic.as_str() {
        notices::REMINDER => {
            let when = vote.vote.deadline.map_or_else(
                || "soon".to_owned(),
                |at| format!("at {}", at.format("%Y-%m-%d %H:%M UTC")),
            );
            Mail {
                subject: format!("Waiting on you: {story}"),
                lines: vec![
                    format!("Hi {name},"),
                    format!(
                        "the vote on “{story}” reveals {when}, and it is waiting on your estimate."
                    ),
                ],
                link,
                why: "You get reminders for votes that expect you.",
            }
        }
        notices::ALL_VOTED => Mail {
            subject: format!("Everyone has voted: {story}"),
            lines: vec![
                format!("Hi {name},"),
                format!("everyone your vote on “{story}” waits on has voted."),
            ],
            link,
            why: "You get this for the votes you start.",
        },
        _ => {
            let result = message::revealed(&vote, delivery.round)
                .map_or_else(|| "It is revealed.".to_owned(), message::distribution);
            Mail {
                subject: format!("Revealed: {story}"),
                lines: vec![
                    format!("Hi {name},"),
                    format!("“{story}” is revealed: {result}."),
                ],
                link,
                why: "You get the results of votes you voted in or were expected in.",
            }
        }
    })
}
