//! `asyncvoter`: parse the command line, set up logging, open the store, serve.

use std::io::BufRead;

use anyhow::Context;
use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use asyncvoter_server::auth::oidc::Oidc;
use asyncvoter_server::auth::{self, passwords};
use asyncvoter_server::cli::{Cli, Command, DatabaseArgs, MemberCommand, ServeArgs, TokenCommand};
use std::sync::Arc;

use asyncvoter_server::events::HubSettings;
use asyncvoter_server::notify::{Mailer, NotifySettings};
use asyncvoter_server::slack::Slack;
use asyncvoter_server::store::{MemberChanges, MemberRecord, StoreError};
use asyncvoter_server::{AppState, Settings, demo, rules, serve, store};
use asyncvoter_wire::{Role, Scope};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    return_large_allocations_at_once();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve(args) => run_server(*args).await,
        Command::Token { command } => match command {
            TokenCommand::Create {
                name,
                scopes,
                database,
            } => create_token(&name, &scopes, &database).await,
            TokenCommand::List { database } => list_tokens(&database).await,
            TokenCommand::Revoke { name, database } => revoke_token(&name, &database).await,
        },
        Command::Backup { to, database } => {
            let bytes = store::backup::backup(&database.database_url, &to).await?;
            eprintln!("Backed up to {} ({bytes} bytes).", to.display());
            Ok(())
        }
        Command::Restore { from, database } => {
            let kept = store::backup::restore(&database.database_url, &from).await?;
            eprintln!("Restored from {}.", from.display());
            if let Some(kept) = kept {
                eprintln!("The database it replaced is kept at {}.", kept.display());
            }
            Ok(())
        }
        Command::Member { command } => match command {
            MemberCommand::Add {
                name,
                admin,
                display_name,
                database,
            } => add_member(&name, admin, display_name.as_deref(), &database).await,
            MemberCommand::List { database } => list_members(&database).await,
            MemberCommand::Disable { name, database } => set_disabled(&name, true, &database).await,
            MemberCommand::Enable { name, database } => set_disabled(&name, false, &database).await,
        },
    }
}

async fn create_token(name: &str, scopes: &[Scope], database: &DatabaseArgs) -> anyhow::Result<()> {
    let name = rules::integration_name(name)?;
    let store = store::open_existing(&database.database_url).await?;
    let token = auth::new_token();
    store
        .create_integration(
            &name,
            &auth::hash_token(&token),
            scopes,
            auth::MAX_TOKENS,
            rules::now(),
        )
        .await
        .context("could not create the token")?;
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    eprintln!(
        "Created a token for `{name}` ({}). It is shown once; keep it secret:",
        scopes.join(", ")
    );
    println!("{token}");
    Ok(())
}

async fn list_tokens(database: &DatabaseArgs) -> anyhow::Result<()> {
    let store = store::open_existing(&database.database_url).await?;
    let tokens = store.integrations().await?;
    if tokens.is_empty() {
        eprintln!("No integration tokens. `asyncvoter token create NAME` makes one.");
    }
    for token in tokens {
        let scopes: Vec<&str> = token.scopes.iter().map(|s| s.as_str()).collect();
        let used = token.last_used_at.map_or_else(
            || "never used".to_owned(),
            |at| format!("last used {}", at.to_rfc3339()),
        );
        println!(
            "{}\t{}\tcreated {}\t{used}",
            token.name,
            scopes.join(","),
            token.created_at.to_rfc3339()
        );
    }
    Ok(())
}

async fn revoke_token(name: &str, database: &DatabaseArgs) -> anyhow::Result<()> {
    let store = store::open_existing(&database.database_url).await?;
    match store.revoke_integration(name).await {
        Ok(()) => {
            eprintln!("Revoked the token of `{name}`: its next request is refused.");
            Ok(())
        }
        Err(store::StoreError::NotFound(_)) => {
            anyhow::bail!("there is no integration named `{name}` (`asyncvoter token list`)")
        }
        Err(error) => Err(error).context("could not revoke the token"),
    }
}

async fn list_members(database: &DatabaseArgs) -> anyhow::Result<()> {
    let store = store::open_existing(&database.database_url).await?;
    let members = store.members().await?;
    if members.is_empty() {
        eprintln!("No members yet. `asyncvoter member add NAME --admin` adds the first.");
    }
    for member in members {
        let status = if member.disabled { "\tdisabled" } else { "" };
        println!(
            "{}\t{}\t{}{status}",
            member.username,
            member.display_name,
            member.role.as_str()
        );
    }
    Ok(())
}

async fn set_disabled(name: &str, disabled: bool, database: &DatabaseArgs) -> anyhow::Result<()> {
    let store = store::open_existing(&database.database_url).await?;
    let changes = MemberChanges {
        disabled: Some(disabled),
        ..MemberChanges::default()
    };
    match store.update_member(name, &changes, rules::now()).await {
        Ok(_) if disabled => {
            eprintln!("Disabled `{name}`: their sessions ended and they cannot log in.");
            Ok(())
        }
        Ok(_) => {
            eprintln!("Enabled `{name}`: they can log in again.");
            Ok(())
        }
        Err(StoreError::NotFound(_)) => {
            anyhow::bail!("there is no member named `{name}` (`asyncvoter member list`)")
        }
        Err(StoreError::Conflict(why)) => anyhow::bail!("{why}"),
        Err(error) => Err(error).context("could not change the member"),
    }
}

