//! Slack's Web API, the few methods the server calls: JSON bodies with the bot token,
//! answers read as Slack documents them (`ok`, `error`), and `ratelimited` with its
//! `Retry-After` reported so the caller waits that long.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use slack_morphism::prelude::*;

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFailure {
    /// Slack asked to wait this long before calling the method again.
    RateLimited(Duration),
    /// Slack answered `ok: false` with this error, e.g. `channel_not_found`.
    Refused(String),
    /// No usable answer: a network error, a timeout, a server error.
    Unreachable(String),
}

impl ApiFailure {
    /// Whether trying again can help: not for a channel, user or message that is gone, nor
    /// for a token Slack no longer accepts.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            ApiFailure::Refused(error) if matches!(
                error.as_str(),
                "channel_not_found" | "not_in_channel" | "is_archived" | "message_not_found"
                    | "cant_update_message" | "user_not_found" | "users_not_found"
                    | "invalid_auth" | "not_authed" | "account_inactive" | "token_revoked"
                    | "missing_scope" | "invalid_blocks" | "msg_too_long"
            )
        )
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiFailure::RateLimited(wait) => {
                write!(
                    f,
                    "Slack is rate limiting; retry after {} s",
                    wait.as_secs()
                )
            }
            ApiFailure::Refused(error) => write!(f, "Slack refused: {error}"),
            ApiFailure::Unreachable(error) => write!(f, "Slack could not be reached: {error}"),
        }
    }
}

/// The Web API at `base` (`https://slack.com/api` unless tests point elsewhere).
#[derive(Clone)]
pub struct WebApi {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl WebApi {
    /// A client for the bot token `token`.
    pub fn new(base: &str, token: &str) -> WebApi {
        WebApi {
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .user_agent("AsyncVoter")
                .build()
                .expect("a TLS client builds"),
        }
    }

    /// The address the client calls.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Posts a message to a channel; its `ts`.
    pub async fn post_message(
        &self,
        channel: &str,
        content: SlackMessageContent,
    ) -> Result<String, ApiFailure> {
        let request =
            SlackApiChatPostMessageRequest::new(channel.into(), content).with_unfurl_links(false);
        let answer = self.post("chat.postMessage", &request).await?;
        answer["ts"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| ApiFailure::Unreachable("chat.postMessage answered no ts".into()))
    }

    /// Replaces a posted message.
    pub async fn update(
        &self,
        channel: &str,
        ts: &str,
        content: SlackMessageContent,
    ) -> Result<(), ApiFailure> {
        let request = SlackApiChatUpdateRequest::new(channel.into(), content, ts.into());
        self.post("chat.update", &request).await.map(drop)
    }

    /// Shows a message in a channel to one user only.
    pub async fn post_ephemeral(
        &self,
        channel: &str,
        user: &str,
        content: SlackMessageContent,
    ) -> Result<(), ApiFailure> {
        let request = SlackApiChatPostEphemeralRequest::new(channel.into(), user.into(), content);
        self.post("chat.postEphemeral", &request).await.map(drop)
    }

    /// The direct-message channel with a user.
    pub async fn open_dm(&self, user: &str) -> Result<String, ApiFailure> {
        // Slack takes `users` as one comma-separated string.
        let answer = self
            .post("conversations.open", &serde_json::json!({ "users": user }))
            .await?;
        answer["channel"]["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| ApiFailure::Unreachable("conversations.open answered no channel".into()))
    }

    /// Opens a modal for the interaction `trigger_id` came with.
    pub async fn open_view(&self, trigger_id: &str, view: SlackView) -> Result<(), ApiFailure> {
        let request = SlackApiViewsOpenRequest::new(trigger_id.into(), view);
        self.post("views.open", &request).await.map(drop)
    }

    /// Shows a user their App Home.
    pub async fn publish_home(&self, user: &str, view: SlackView) -> Result<(), ApiFailure> {
        let request = SlackApiViewsPublishRequest::new(user.into(), view);
        self.post("views.publish", &request).await.map(drop)
    }

    /// A user's email address, when Slack says they confirmed it.
    pub async fn confirmed_email(&self, user: &str) -> Result<Option<String>, ApiFailure> {
        let answer = self.get("users.info", &[("user", user)]).await?;
        let person = &answer["user"];
        let confirmed = person["is_email_confirmed"].as_bool() == Some(true)
            && person["deleted"].as_bool() != Some(true)
            && person["is_bot"].as_bool() != Some(true);
        Ok(confirmed
            .then(|| person["profile"]["email"].as_str().map(str::to_owned))
            .flatten())
    }

    async fn post(&self, method: &str, body: &impl Serialize) -> Result<Value, ApiFailure> {
        let request = self
            .http
            .post(format!("{}/{method}", self.base))
            .bearer_auth(&self.token)
            .json(body);
        answer(request.send().await).await
    }

    async fn get(&self, method: &str, query: &[(&str, &str)]) -> Result<Value, ApiFailure> {
        let request = self
            .http
            .get(format!("{}/{method}", self.base))
            .bearer_auth(&self.token)
            .query(query);
        answer(request.send().await).await
    }
}

/// Reads an answer as Slack documents it.
async fn answer(sent: Result<reqwest::Response, reqwest::Error>) -> Result<Value, ApiFailure> {
    let response = sent.map_err(|e| ApiFailure::Unreachable(e.without_url().to_string()))?;
    if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
        let wait = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(30);
        return Err(ApiFailure::RateLimited(Duration::from_secs(wait)));
    }
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .map_err(|_| ApiFailure::Unreachable(format!("Slack answered {status} without JSON")))?;
    if body["ok"].as_bool() == Some(true) {
        Ok(body)
    } else {
        let error = body["error"].as_str().unwrap_or("unknown_error");
        Err(ApiFailure::Refused(error.to_owned()))
    }
}
