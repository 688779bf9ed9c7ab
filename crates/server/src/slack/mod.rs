//! Slack inside the server, as a library the HTTP routes (`http/routes/slack.rs`) and the
//! notification worker (`notify/slack.rs`) use: the Web API client, the messages Slack
//! shows, the `/voter` grammar, who a Slack user is, and the check of every request's
//! signature.

pub mod api;
pub mod blocks;
pub mod command;
pub mod identity;

use chrono::{DateTime, Duration, Utc};
use slack_morphism::prelude::SlackSigningSecret;
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;

use crate::store::{Store, StoreError};

/// A request older than this is refused, as Slack advises.
pub const FRESH_FOR: Duration = Duration::minutes(5);

/// The operator's Slack app: the secret Slack signs requests with and the bot's Web API.
pub struct Slack {
    verifier: SlackEventSignatureVerifier,
    /// The Web API, with the bot token.
    pub api: api::WebApi,
}

impl std::fmt::Debug for Slack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slack")
            .field("api", &self.api.base())
            .finish_non_exhaustive()
    }
}

/// Why a request was refused.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Unsigned, badly signed, or too old.
    #[error("{0}")]
    Unsigned(&'static str),
    /// Served before.
    #[error("this request was already served")]
    Replayed,
    /// The store could not note it.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Slack {
    /// The app with `signing_secret`, calling the Web API at `api_url` with `bot_token`.
    pub fn new(signing_secret: &str, bot_token: &str, api_url: &str) -> Slack {
        Slack {
            verifier: SlackEventSignatureVerifier::new(&SlackSigningSecret::new(
                signing_secret.to_owned(),
            )),
            api: api::WebApi::new(api_url, bot_token),
        }
    }

    /// Checks that Slack sent `body`: the `v0` HMAC-SHA256 signature of
    /// `v0:{timestamp}:{body}` (compared in constant time), at most five minutes old, and
    /// not served before on any instance.
    pub async fn verify(
        &self,
        store: &dyn Store,
        signature: Option<&str>,
        timestamp: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        let (Some(signature), Some(timestamp)) = (signature, timestamp) else {
            return Err(Refusal::Unsigned("the request is not signed by Slack"));
        };
        let body =
            std::str::from_utf8(body).map_err(|_| Refusal::Unsigned("the body is not text"))?;
        let sent = timestamp
            .parse::<i64>()
            .ok()
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .ok_or(Refusal::Unsigned("the request's timestamp is not a time"))?;
        if (now - sent).abs() > FRESH_FOR {
            return Err(Refusal::Unsigned(
                "the request is more than five minutes old",
            ));
        }
        self.verifier
            .verify(signature, body, timestamp)
            .map_err(|_| Refusal::Unsigned("the request's signature does not match"))?;
        if store
            .first_slack_request(signature, now, now - FRESH_FOR * 2)
            .await?
        {
            Ok(())
        } else {
            Err(Refusal::Replayed)
        }
    }
}