async fn add_member(
    name: &str,
    admin: bool,
    display_name: Option<&str>,
    database: &DatabaseArgs,
) -> anyhow::Result<()> {
    let username = rules::username(name)?;
    let display_name = rules::display_name(display_name.unwrap_or(&username))?;
    // Before the password is asked for: a wrong database is said at once.
    let store = store::open_existing(&database.database_url).await?;
    eprintln!("Password for {username} (one line on stdin):");
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("reading the password from stdin")?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    passwords::check_strength(&password)?;
    let record = MemberRecord {
        username: username.clone(),
        display_name,
        role: if admin { Role::Admin } else { Role::Member },
        password_hash: passwords::hash(password).await?,
        email: None,
        disabled: false,
    };
    store
        .create_member(&record, rules::now())
        .await
        .context("could not add the member")?;
    eprintln!("Added {} `{username}`.", record.role.as_str());
    Ok(())
}

async fn run_server(args: ServeArgs) -> anyhow::Result<()> {
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
        public_url: args.public_url.as_ref().map(|u| u.to_string()),
        session_idle: std::time::Duration::from_secs(args.session_idle_minutes.max(1) * 60),
        trusted_proxies: args.trusted_proxies,
        events: HubSettings {
            max_streams: stream_cap(args.max_event_streams),
            max_streams_per_client: args.max_event_streams_per_client.max(1),
            ..HubSettings::default()
        },
        notify: NotifySettings {
            remind_before: args.remind_before.0,
            mailer: match &args.smtp_url {
                Some(url) => Some(Arc::new(
                    Mailer::new(url, &args.mail_from)
                        .map_err(|problem| anyhow::anyhow!("{problem}"))?,
                )),
                None => None,
            },
            link_base: args
                .public_url
                .as_ref()
                .map_or_else(|| format!("http://{}", args.bind), |u| u.to_string()),
            allow_private_webhooks: args.allow_private_webhooks,
            ..NotifySettings::default()
        },
        slack: match (&args.slack_signing_secret, &args.slack_bot_token) {
            (Some(secret), Some(token)) => Some(Arc::new(Slack::new(
                secret,
                token,
                args.slack_api_url.as_str(),
            ))),
            _ => None,
        },
        metrics_bind: args.metrics_bind,
        oidc: match (
            &args.oidc_issuer,
            &args.oidc_client_id,
            &args.oidc_client_secret,
        ) {
            (Some(issuer), Some(id), Some(secret)) => Some(Arc::new(
                Oidc::new(
                    issuer.as_str(),
                    id,
                    secret,
                    args.oidc_admin_claim.as_deref(),
                    args.oidc_only,
                    args.oidc_name.as_deref(),
                )
                .map_err(|e| anyhow::anyhow!(e))?,
            )),
            _ => None,
        },
        ..Settings::default()
    };
    settings
        .check()
        .map_err(|problem| anyhow::anyhow!("{problem}"))?;
    let _serving = store::backup::hold_while_serving(&args.database.database_url)?;
    let store = store::open(&args.database.database_url).await?;
    if args.demo
        && let Some(login) = demo::seed_if_empty(store.as_ref()).await?
    {
        say(&format!(
            "Sample votes added. Log in as `{}` with password `{}`.",
            login.username, login.password
        ));
    }
    let state = AppState::new(store, settings)
        .await
        .context("cannot read the event log")?;
    let listener = TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    let base = args
        .public_url
        .as_ref()
        .map_or_else(|| format!("http://{address}"), |u| u.to_string());
    let base = base.trim_end_matches('/');
    // On stdout, so scripts and people can pick up where to go.
    say(&format!("AsyncVoter is running at {base}/"));
    if let Some(path) = state.open_setup_if_empty().await? {
        let how = match state.settings.oidc.as_deref() {
            Some(oidc) if oidc.only => {
                format!(
                    "and log in with {}: that account becomes the first admin",
                    oidc.name
                )
            }
            _ => "to choose the first admin's name and password (or run `asyncvoter member \
                  add NAME --admin`)"
                .to_owned(),
        };
        say(&format!(
            "Nobody is a member yet. Within the hour, open {base}{path} {how}."
        ));
    }
    serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Prints a line for the operator on stdout; a closed stdout (a supervisor that stopped
/// reading) must not stop the server, as `println!` would by panicking.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Makes glibc serve allocations of 4 MiB and more by `mmap`, always, so each password
/// hash's 19 MiB goes back to the system when it is freed. Left to its default, glibc
/// raises that threshold after the first such free and keeps later ones in per-thread
/// arenas: measured, 10 hashes left the server at 185 MB for good, against 30 MB with
/// this (and a peak of 68 MB instead of 185 MB).
fn return_large_allocations_at_once() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called once at start, before any other thread allocates.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}

/// Raises the open-files limit as far as the system allows and returns the event-stream
/// cap under it: streams may hold at most half the descriptors, so the database, the
/// listener and a burst of connections being answered (or refused) keep the other half.
fn stream_cap(asked: usize) -> usize {
    let files = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let half = usize::try_from(files / 2).unwrap_or(usize::MAX);
    let cap = asked.min(half).max(1);
    tracing::info!(
        open_files = files,
        streams = cap,
        "event streams are capped"
    );
    cap
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
