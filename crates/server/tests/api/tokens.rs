//! Integration tokens from the command line: created with scopes, listed without their
//! secret, revoked for the very next request.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::process::Command;

use crate::helpers::*;

const BINARY: &str = env!("CARGO_BIN_EXE_asyncvoter");

/// Runs `asyncvoter token ARGS --database-url URL`: its status, stdout and stderr.
async fn token_command(url: &str, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(BINARY)
        .arg("token")
        .args(args)
        .args(["--database-url", url])
        .output()
        .await
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn tokens_are_created_with_scopes_listed_without_secrets_and_revoked_at_once() {
    let app = spawn_app().await;
    let url = format!("sqlite://{}", app.db_path.display());

    let (ok, token, _) = token_command(&url, &["create", "slack-bot"]).await;
    assert!(ok);
    let token = token.trim().to_owned();
    let (ok, manager, _) = token_command(
        &url,
        &[
            "create",
            "reveal-bot",
            "--scope",
            "votes:write,votes:manage",
        ],
    )
    .await;
    assert!(ok);
    let manager = manager.trim().to_owned();
    let (ok, _, error) = token_command(&url, &["create", "typo", "--scope", "votes:admin"]).await;
    assert!(
        !ok && error.contains("votes:manage"),
        "names the scopes: {error}"
    );

    // The default scope writes but does not manage.
    let vote = app
        .send(
            As::Token(&token),
            Method::POST,
            "/api/votes",
            Some(json!({"name": "from slack", "deck": "fibonacci"})),
        )
        .await;
    assert_eq!(vote.status, StatusCode::CREATED, "{}", vote.body);
    let id = vote.json()["vote"]["id"].as_str().unwrap().to_owned();
    let reveal = format!("/api/votes/{id}/reveal");
    let refused = app
        .send(As::Token(&token), Method::POST, &reveal, None)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("votes:manage"), "{}", refused.body);
    let revealed = app
        .send(As::Token(&manager), Method::POST, &reveal, None)
        .await;
    assert_eq!(revealed.status, StatusCode::OK, "{}", revealed.body);

    let (ok, listed, _) = token_command(&url, &["list"]).await;
    assert!(ok);
    let line = |name: &str| {
        listed
            .lines()
            .find(|l| l.starts_with(&format!("{name}\t")))
            .unwrap_or_else(|| panic!("{name} listed: {listed}"))
            .to_owned()
    };
    assert!(line("slack-bot").contains("\tvotes:write\t"), "{listed}");
    assert!(
        line("reveal-bot").contains("\tvotes:write,votes:manage\t"),
        "{listed}"
    );
    assert!(line("slack-bot").contains("last used"), "{listed}");
    assert!(
        !listed.contains(&token) && !listed.contains(&manager),
        "no secrets"
    );

    let (ok, _, _) = token_command(&url, &["revoke", "slack-bot"]).await;
    assert!(ok);
    let after = app
        .send(As::Token(&token), Method::GET, "/api/votes", None)
        .await;
    assert_eq!(
        (after.status, after.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let (ok, _, error) = token_command(&url, &["revoke", "slack-bot"]).await;
    assert!(!ok && error.contains("no integration named"), "{error}");
}
