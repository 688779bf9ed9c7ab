//! Announcements to a project's chat channel through its incoming-webhook URL, as Slack,
//! Mattermost and Rocket.Chat accept them (`{"text": …}`): one when a vote starts, one
//! when it is revealed (the distribution and the link), one when it closes.

use asyncvoter_wire::EventKind;

use super::{Failure, Worker, destinations, message};
use crate::domain::records::DeliveryRecord;

/// Posts one announcement.
pub async fn deliver(worker: &Worker, delivery: &DeliveryRecord) -> Result<(), Failure> {
    let project = worker.store.project(&delivery.target).await?;
    let Some(url) = project.and_then(|p| p.chat_webhook_url) else {
        return Err(Failure::Permanent("the project no longer announces".into()));
    };
    let vote_id = delivery
        .vote_id
        .as_deref()
        .ok_or_else(|| Failure::Permanent("an announcement without a vote".into()))?;
    let vote = message::vote(worker, vote_id).await?;
    let link = message::link(worker, vote_id);
    let name = &vote.vote.name;
    let text = match EventKind::parse(&delivery.topic) {
        Some(EventKind::VoteCreated) => {
            format!("New vote: *{name}*. Cast your estimate, sealed until the reveal: {link}")
        }
        Some(EventKind::Revealed) => match message::revealed(&vote, delivery.round) {
            Some(round) => format!(
                "Revealed: *{name}*, {}. {link}",
                message::distribution(round)
            ),
            None => format!("Revealed: *{name}*. {link}"),
        },
        Some(EventKind::Closed) => match &vote.vote.final_size {
            Some(size) => format!("Closed: *{name}*, final size {size}. {link}"),
            None => format!("Closed: *{name}*. {link}"),
        },
        _ => {
            return Err(Failure::Permanent(format!(
                "nothing to announce for {}",
                delivery.topic
            )));
        }
    };
    destinations::post(worker, &url, "the chat", |post| {
        post.json(&serde_json::json!({ "text": text }))
    })
    .await
}
