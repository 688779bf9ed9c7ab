//! The command line: `asyncvoter serve`, `token …` and `member …`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use asyncvoter_wire::Scope;
use ipnet::IpNet;

use crate::domain::reminders;
use crate::state::{LegacyApi, Visibility};

/// The version and the git revision built from, e.g. `0.1.0 (3f2a9c1d0b7e)`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("ASYNCVOTER_REVISION"),
    ")"
);

/// AsyncVoter: sealed, asynchronous estimation for distributed teams.
#[derive(Debug, Parser)]
#[command(name = "asyncvoter", version = VERSION)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API, the 2016 API and the dashboard.
    Serve(Box<ServeArgs>),
    /// Manage integration tokens.
    Token {
        /// What to do with tokens.
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a consistent copy of the live SQLite database to a new file, while the server
    /// keeps serving (PostgreSQL: use `pg_dump`).
    Backup {
        /// The new file.
        #[arg(long)]
        to: PathBuf,
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Put a backup in place of the SQLite database and migrate it; refused while a server
    /// runs on it. The database it replaces is kept beside it.
    Restore {
        /// The backup.
        #[arg(long)]
        from: PathBuf,
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Manage members.
    Member {
        /// What to do with members.
        #[command(subcommand)]
        command: MemberCommand,
    },
}

/// `asyncvoter member …`.
#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Add a member; the password is read from the first line of stdin.
    Add {
        /// Their username: 2–32 of `a-z 0-9 . _ -`.
        name: String,
        /// Make them an admin.
        #[arg(long)]
        admin: bool,
        /// The name to show (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List the members: username, display name, role, and `disabled` for those who
    /// cannot log in (never a password).
    List {
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Disable a member who left: their sessions end and they cannot log in; their
    /// ballots and votes stay theirs. The last active admin cannot be disabled.
    Disable {
        /// Their username.
        name: String,
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Let a disabled member log in again.
    Enable {
        /// Their username.
        name: String,
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// `asyncvoter token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for an integration and print it once.
    Create {
        /// A name for the integration, e.g. `slack-bot`.
        name: String,
        /// What it may do: `votes:write` (start votes, vote for external voters),
        /// `votes:manage` (reveal, re-open, close votes no member owns), `legacy` (the 2016
        /// API), `metrics` (read `/metrics`). Repeat the flag or separate with commas.
        #[arg(long = "scope", value_delimiter = ',', value_parser = parse_scope, default_value = "votes:write")]
        scopes: Vec<Scope>,
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List the integration tokens: name, scopes, created, last used (never the token).
    List {
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Revoke an integration's token: its next request is refused, on every instance.
    Revoke {
        /// The integration's name.
        name: String,
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

fn parse_scope(text: &str) -> Result<Scope, String> {
    Scope::parse(text.trim()).ok_or_else(|| {
        let known: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
        format!(
            "unknown scope `{text}`; the scopes are {}",
            known.join(", ")
        )
    })
}

/// Where the data lives.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (created if missing) or `postgres://USER:PASSWORD@HOST/DATABASE`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://asyncvoter.db")]
    pub database_url: String,
}

/// `asyncvoter serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ASYNCVOTER_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The trunk-built dashboard (`dist`), served on the same origin as the API.
    #[arg(long, env = "ASYNCVOTER_UI_DIR")]
    pub ui_dir: Option<PathBuf>,
    /// Fill an empty database with sample votes, so a newcomer sees a living dashboard.
    #[arg(long, env = "ASYNCVOTER_DEMO")]
    pub demo: bool,
    /// The 2016 API: `token` (integrations only), `open` (no token, as in 2016) or `off`.
    #[arg(long, env = "ASYNCVOTER_LEGACY_API", value_enum, default_value_t = LegacyApi::Token)]
    pub legacy_api: LegacyApi,
    /// Who may read votes: `public` (anyone) or `members` (a session or a token).
    #[arg(long, env = "ASYNCVOTER_VISIBILITY", value_enum, default_value_t = Visibility::Public)]
    pub visibility: Visibility,
    /// The address people use, e.g. `https://votes.example.com`; https makes cookies Secure.
    #[arg(long, env = "ASYNCVOTER_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Minutes without requests after which a login session ends.
    #[arg(long, env = "ASYNCVOTER_SESSION_IDLE_MINUTES", default_value_t = 480)]
    pub session_idle_minutes: u64,
    /// Proxies in front of the server (CIDRs, e.g. `10.0.0.0/8`): from them only, the
    /// client address is read from `X-Forwarded-For`.
    #[arg(
        long = "trusted-proxy",
        env = "ASYNCVOTER_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpNet>,
    /// Event streams open at once, from everyone (also kept under the open-files limit).
    #[arg(long, env = "ASYNCVOTER_MAX_EVENT_STREAMS", default_value_t = 10_000)]
    pub max_event_streams: usize,
    /// Event streams open at once from one client address.
    #[arg(
        long,
        env = "ASYNCVOTER_MAX_EVENT_STREAMS_PER_CLIENT",
        default_value_t = 100
    )]
    pub max_event_streams_per_client: usize,
    /// The mail server for reminders and results: `smtp://host:port`,
    /// `smtp://user:password@host:587?tls=required` or `smtps://user:password@host`.
    #[arg(long, env = "ASYNCVOTER_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of emails, e.g. `AsyncVoter <votes@example.com>`.
    #[arg(
        long,
        env = "ASYNCVOTER_MAIL_FROM",
        default_value = "AsyncVoter <asyncvoter@localhost>"
    )]
    pub mail_from: String,
    /// The Slack app's signing secret (Basic Information → App Credentials). With
    /// `--slack-bot-token` it turns on `/slack/commands`, `/slack/interactions` and
    /// `/slack/events`.
    #[arg(
        long,
        env = "ASYNCVOTER_SLACK_SIGNING_SECRET",
        hide_env_values = true,
        requires = "slack_bot_token"
    )]
    pub slack_signing_secret: Option<String>,
    /// The Slack app's bot token, `xoxb-…` (OAuth & Permissions).
    #[arg(
        long,
        env = "ASYNCVOTER_SLACK_BOT_TOKEN",
        hide_env_values = true,
        requires = "slack_signing_secret"
    )]
    pub slack_bot_token: Option<String>,
    /// Slack's Web API (tests point it at a local stand-in).
    #[arg(
        long,
        env = "ASYNCVOTER_SLACK_API_URL",
        default_value = "https://slack.com/api"
    )]
    pub slack_api_url: url::Url,
    /// Serve `/metrics` (Prometheus) without a token on this address of its own, e.g.
    /// `127.0.0.1:9464`. On the main address it needs a token with the `metrics` scope.
    #[arg(long, env = "ASYNCVOTER_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
    /// The OpenID Connect provider members log in through, e.g.
    /// `https://login.example.com/realms/team` (its discovery document is read from
    /// `/.well-known/openid-configuration` under it). Needs `--public-url`: the provider
    /// sends people back to `{public-url}/auth/oidc/callback`.
    #[arg(
        long,
        env = "ASYNCVOTER_OIDC_ISSUER",
        requires_all = ["oidc_client_id", "oidc_client_secret", "public_url"]
    )]
    pub oidc_issuer: Option<url::Url>,
    /// AsyncVoter's client id at the provider.
    #[arg(long, env = "ASYNCVOTER_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// AsyncVoter's client secret at the provider.
    #[arg(
        long,
        env = "ASYNCVOTER_OIDC_CLIENT_SECRET",
        hide_env_values = true,
        requires = "oidc_issuer"
    )]
    pub oidc_client_secret: Option<String>,
    /// `claim=value` in the ID token that makes a member an admin, checked at every
    /// login, e.g. `groups=estimation-admins` (the claim's name is also asked for as a
    /// scope).
    #[arg(long, env = "ASYNCVOTER_OIDC_ADMIN_CLAIM", requires = "oidc_issuer")]
    pub oidc_admin_claim: Option<String>,
    /// What the login page's button names, e.g. `Okta` (default: the issuer's host).
    #[arg(long, env = "ASYNCVOTER_OIDC_NAME", requires = "oidc_issuer")]
    pub oidc_name: Option<String>,
    /// Members log in through the provider only: passwords are refused.
    #[arg(long, env = "ASYNCVOTER_OIDC_ONLY", requires = "oidc_issuer")]
    pub oidc_only: bool,
    /// How long before a deadline expected voters who have not voted are reminded.
    #[arg(long, env = "ASYNCVOTER_REMIND_BEFORE", default_value = "12h,2h", value_parser = parse_leads)]
    pub remind_before: Leads,
    /// Webhooks and chat announcements may go to private addresses (loopback, private
    /// ranges, link-local): for receivers inside your network. Off, only public addresses.
    #[arg(long, env = "ASYNCVOTER_ALLOW_PRIVATE_WEBHOOKS")]
    pub allow_private_webhooks: bool,
}

/// Lead times before a deadline.
#[derive(Debug, Clone)]
pub struct Leads(pub Vec<chrono::Duration>);

fn parse_leads(text: &str) -> Result<Leads, String> {
    reminders::parse_leads(text).map(Leads)
}
