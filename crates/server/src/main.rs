//! `asyncvoter`: parse the command line, set up logging, open the store, serve.

use anyhow::Context;
use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use asyncvoter_server::config::{Cli, Command, ServeArgs, TokenCommand};
use asyncvoter_server::{AppState, Settings, auth, demo, rules, serve, store};

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
        } => {
            let store = store::open(&database.database_url).await?;
            let token = auth::new_token();
            store
                .create_integration(&name, &auth::hash_token(&token), rules::now())
                .await
                .context("could not create the token")?;
            eprintln!("Created a token for `{name}`. It is shown once; keep it secret:");
            println!("{token}");
            Ok(())
        }
    }
}

async fn run_server(args: ServeArgs) -> anyhow::Result<()> {
    let store = store::open(&args.database.database_url).await?;
    if args.demo && demo::seed_if_empty(store.as_ref()).await? {
        tracing::info!("the database was empty: added sample votes");
    }
    if let Some(dir) = &args.ui_dir {
        anyhow::ensure!(
            dir.join("index.html").is_file(),
            "{} has no index.html: build the dashboard first (trunk build --release)",
            dir.display()
        );
    }
    let state = AppState {
        store,
        settings: std::sync::Arc::new(Settings {
            legacy_api: args.legacy_api,
            ui_dir: args.ui_dir,
            ..Settings::default()
        }),
    };
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
