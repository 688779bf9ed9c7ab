//! The notification worker: sends reminders when they fall due, and delivers what the
//! outbox holds (webhooks, chat announcements, emails) with retries, each once however
//! many instances run.

mod chat;
pub mod destinations;
mod email;
mod message;
mod slack;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::domain::notices::Retries;
use crate::domain::records::{Channel, DeliveryOutcome, DeliveryRecord};
use crate::domain::reminders;
use crate::store::{Store, StoreError};

pub use email::Mailer;

/// How long a claimed delivery is held before another worker may try it.
const LEASE: Span = Span::minutes(2);
/// Deliveries claimed at a time.
const BATCH: u32 = 16;
/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// How notifications are made and sent, from the server's settings.
#[derive(Clone)]
pub struct NotifySettings {
    /// How often the worker looks for reminders and deliveries.
    pub poll: Duration,
    /// How failed deliveries are retried.
    pub retries: Retries,
    /// How long before a deadline each reminder is sent.
    pub remind_before: Vec<Span>,
    /// Where emails are sent from, when mail is set up.
    pub mailer: Option<Arc<Mailer>>,
    /// The address links in messages start with, e.g. `https://votes.example.com`.
    pub link_base: String,
    /// Whether webhooks and chats may be sent to private addresses (see [`destinations`]).
    pub allow_private_webhooks: bool,
}

impl std::fmt::Debug for NotifySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifySettings")
            .field("poll", &self.poll)
            .field("remind_before", &self.remind_before)
            .field("mail", &self.mailer.is_some())
            .field("link_base", &self.link_base)
            .field("allow_private_webhooks", &self.allow_private_webhooks)
            .finish()
    }
}

impl Default for NotifySettings {
    fn default() -> NotifySettings {
        NotifySettings {
            poll: Duration::from_secs(1),
            retries: Retries::default(),
            remind_before: vec![Span::hours(12), Span::hours(2)],
            mailer: None,
            link_base: "http://127.0.0.1:8080".into(),
            allow_private_webhooks: false,
        }
    }
}

/// Everything the worker works with.
#[derive(Clone)]
pub struct Worker {
    pub store: Arc<dyn Store>,
    pub settings: NotifySettings,
    pub clock: Clock,
    pub http: reqwest::Client,
    /// The Slack app, when one is set up.
    pub slack: Option<Arc<crate::slack::Slack>>,
}

/// Runs the worker until `stop` turns true.
pub async fn run(worker: Worker, mut stop: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(worker.settings.poll);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.changed() => return,
        }
        if let Err(error) = worker.remind().await {
            tracing::warn!(%error, "reminders: the check failed; retrying");
        }
        if let Err(error) = worker.deliver_due().await {
            tracing::warn!(%error, "notifications: delivery failed; retrying");
        }
    }
}

impl Worker {
    /// Sends the reminders due now.
    async fn remind(&self) -> Result<(), StoreError> {
        let Some(longest) = self.settings.remind_before.iter().max().copied() else {
            return Ok(());
        };
        let now = self.clock.now();
        let due: Vec<_> = self
            .store
            .reminder_candidates(now, longest)
            .await?
            .iter()
            .flat_map(|candidate| {
                reminders::due(
                    candidate,
                    &self.settings.remind_before,
                    now,
                    self.slack.is_some(),
                )
            })
            .collect();
        if !due.is_empty() {
            let sent = self.store.send_reminders(&due, now).await?;
            // Reminders to voters nothing reaches are marked, not sent: nothing to say.
            if sent > 0 {
                tracing::info!(sent, "reminders sent");
            }
        }
        Ok(())
    }

    /// Delivers what is due, batch after batch, until nothing is.
    async fn deliver_due(&self) -> Result<(), StoreError> {
        loop {
            let now = self.clock.now();
            let claimed = self.store.claim_deliveries(now, now + LEASE, BATCH).await?;
            if claimed.is_empty() {
                return Ok(());
            }
            let attempts = claimed.into_iter().map(|delivery| self.attempt(delivery));
            for result in futures_util::future::join_all(attempts).await {
                result?;
            }
        }
    }

