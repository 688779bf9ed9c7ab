//! `/api/webhooks`: endpoints admins register to receive changes, their delivery logs, a
//! test delivery; `/api/notifications`: everything sent and what failed.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use asyncvoter_wire::{CreatedWebhook, Delivery, ErrorBody, EventKind, NewWebhook, Webhook};

use crate::AppState;
use crate::auth::Caller;
use crate::domain::records::{Channel, DeliveryRecord, WebhookRecord};
use crate::domain::{DomainError, rules};
use crate::http::error::ApiResult;
use crate::http::extract::{Json, Path, Query};
use crate::notify::destinations;
use crate::store::DeliveryQuery;

/// Most deliveries a log lists.
const LOG: u32 = 100;
/// Most webhooks a server keeps.
const MAX_WEBHOOKS: u32 = 50;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(delete_webhook))
        .routes(routes!(webhook_deliveries))
        .routes(routes!(test_webhook))
        .routes(routes!(notifications))
}

fn webhook(record: WebhookRecord) -> Webhook {
    Webhook {
        id: record.id,
        url: record.url,
        events: record.topics,
        project: record.project,
        created_at: record.created_at,
        delivered: record.delivered,
        failed: record.failed,
    }
}

fn delivery(record: DeliveryRecord) -> Delivery {
    let status = match (record.delivered_at, record.gave_up_at) {
        (Some(_), _) => "delivered",
        (None, Some(_)) => "failed",
        (None, None) => "pending",
    };
    Delivery {
        id: u64::try_from(record.id).unwrap_or_default(),
        channel: record.channel.as_str().to_owned(),
        target: record.target,
        topic: record.topic,
        vote_id: record.vote_id,
        status: status.to_owned(),
        attempts: record.attempts,
        created_at: record.created_at,
        delivered_at: record.delivered_at,
        next_attempt_at: (status == "pending").then_some(record.next_attempt_at),
        last_error: record.last_error,
    }
}

/// Every webhook, with how many deliveries it got and how many failed for good.
///
/// Admins only. Secrets are never shown again after registration.
#[utoipa::path(
    get, path = "/api/webhooks", tag = "notifications",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The webhooks, oldest first", body = Vec<Webhook>),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<Webhook>>> {
    caller.require_admin()?;
    Ok(Json(
        state
            .store
            .webhooks()
            .await?
            .into_iter()
            .map(webhook)
            .collect(),
    ))
}

/// Registers a webhook; its signing secret is in this answer and never again.
///
/// Admins only, at most 50. `events` lists event kinds or `["*"]`; `project` limits it to
/// one project's votes. Deliveries are signed the Standard Webhooks way with the returned
/// `whsec_` secret and retried with backoff for a day.
#[utoipa::path(
    post, path = "/api/webhooks", tag = "notifications", request_body(content = NewWebhook, example = json!({"url": "https://hooks.example.com/asyncvoter", "events": ["revealed", "closed"], "project": "payments"})),
    security(("session_cookie" = [])),
    responses(
        (status = 201, description = "Registered; keep the secret", body = CreatedWebhook),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "As many webhooks as a server keeps", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not marked as JSON", body = ErrorBody),
        (status = 422, description = "A bad URL, event kind or project, or a URL on a private network (see `--allow-private-webhooks`)", body = ErrorBody),
    )
)]
async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<NewWebhook>,
) -> ApiResult<impl IntoResponse> {
    let admin = caller.require_admin()?;
    let url = rules::url(Some(&input.url))?
        .ok_or_else(|| DomainError::Invalid("`url` is required".into()))?;
    destinations::check(&url, state.settings.notify.allow_private_webhooks)?;
    let topics = topics(input.events.unwrap_or_else(|| vec!["*".into()]))?;
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>())
    );
    let record = WebhookRecord {
        id: format!("wh_{}", hex::encode(rand::random::<[u8; 8]>())),
        url,
        topics,
        project: rules::project(input.project.as_deref())?,
        secret: secret.clone(),
        created_at: rules::now(),
        created_by: Some(admin.username.clone()),
        delivered: 0,
        failed: 0,
    };
    if !state.store.create_webhook(&record, MAX_WEBHOOKS).await? {
        return Err(DomainError::Conflict(format!(
            "a server keeps at most {MAX_WEBHOOKS} webhooks: remove one first"
        ))
        .into());
    }
    let location = format!("/api/webhooks/{}", record.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(CreatedWebhook {
            webhook: webhook(record),
            secret,
        }),
    ))
}

