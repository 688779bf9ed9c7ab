//! Slack deliveries: the one channel message of a vote started there, posted once and
//! then edited in place (`chat.update`), never a message per ballot; and reminders as
//! direct messages with the cards to vote right there. Both are drawn when sent, from the
//! vote as it then stands and as anyone may see it.

use super::{Failure, Worker, message};
use crate::domain::records::DeliveryRecord;
use crate::slack::api::ApiFailure;
use crate::slack::{Slack, blocks};

fn slack(worker: &Worker) -> Result<&Slack, Failure> {
    worker
        .slack
        .as_deref()
        .ok_or_else(|| Failure::Permanent("Slack is not set up any more".into()))
}

impl From<ApiFailure> for Failure {
    fn from(failure: ApiFailure) -> Failure {
        match failure {
            ApiFailure::RateLimited(wait) => Failure::RetryAfter(wait, failure.to_string()),
            permanent if permanent.is_permanent() => Failure::Permanent(permanent.to_string()),
            transient => Failure::Transient(transient.to_string()),
        }
    }
}

fn vote_id(delivery: &DeliveryRecord) -> Result<&str, Failure> {
    delivery
        .vote_id
        .as_deref()
        .ok_or_else(|| Failure::Permanent("a Slack message without a vote".into()))
}

/// Posts or edits a vote's channel message.
pub async fn channel_message(worker: &Worker, delivery: &DeliveryRecord) -> Result<(), Failure> {
    let slack = slack(worker)?;
    let vote_id = vote_id(delivery)?;
    let Some(posted) = worker.store.slack_message(vote_id).await? else {
        return Err(Failure::Permanent("the vote has no Slack message".into()));
    };
    let vote = message::vote(worker, vote_id).await?;
    let content = blocks::vote_message(&vote, &message::link(worker, vote_id), worker.clock.now());
    let channel = &posted.place.channel;
    match posted.ts {
        Some(ts) => slack.api.update(channel, &ts, content).await?,
        None => {
            let ts = slack.api.post_message(channel, content).await?;
            worker.store.set_slack_ts(vote_id, &ts).await?;
        }
    }
    Ok(())
}

/// Sends a reminder as a direct message, unless the voter has voted since.
pub async fn reminder(worker: &Worker, delivery: &DeliveryRecord) -> Result<(), Failure> {
    let slack = slack(worker)?;
    let vote_id = vote_id(delivery)?;
    let vote = message::vote(worker, vote_id).await?;
    if !vote.vote.waiting_on.iter().any(|v| v.id == delivery.target) {
        return Ok(());
    }
    let users = match blocks::slack_user(&delivery.target) {
        Some((_, user)) => vec![user.to_owned()],
        None => worker
            .store
            .slack_users_of(&delivery.target)
            .await?
            .into_iter()
            .map(|(_, user)| user)
            .collect(),
    };
    let Some(user) = users.first() else {
        return Err(Failure::Permanent("no Slack user to remind".into()));
    };
    let dm = slack.api.open_dm(user).await?;
    let content = blocks::reminder(&vote, &message::link(worker, vote_id), worker.clock.now());
    slack.api.post_message(&dm, content).await?;
    Ok(())
}
