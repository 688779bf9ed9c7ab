//! What the server shares between requests: the store, the operator's settings and the
//! event hub.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::ValueEnum;
use ipnet::IpNet;

use crate::auth::first_run::FirstRun;
use crate::auth::login_limit::InFlight;
use crate::auth::passwords::Hasher;
use crate::clock::Clock;
use crate::events;
use crate::notify::NotifySettings;
use crate::read_cache::{Compressible, LISTS_KEPT, ReadCache, VOTES_KEPT, VoteRead};
use crate::slack::Slack;
use crate::store::{self, Store};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The operator's choices.
    pub settings: Arc<Settings>,
    /// Fans the event log out to `/api/events` streams.
    pub events: Arc<events::Hub>,
    /// Hashes passwords a few at a time, so logins cannot exhaust memory.
    pub hasher: Arc<Hasher>,
    /// Accounts whose password is being checked now: one check per account at a time.
    pub checking: Arc<InFlight>,
    /// The one-time link that makes the first admin, while nobody is a member.
    pub first_run: Arc<FirstRun>,
    /// List answers kept while nothing they show has changed.
    pub reads: Arc<ReadCache<Compressible>>,
    /// Votes their pages read, kept while nothing in them has changed.
    pub votes: Arc<ReadCache<VoteRead>>,
}

impl AppState {
    /// The state over `store`, with the event hub started.
    pub async fn new(
        store: Arc<dyn Store>,
        settings: Settings,
    ) -> Result<AppState, store::StoreError> {
        let events = events::Hub::start(store.clone(), settings.events).await?;
        Ok(AppState {
            store,
            settings: Arc::new(settings),
            events,
            hasher: Arc::new(Hasher::per_core()),
            checking: Arc::default(),
            first_run: Arc::default(),
            reads: Arc::new(ReadCache::new(LISTS_KEPT)),
            votes: Arc::new(ReadCache::new(VOTES_KEPT)),
        })
    }

    /// On a server nobody is a member of yet, opens the one-time setup link and returns
    /// its path (`/setup?token=…`); `None` once someone is.
    pub async fn open_setup_if_empty(&self) -> Result<Option<String>, store::StoreError> {
        if !self.store.members().await?.is_empty() {
            return Ok(None);
        }
        let token = self.first_run.open(self.settings.clock.now());
        Ok(Some(format!("/setup?token={token}")))
    }
}

/// The operator's choices that shape request handling.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether and how the 2016 API is served.
    pub legacy_api: LegacyApi,
    /// How often the deadline task looks for votes to reveal.
    pub deadline_check: Duration,
    /// The trunk-built dashboard to serve, if any.
    pub ui_dir: Option<PathBuf>,
    /// Who may read votes.
    pub visibility: Visibility,
    /// The address people reach the server at, e.g. `https://votes.example.com`.
    pub public_url: Option<String>,
    /// A session ends after this long without requests.
    pub session_idle: Duration,
    /// Event stream buffering, replay and caps.
    pub events: events::HubSettings,
    /// Proxies whose `X-Forwarded-For` names the client (login limits, stream caps).
    pub trusted_proxies: Vec<IpNet>,
    /// Reminders, retries and where messages are sent.
    pub notify: NotifySettings,
    /// The time deadlines, reminders and retries go by.
    pub clock: Clock,
    /// The Slack app, when one is set up: `/slack/…` routes, channel messages, DMs.
    pub slack: Option<Arc<Slack>>,
    /// An address of its own where `/metrics` is served without a token.
    pub metrics_bind: Option<std::net::SocketAddr>,
    /// The OpenID Connect provider members log in through, when one is set up.
    pub oidc: Option<Arc<crate::auth::oidc::Oidc>>,
}

impl Settings {
    /// True when people reach the server over https: cookies are then `Secure`.
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// `scheme://host[:port]` of the public URL.
    pub fn public_origin(&self) -> Option<String> {
        let url = url::Url::parse(self.public_url.as_deref()?).ok()?;
        Some(url.origin().ascii_serialization())
    }

    /// Refuses combinations that would open what another setting closes.
    pub fn check(&self) -> Result<(), String> {
        if self.visibility == Visibility::Members && self.legacy_api == LegacyApi::Open {
            return Err(
                "`--legacy-api open` lets anyone read and change every vote through \
                 the 2016 API, which `--visibility members` forbids: use `--legacy-api token` \
                 (integrations with the `legacy` scope) or `--legacy-api off`"
                    .into(),
            );
        }
        if self.oidc.is_some() && self.public_url.is_none() {
            return Err(
                "single sign-on needs `--public-url`: the provider sends people back to \
                 `{public-url}/auth/oidc/callback`"
                    .into(),
            );
        }
        Ok(())
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            legacy_api: LegacyApi::Token,
            deadline_check: Duration::from_millis(500),
            ui_dir: None,
            visibility: Visibility::Public,
            public_url: None,
            session_idle: Duration::from_secs(8 * 3600),
            events: events::HubSettings::default(),
            trusted_proxies: Vec::new(),
            notify: NotifySettings::default(),
            clock: Clock::system(),
            slack: None,
            metrics_bind: None,
            oidc: None,
        }
    }
}

/// Who may read votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Visibility {
    /// Anyone; ballots stay sealed until the reveal.
    Public,
    /// Members with a session and integrations with a token; the login page stays open.
    Members,
}

/// How the 2016 API is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LegacyApi {
    /// Only with an integration token.
    Token,
    /// Without a token, as the 2016 service was: for private networks.
    Open,
    /// Not at all.
    Off,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_members_only_server_cannot_open_the_2016_api_to_everyone() {
        let open = |visibility| Settings {
            visibility,
            legacy_api: LegacyApi::Open,
            ..Settings::default()
        };
        assert!(open(Visibility::Public).check().is_ok());
        assert!(open(Visibility::Members).check().is_err());
        for legacy_api in [LegacyApi::Token, LegacyApi::Off] {
            let members = Settings {
                visibility: Visibility::Members,
                legacy_api,
                ..Settings::default()
            };
            assert!(members.check().is_ok(), "{legacy_api:?}");
        }
    }
}