    /// One attempt at one delivery, and its outcome recorded.
    async fn attempt(&self, delivery: DeliveryRecord) -> Result<(), StoreError> {
        let sent = tokio::time::timeout(ATTEMPT_TIMEOUT, self.send(&delivery)).await;
        let now = self.clock.now();
        let outcome = match sent {
            Ok(Ok(())) => DeliveryOutcome::Delivered,
            Ok(Err(Failure::Permanent(error))) => DeliveryOutcome::GaveUp(error),
            Ok(Err(Failure::Store(error))) => return Err(error),
            Ok(Err(Failure::Transient(error))) => self.retry(&delivery, error, now),
            Ok(Err(Failure::RetryAfter(wait, error))) => {
                self.retry_after(&delivery, wait, error, now)
            }
            Err(_) => self.retry(&delivery, "no answer within 10 s".into(), now),
        };
        crate::telemetry::delivery(
            delivery.channel.as_str(),
            match outcome {
                DeliveryOutcome::Delivered => "delivered",
                DeliveryOutcome::Retry(..) => "retry",
                DeliveryOutcome::GaveUp(_) => "gave_up",
            },
        );
        if let DeliveryOutcome::GaveUp(error) | DeliveryOutcome::Retry(_, error) = &outcome {
            // Says what failed, never what a message said: cards stay out of logs.
            tracing::warn!(
                id = delivery.id,
                channel = delivery.channel.as_str(),
                attempts = delivery.attempts,
                %error,
                "notification not delivered"
            );
        }
        self.store.finish_delivery(delivery.id, outcome, now).await
    }

    fn retry(
        &self,
        delivery: &DeliveryRecord,
        error: String,
        now: chrono::DateTime<chrono::Utc>,
    ) -> DeliveryOutcome {
        match self
            .settings
            .retries
            .next(delivery.attempts, delivery.created_at, now)
        {
            Some(at) => DeliveryOutcome::Retry(at, error),
            None => DeliveryOutcome::GaveUp(format!("{error} (gave up after a day)")),
        }
    }

    /// Waits as long as the other end asked, within the day deliveries are tried for.
    fn retry_after(
        &self,
        delivery: &DeliveryRecord,
        wait: Duration,
        error: String,
        now: chrono::DateTime<chrono::Utc>,
    ) -> DeliveryOutcome {
        let give_up_at = delivery.created_at + self.settings.retries.give_up_after;
        let at = now + Span::from_std(wait).unwrap_or(Span::hours(1));
        if at >= give_up_at {
            DeliveryOutcome::GaveUp(format!("{error} (gave up after a day)"))
        } else {
            DeliveryOutcome::Retry(at, error)
        }
    }

    async fn send(&self, delivery: &DeliveryRecord) -> Result<(), Failure> {
        match delivery.channel {
            Channel::Webhook => webhook::deliver(self, delivery).await,
            Channel::Chat => chat::deliver(self, delivery).await,
            Channel::Email => email::deliver(self, delivery).await,
            Channel::Slack => slack::channel_message(self, delivery).await,
            Channel::SlackDm => slack::reminder(self, delivery).await,
        }
    }
}

/// Why an attempt failed.
#[derive(Debug)]
pub enum Failure {
    /// Worth trying again (a refusal, a timeout, a server error).
    Transient(String),
    /// Worth trying again, not before this long (the other end said so).
    RetryAfter(Duration, String),
    /// Never worth trying again (the endpoint or the address is gone).
    Permanent(String),
    /// The store failed; the worker tries the whole batch again later.
    Store(StoreError),
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        match error {
            StoreError::NotFound(what) => Failure::Permanent(format!("the {what} is gone")),
            other => Failure::Store(other),
        }
    }
}
