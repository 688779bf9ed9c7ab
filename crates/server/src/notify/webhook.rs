//! Webhook deliveries, signed the Standard Webhooks way: `webhook-id`, `webhook-timestamp`
//! and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.

use asyncvoter_wire::{EventKind, WebhookData, WebhookPayload};
use standardwebhooks::Webhook;

use super::{Failure, Worker, destinations, message};
use crate::domain::notices;
use crate::domain::records::DeliveryRecord;
use crate::store;

/// Posts one delivery to its webhook.
pub async fn deliver(worker: &Worker, delivery: &DeliveryRecord) -> Result<(), Failure> {
    let endpoint = worker.store.webhook(&delivery.target).await?;
    let body =
        serde_json::to_string(&payload(worker, delivery).await?).expect("a payload serializes");
    let id = format!("msg_{}", delivery.id);
    let timestamp = worker.clock.now().timestamp();
    let signature = Webhook::new(&endpoint.secret)
        .and_then(|signer| signer.sign(&id, timestamp, body.as_bytes()))
        .map_err(|e| Failure::Permanent(format!("the webhook's secret cannot sign: {e}")))?;
    destinations::post(worker, &endpoint.url, "the endpoint", |post| {
        post.header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
    })
    .await
}

/// What a delivery says: the change, the vote as lists show it, and a revealed round's
/// results when the change is a reveal or a close.
async fn payload(worker: &Worker, delivery: &DeliveryRecord) -> Result<WebhookPayload, Failure> {
    let Some(vote_id) = &delivery.vote_id else {
        return Ok(WebhookPayload {
            kind: notices::PING.into(),
            timestamp: delivery.created_at,
            data: WebhookData {
                event_id: None,
                vote_id: None,
                vote: None,
                round: None,
                voter: None,
                results: None,
            },
        });
    };
    let event_id = delivery.event_id.and_then(|id| u64::try_from(id).ok());
    // A vote deleted since is announced by its id alone (`vote_deleted` always is).
    let vote = message::vote_if_any(worker, vote_id).await?;
    let with_results = matches!(
        EventKind::parse(&delivery.topic),
        Some(EventKind::Revealed | EventKind::Closed | EventKind::FinalSizeChanged)
    );
    let results = vote
        .as_ref()
        .filter(|_| with_results)
        .and_then(|vote| message::revealed(vote, delivery.round).cloned());
    let names = store::names(worker.store.as_ref(), delivery.voter.as_deref()).await?;
    Ok(WebhookPayload {
        kind: delivery.topic.clone(),
        timestamp: delivery.created_at,
        data: WebhookData {
            event_id,
            vote_id: Some(vote_id.clone()),
            round: delivery.round,
            voter: delivery.voter.as_deref().map(|v| names.voter(v)),
            vote: vote.map(|v| v.vote),
            results,
        },
    })
}