/// Event kinds a webhook receives: known kinds, each once, or everything.
fn topics(events: Vec<String>) -> Result<Vec<String>, DomainError> {
    if events.iter().any(|e| e == "*") || events.is_empty() {
        return Ok(vec!["*".into()]);
    }
    let mut topics: Vec<String> = Vec::new();
    for event in events {
        let Some(kind) = EventKind::parse(event.trim()) else {
            let known: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
            return Err(DomainError::Invalid(format!(
                "`events` takes `*` or event kinds: {}",
                known.join(", ")
            )));
        };
        if !topics.iter().any(|t| t == kind.as_str()) {
            topics.push(kind.as_str().to_owned());
        }
    }
    Ok(topics)
}

/// Removes a webhook; what was not yet delivered to it is dropped.
///
/// Admins only. It receives nothing from this moment.
#[utoipa::path(
    delete, path = "/api/webhooks/{id}", tag = "notifications",
    params(("id" = String, Path, description = "The webhook's id")),
    security(("session_cookie" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such webhook", body = ErrorBody),
    )
)]
async fn delete_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    state.store.delete_webhook(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook's latest deliveries, newest first.
///
/// Admins only: each delivery's event, attempts, status and last error, to see why an
/// endpoint fails.
#[utoipa::path(
    get, path = "/api/webhooks/{id}/deliveries", tag = "notifications",
    params(("id" = String, Path, description = "The webhook's id")),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "Its latest 100 deliveries", body = Vec<Delivery>),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such webhook", body = ErrorBody),
    )
)]
async fn webhook_deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Delivery>>> {
    caller.require_admin()?;
    state.store.webhook(&id).await?;
    let query = DeliveryQuery {
        channel: Some(Channel::Webhook),
        target: Some(id),
        failed_only: false,
        limit: LOG,
    };
    let log = state.store.deliveries(&query).await?;
    Ok(Json(log.into_iter().map(delivery).collect()))
}

/// Sends a `ping` to a webhook, to try it.
///
/// Admins only: a signed `ping` goes through the outbox like any delivery and shows in its
/// log.
#[utoipa::path(
    post, path = "/api/webhooks/{id}/test", tag = "notifications",
    params(("id" = String, Path, description = "The webhook's id")),
    security(("session_cookie" = [])),
    responses(
        (status = 202, description = "A ping is on its way; its delivery shows in the log"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such webhook", body = ErrorBody),
    )
)]
async fn test_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    state.store.webhook(&id).await?;
    state.store.enqueue_ping(&id, rules::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Query of `GET /api/notifications`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationParams {
    /// Only those whose last attempt failed or that were given up on.
    failed: Option<bool>,
}

/// What was sent (webhooks, chat, email), newest first, with every failure's last error.
///
/// Admins only: webhooks, chat announcements, emails and Slack messages, with `failed=true`
/// for the ones that failed or were given up on. Never a card or reason of an unrevealed
/// round.
#[utoipa::path(
    get, path = "/api/notifications", tag = "notifications", params(NotificationParams),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The latest 100 notifications", body = Vec<Delivery>),
        (status = 400, description = "A bad filter", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
async fn notifications(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<NotificationParams>,
) -> ApiResult<Json<Vec<Delivery>>> {
    caller.require_admin()?;
    let query = DeliveryQuery {
        failed_only: params.failed.unwrap_or(false),
        limit: LOG,
        ..DeliveryQuery::default()
    };
    let log = state.store.deliveries(&query).await?;
    Ok(Json(log.into_iter().map(delivery).collect()))
}
