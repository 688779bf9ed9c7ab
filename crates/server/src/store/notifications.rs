//! Webhooks, the notification outbox and its deliveries, reminders, and each member's
//! notification settings.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::records::{
    Channel, DeliveryOutcome, DeliveryRecord, MemberSettingsRecord, ReminderCandidate, ReminderDue,
    WebhookRecord,
};

/// Webhooks, the outbox, reminders and notification settings.
#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Registers a webhook unless `at_most` are registered already; true when it did.
    async fn create_webhook(
        &self,
        webhook: &WebhookRecord,
        at_most: u32,
    ) -> Result<bool, StoreError>;

    /// Every webhook, oldest first, with its delivery counts.
    async fn webhooks(&self) -> Result<Vec<WebhookRecord>, StoreError>;

    /// A webhook by id.
    async fn webhook(&self, id: &str) -> Result<WebhookRecord, StoreError>;

    /// Removes a webhook and what was still to be delivered to it.
    async fn delete_webhook(&self, id: &str) -> Result<(), StoreError>;

    /// Writes a test delivery to a webhook into the outbox; its id.
    async fn enqueue_ping(&self, webhook_id: &str, at: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Takes up to `limit` deliveries that are due, held by no other worker and first
    /// in line for their target and vote, and holds them until `lease_until` (counting
    /// the attempt). On PostgreSQL rows another instance holds are skipped
    /// (`FOR UPDATE SKIP LOCKED`): each delivery is made by one instance.
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;

    /// Records how an attempt went.
    async fn finish_delivery(
        &self,
        id: i64,
        outcome: DeliveryOutcome,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Deliveries, newest first.
    async fn deliveries(&self, query: &DeliveryQuery) -> Result<Vec<DeliveryRecord>, StoreError>;

    /// What a member wants to hear, and where. NotFound when there is no such member.
    async fn member_settings(&self, username: &str) -> Result<MemberSettingsRecord, StoreError>;

    /// Stores what a member wants to hear.
    async fn save_member_settings(
        &self,
        username: &str,
        settings: &MemberSettingsRecord,
    ) -> Result<(), StoreError>;

    /// The secret in a member's unsubscribe links, made on first use.
    async fn unsubscribe_token(&self, username: &str) -> Result<String, StoreError>;

    /// Stops the emails of `topic` (or all, for any other topic) for the member whose
    /// unsubscribe token this is; their username, or `None` for an unknown token.
    async fn unsubscribe(&self, token: &str, topic: &str) -> Result<Option<String>, StoreError>;

    /// Open votes with expected voters whose deadline falls after `now` and within
    /// `within`, with the voters of their current round and the reminders sent in it.
    async fn reminder_candidates(
        &self,
        now: DateTime<Utc>,
        within: chrono::Duration,
    ) -> Result<Vec<ReminderCandidate>, StoreError>;

    /// Marks each reminder's lead times sent and, for those not sent before, writes the
    /// email into the outbox and a `reminder_sent` event; how many were sent.
    async fn send_reminders(
        &self,
        due: &[ReminderDue],
        at: DateTime<Utc>,
    ) -> Result<u32, StoreError>;

    /// Per outbox channel: how many notifications wait to be delivered, and how many were
    /// given up on.
    async fn outbox_counts(&self) -> Result<Vec<(String, i64, i64)>, StoreError>;
}

/// Which deliveries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct DeliveryQuery {
    pub channel: Option<Channel>,
    pub target: Option<String>,
    /// Only those whose last attempt failed, or that were given up on.
    pub failed_only: bool,
    pub limit: u32,
}
