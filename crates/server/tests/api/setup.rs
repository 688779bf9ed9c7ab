//! The first admin of an empty server: the one-time link `serve` prints, the form behind
//! it, and what an attacker gets from it (nothing once it is used or out of date).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use tokio::io::AsyncBufReadExt;

use asyncvoter_wire::Role;

use crate::helpers::*;

/// A client that shows redirects instead of following them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post_form(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    let body: String = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    browser()
        .post(format!("{}/setup", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn token_of(app: &TestApp) -> String {
    let path = app
        .setup_path
        .clone()
        .expect("an empty server opens a setup link");
    path.trim_start_matches("/setup?token=").to_owned()
}

#[tokio::test]
async fn the_first_admin_is_made_once_through_the_link_and_logged_in() {
    let app = spawn_app().await;
    let token = token_of(&app);
    let page = browser()
        .get(format!("{}/setup?token={token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("<form method=\"post\" action=\"/setup\">")
    );
    let guessed = browser()
        .get(format!("{}/setup?token=av_guess", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(guessed.status(), StatusCode::GONE);

    // A mistake keeps what was typed (escaped), never the passwords, and the link.
    let typo = post_form(
        &app,
        &[
            ("token", &token),
            ("username", "\"><script>alert(1)</script>"),
            ("password", "a long passphrase"),
            ("repeat", "a long passphrase"),
        ],
    )
    .await;
    assert_eq!(typo.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = typo.text().await.unwrap();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("&quot;&gt;&lt;script&gt;"), "{html}");
    assert!(!html.contains("a long passphrase"));
    let differ = post_form(
        &app,
        &[
            ("token", &token),
            ("username", "ana"),
            ("password", "a long passphrase"),
            ("repeat", "another passphrase"),
        ],
    )
    .await;
    assert_eq!(differ.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        differ
            .text()
            .await
            .unwrap()
            .contains("The two passwords differ")
    );

    // Ten tabs at once: one admin.
    let fields = [
        ("token", token.as_str()),
        ("username", "ana"),
        ("display_name", "Ana Lima"),
        ("password", "a long passphrase"),
        ("repeat", "a long passphrase"),
    ];
    let answers = futures::future::join_all((0..10).map(|_| post_form(&app, &fields))).await;
    let made: Vec<&reqwest::Response> = answers
        .iter()
        .filter(|r| r.status() == StatusCode::SEE_OTHER)
        .collect();
    assert_eq!(
        made.len(),
        1,
        "{:?}",
        answers.iter().map(|r| r.status()).collect::<Vec<_>>()
    );
    assert!(
        answers
            .iter()
            .all(|r| matches!(r.status(), StatusCode::SEE_OTHER | StatusCode::GONE))
    );
    assert_eq!(made[0].headers()["location"], "/");
    let cookie = made[0].headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let me = app
        .send(
            As::Member(&Session { cookie }),
            Method::GET,
            "/api/session",
            None,
        )
        .await;
    assert_eq!(me.json()["username"], "ana");
    assert_eq!(me.json()["role"], "admin");
    assert_eq!(app.store.members().await.unwrap().len(), 1);
    let again = browser()
        .get(format!("{}/setup?token={token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::GONE, "used once");
}

#[tokio::test]
async fn a_server_with_members_opens_no_link() {
    let app = spawn_app().await;
    app.add_member("ana", Role::Admin).await;
    let app = app
        .restart(asyncvoter_test_support::TestServer::settings(
            asyncvoter_server::LegacyApi::Token,
            None,
        ))
        .await;
    assert_eq!(app.setup_path, None);
}

#[tokio::test]
async fn serve_prints_the_link_when_nobody_is_a_member() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("first.db").display());
    let port = asyncvoter_test_support::free_port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_asyncvoter"))
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &url,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let said = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("/setup?token=") {
                return line;
            }
        }
        panic!("the server exited without a setup link");
    })
    .await
    .expect("the link within 20 s");
    assert!(
        said.contains("first admin") && said.contains("member add"),
        "{said}"
    );
    let link = said
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap();
    let page = reqwest::get(link).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "{link}");
}
