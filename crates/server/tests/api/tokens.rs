//! Integration tokens from the command line and from `/api/tokens`: created with scopes,
//! listed without their secret, revoked for the very next request, capped.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::process::Command;

use asyncvoter_server::auth::MAX_TOKENS;
use asyncvoter_wire::Role;

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

#[tokio::test]
async fn an_admin_makes_a_token_sees_its_secret_once_and_revokes_it_through_the_api() {
    let app = spawn_app().await;
    let root = app.member("root", Role::Admin).await;
    let made = app
        .send(
            As::Member(&root),
            Method::POST,
            "/api/tokens",
            Some(json!({"name": " ci-bot ", "scopes": ["votes:write", "votes:write"]})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let made = made.json();
    let secret = made["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("av_"), "{secret}");
    assert_eq!(made["token"]["name"], "ci-bot");
    assert_eq!(made["token"]["scopes"], json!(["votes:write"]));
    assert_eq!(made["token"]["last_used_at"], json!(null));

    let started = app
        .send(
            As::Token(&secret),
            Method::POST,
            "/api/votes",
            Some(json!({"name": "From CI", "deck": "tshirt"})),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    let listed = app
        .send(As::Member(&root), Method::GET, "/api/tokens", None)
        .await;
    assert!(
        !listed.body.contains(&secret),
        "a listed token shows no secret"
    );
    let ci = listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "ci-bot")
        .cloned()
        .unwrap();
    assert!(ci["last_used_at"].is_string(), "its use is noted: {ci}");

    let revoked = app
        .send(
            As::Member(&root),
            Method::DELETE,
            "/api/tokens/ci-bot",
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.body);
    let refused = app
        .send(As::Token(&secret), Method::GET, "/api/votes", None)
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    let again = app
        .send(
            As::Member(&root),
            Method::DELETE,
            "/api/tokens/ci-bot",
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);
}

#[tokio::test]
async fn tokens_refuse_bad_names_and_scopes_and_stop_at_the_cap_under_parallel_requests() {
    let app = spawn_app().await;
    let root = app.member("root", Role::Admin).await;
    let make = |body: serde_json::Value| {
        app.send(As::Member(&root), Method::POST, "/api/tokens", Some(body))
    };
    for (body, status) in [
        (
            json!({"name": "", "scopes": ["metrics"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"name": "x".repeat(61), "scopes": ["metrics"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"name": "bot", "scopes": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"name": "bot", "scopes": ["admin"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!({"name": "bot"}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            json!({"name": 7, "scopes": ["metrics"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let reply = make(body.clone()).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
    }
    assert_eq!(
        make(json!({"name": "bot", "scopes": ["metrics"]}))
            .await
            .status,
        StatusCode::CREATED
    );
    let taken = make(json!({"name": "bot", "scopes": ["legacy"]})).await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);

    let held = app.store.integrations().await.unwrap().len();
    let attempts = 130;
    let replies = futures::future::join_all(
        (0..attempts).map(|n| make(json!({"name": format!("flood-{n}"), "scopes": ["metrics"]}))),
    )
    .await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let capped = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        created,
        MAX_TOKENS as usize - held,
        "the cap holds under parallel requests"
    );
    assert_eq!(created + capped, attempts, "every other answer says why");
    assert_eq!(
        app.store.integrations().await.unwrap().len(),
        MAX_TOKENS as usize
    );
}
