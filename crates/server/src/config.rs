//! The command line: `asyncvoter serve`, `asyncvoter token create`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// AsyncVoter: sealed, asynchronous estimation for distributed teams.
#[derive(Debug, Parser)]
#[command(name = "asyncvoter", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API, the 2016 API and the dashboard.
    Serve(ServeArgs),
    /// Manage integration tokens.
    Token {
        /// What to do with tokens.
        #[command(subcommand)]
        command: TokenCommand,
    },
}

/// `asyncvoter token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for an integration and print it once.
    Create {
        /// A name for the integration, e.g. `slack-bot`.
        name: String,
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Where the data lives.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (created if missing).
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
