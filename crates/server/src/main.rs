//! `asyncvoter`: parse the command line, set up logging, open the store, serve.

use std::io::BufRead;

use anyhow::Context;
use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use asyncvoter_server::auth::{self, passwords};
use asyncvoter_server::cli::{Cli, Command, DatabaseArgs, MemberCommand, ServeArgs, TokenCommand};
use asyncvoter_server::store::MemberRecord;
use asyncvoter_server::{AppState, Settings, demo, rules, serve, store};
use asyncvoter_wire::Role;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve(args) => run_server(args).await,
        Command::Token {
            command: TokenCommand::Create { name, database },
        } => create_token(&name, &database).await,
        Command::Member {
            command:
                MemberCommand::Add {
                    name,
                    admin,
                    display_name,
                    database,
                },
        } => add_member(&name, admin, display_name.as_deref(), &database).await,
    }
}

async fn create_token(name: &str, database: &DatabaseArgs) -> anyhow::Result<()> {
    let store = store::open(&database.database_url).await?;
    let token = auth::new_token();
    store
        .create_integration(name, &auth::hash_token(&token), rules::now())
        .await
        .context("could not create the token")?;
    eprintln!("Created a token for `{name}`. It is shown once; keep it secret:");
    println!("{token}");
    Ok(())
}

async fn add_member(
    name: &str,
    admin: bool,
    display_name: Option<&str>,
    database: &DatabaseArgs,
) -> anyhow::Result<()> {
    let username = rules::username(name).map_err(|e| anyhow::anyhow!("{e}"))?;
    let display_name = rules::display_name(display_name.unwrap_or(&username))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!("Password for {username} (one line on stdin):");
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("reading the password from stdin")?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    passwords::check_strength(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = store::open(&database.database_url).await?;
    let record = MemberRecord {
        username: username.clone(),
        display_name,
        role: if admin { Role::Admin } else { Role::Member },
        password_hash: passwords::hash(password)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    store
        .create_member(&record, rules::now())
        .await
        .context("could not add the member")?;
    eprintln!("Added {} `{username}`.", record.role.as_str());
    Ok(())
}

async fn run_server(args: ServeArgs) -> anyhow::Result<()> {
    let store = store::open(&args.database.database_url).await?;
    if args.demo
        && let Some(login) = demo::seed_if_empty(store.as_ref()).await?
    {
        println!(
            "Sample votes added. Log in as `{}` with password `{}`.",
            login.username, login.password
        );
    }
    if let Some(dir) = &args.ui_dir {
        anyhow::ensure!(
            dir.join("index.html").is_file(),
            "{} has no index.html: build the dashboard first (trunk build --release)",
            dir.display()
        );
    }
    let settings = Settings {
        legacy_api: args.legacy_api,
        ui_dir: args.ui_dir,
        visibility: args.visibility,
        public_url: args.public_url.map(|u| u.to_string()),
        session_idle: std::time::Duration::from_secs(args.session_idle_minutes.max(1) * 60),
        ..Settings::default()
    };
    let state = AppState::new(store, settings)
        .await
        .context("cannot read the event log")?;
    let listener = TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    // On stdout, so scripts and people can pick up where to go.
    println!("AsyncVoter is running at http://{address}/");
    serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on ctrl-c or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
