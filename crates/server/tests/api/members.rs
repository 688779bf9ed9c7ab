//! Members: added by admins (or the CLI), logging in, changing and resetting passwords,
//! edited, disabled when they leave and enabled again.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use asyncvoter_server::{LegacyApi, Settings, Visibility};
use asyncvoter_test_support::TestServer;
use asyncvoter_wire::Role;

use crate::helpers::*;

#[tokio::test]
async fn an_admin_adds_a_member_who_logs_in_and_is_known_to_the_session() {
    let app = spawn_app().await;
    let admin = app.member("root", Role::Admin).await;
    let added = app
        .send(
            As::Member(&admin),
            Method::POST,
            "/api/members",
            Some(json!({"username": " Ana ", "display_name": "Ana Lima", "password": "a-long-password"})),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(
        added.json(),
        json!({"username": "ana", "display_name": "Ana Lima", "role": "member", "disabled": false})
    );

    let (reply, session) = app.log_in_with("ANA", "a-long-password").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let session = session.unwrap();
    let me = app
        .send(As::Member(&session), Method::GET, "/api/session", None)
        .await;
    assert_eq!(me.json()["display_name"], "Ana Lima");
    let listed = app
        .send(As::Member(&admin), Method::GET, "/api/members", None)
        .await
        .json();
    let names: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ana", "root"]);
    assert!(
        !listed.to_string().contains("argon2"),
        "no password hash ever leaves the server"
    );
}

#[tokio::test]
async fn members_are_validated_and_unique() {
    let app = spawn_app().await;
    let admin = app.member("root", Role::Admin).await;
    let add = |body| app.send(As::Member(&admin), Method::POST, "/api/members", Some(body));
    let table = [
        (
            json!({"username": "x", "password": "long enough"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "one-letter name",
        ),
        (
            json!({"username": "me", "password": "long enough"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`me` is reserved",
        ),
        (
            json!({"username": "slack:U1", "password": "long enough"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a colon",
        ),
        (
            json!({"username": "bob", "password": "short"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "short password",
        ),
        (
            json!({"username": "bob"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no password",
        ),
        (
            json!({"username": "root", "password": "long enough"}),
            StatusCode::CONFLICT,
            "taken",
        ),
    ];
    for (body, status, why) in table {
        let reply = add(body).await;
        assert_eq!(reply.status, status, "{why}: {}", reply.body);
        reply.error_code();
    }
}

#[tokio::test]
async fn wrong_credentials_are_401_with_one_message_for_both_cases() {
    let app = spawn_app().await;
    app.add_member("ana", Role::Member).await;
    let (wrong_password, cookie) = app.log_in_with("ana", "not her password").await;
    let (unknown_user, _) = app.log_in_with("nobody", "whatever pass").await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert!(cookie.is_none(), "no session for a failed login");
    assert_eq!(
        wrong_password.body, unknown_user.body,
        "no hint which part was wrong"
    );
}

#[tokio::test]
async fn members_change_their_own_password_and_admins_reset_others() {
    let app = spawn_app().await;
    let password = app.add_member("ana", Role::Member).await;
    let (_, ana) = app.log_in_with("ana", &password).await;
    let ana = ana.unwrap();
    let change = |current: &str, new: &str| {
        app.send(
            As::Member(&ana),
            Method::PUT,
            "/api/session/password",
            Some(json!({"current_password": current, "new_password": new})),
        )
    };
    assert_eq!(
        change("wrong current", "brand-new-pass").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        change(&password, "short").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        change(&password, "brand-new-pass").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.log_in_with("ana", &password).await.0.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.log_in_with("ana", "brand-new-pass").await.0.status,
        StatusCode::OK
    );

    let admin = app.member("root", Role::Admin).await;
    let reset = app
        .send(
            As::Member(&admin),
            Method::PUT,
            "/api/members/ana/password",
            Some(json!({"password": "reset-by-admin"})),
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.body);
    assert_eq!(
        app.log_in_with("ana", "reset-by-admin").await.0.status,
        StatusCode::OK
    );
    let missing = app
        .send(
            As::Member(&admin),
            Method::PUT,
            "/api/members/nobody/password",
            Some(json!({"password": "whatever-pass"})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_member_votes_as_me_sees_only_their_own_card_and_owns_what_they_start() {
    let app = spawn_app().await;
    let ana = app.member("ana", Role::Member).await;
    let ben = app.member("ben", Role::Member).await;
    let created = app
        .send(
            As::Member(&ana),
            Method::POST,
            "/api/votes",
            Some(json!({"name": "Mine", "deck": "fibonacci"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let vote = created.json();
    assert_eq!(
        vote["vote"]["owner"],
        json!({"id": "ana", "name": "ANA Tester"})
    );
    let id = vote["vote"]["id"].as_str().unwrap();
    let mine = ballot_path(id, "me");
    let cast = |who, card: &str| app.send(who, Method::PUT, &mine, Some(json!({"card": card})));
    assert_eq!(cast(As::Member(&ana), "8").await.status, StatusCode::OK);
    assert_eq!(cast(As::Member(&ben), "3").await.status, StatusCode::OK);

    let path = format!("/api/votes/{id}");
    let seen_by = |who| app.send(who, Method::GET, &path, None);

    assert_eq!(seen_by(As::Member(&ana)).await.json()["my_card"], "8");
    assert_eq!(seen_by(As::Member(&ben)).await.json()["my_card"], "3");
    assert_eq!(seen_by(As::Anonymous).await.json()["my_card"], json!(null));
    let voters = seen_by(As::Anonymous).await.json()["vote"]["voters"].clone();
    assert_eq!(
        voters,
        json!([{"id": "ana", "name": "ANA Tester"}, {"id": "ben", "name": "BEN Tester"}])
    );
}

#[tokio::test]
async fn the_cli_adds_a_member_with_the_password_from_stdin_and_lists_them() {
    let binary = env!("CARGO_BIN_EXE_asyncvoter");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    asyncvoter_test_support::add_member(binary, &url, "Chloe", "from-standard-input", true).await;

    let store = asyncvoter_server::store::open(&url).await.unwrap();
    let chloe = store.member("chloe").await.unwrap().expect("added");
    assert_eq!(chloe.role, Role::Admin);
    assert!(
        asyncvoter_server::auth::passwords::verify(
            "from-standard-input".into(),
            Some(chloe.password_hash)
        )
        .await
    );
    let listed = cli(&["member", "list", "--database-url", &url]).await;
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(listed.trim(), "chloe\tchloe\tadmin", "{listed}");
    assert!(!listed.contains("from-standard-input"));
}

/// Runs the binary with `args` and no stdin.
async fn cli(args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_asyncvoter"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn commands_other_than_serve_refuse_a_database_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let mistyped = dir.path().join("asyncvoter-typo.db");
    let url = format!("sqlite://{}", mistyped.display());
    for args in [
        vec!["member", "list"],
        vec!["member", "add", "ana", "--admin"],
        vec!["token", "create", "bot"],
        vec!["token", "list"],
        vec!["token", "revoke", "bot"],
        vec!["backup", "--to", "/tmp/never-written.db"],
    ] {
        let mut args = args.clone();
        args.extend(["--database-url", &url]);
        let output = cli(&args).await;
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} succeeded: {said}");
        assert!(
            said.contains(&mistyped.display().to_string()) && said.contains("no database"),
            "{args:?} does not say where it looked: {said}"
        );
        assert!(!mistyped.exists(), "{args:?} made a database");
    }
}

#[tokio::test]
async fn a_disabled_member_is_logged_out_at_once_cannot_log_in_and_keeps_their_ballots() {
    let settings = Settings {
        visibility: Visibility::Members,
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let app = spawn_app_with_settings(settings).await;
    let root = app.member("root", Role::Admin).await;
    let ben = app.member("ben", Role::Member).await;
    let password = app.add_member("ana", Role::Member).await;
    let (_, ana) = app.log_in_with("ana", &password).await;
    let ana = ana.unwrap();
    let vote = app.fibonacci_vote("Payments retry").await;
    let cast = app
        .send(
            As::Member(&ana),
            Method::PUT,
            &ballot_path(&vote.vote.id, "me"),
            Some(json!({"card": "8"})),
        )
        .await;
    assert_eq!(cast.status, StatusCode::OK, "{}", cast.body);
    let response = app
        .client
        .get(format!("{}/api/events", app.base))
        .header("cookie", &ana.cookie)
        .send()
        .await
        .unwrap();
    let mut stream = EventStream::from(response);
    assert_eq!(stream.expect().await.event, "ready");

    let disabled = app
        .send(
            As::Member(&root),
            Method::PATCH,
            "/api/members/ana",
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    assert_eq!(disabled.json()["disabled"], true);
    assert!(
        stream.ended_within(Duration::from_secs(2)).await,
        "ana's stream outlived her account"
    );
    let next = app
        .send(As::Member(&ana), Method::GET, "/api/me/settings", None)
        .await;
    assert_eq!(next.status, StatusCode::UNAUTHORIZED, "{}", next.body);
    let (again, cookie) = app.log_in_with("ana", &password).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN, "{}", again.body);
    assert!(again.body.contains("disabled"), "{}", again.body);
    assert!(cookie.is_none(), "no session for a disabled member");

    // Her ballot stays hers, under her name.
    let path = format!("/api/votes/{}", vote.vote.id);
    let seen = app
        .send(As::Member(&ben), Method::GET, &path, None)
        .await
        .json();
    assert_eq!(
        seen["vote"]["voters"],
        json!([{"id": "ana", "name": "ANA Tester"}])
    );
    // Members choosing voters no longer see her; admins do, marked.
    let seen_by_ben = app
        .send(As::Member(&ben), Method::GET, "/api/members", None)
        .await
        .json();
    assert!(
        !seen_by_ben.to_string().contains("\"ana\""),
        "{seen_by_ben}"
    );
    let seen_by_root = app
        .send(As::Member(&root), Method::GET, "/api/members", None)
        .await
        .json();
    let ana_row = seen_by_root
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["username"] == "ana")
        .cloned();
    assert_eq!(ana_row.unwrap()["disabled"], true);

    let enabled = app
        .send(
            As::Member(&root),
            Method::PATCH,
            "/api/members/ana",
            Some(json!({"disabled": false})),
        )
        .await;
    assert_eq!(enabled.status, StatusCode::OK, "{}", enabled.body);
    let (back, cookie) = app.log_in_with("ana", &password).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert!(cookie.is_some());
}

#[tokio::test]
async fn admins_edit_names_and_addresses_with_each_field_checked() {
    let app = spawn_app().await;
    let root = app.member("root", Role::Admin).await;
    app.add_member("ana", Role::Member).await;
    let patch = |body: serde_json::Value| {
        app.send(
            As::Member(&root),
            Method::PATCH,
            "/api/members/ana",
            Some(body),
        )
    };
    let edited = patch(json!({"display_name": "  Ana Lima ", "email": "ana@example.com"})).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(
        edited.json(),
        json!({"username": "ana", "display_name": "Ana Lima", "role": "member", "disabled": false, "email": "ana@example.com"})
    );
    let kept = patch(json!({})).await.json();
    assert_eq!(kept["display_name"], "Ana Lima", "a field left out stays");
    assert_eq!(
        patch(json!({"email": ""})).await.json().get("email"),
        None,
        "\"\" removes the address"
    );
    for (body, why) in [
        (json!({"display_name": ""}), "an empty name"),
        (
            json!({"display_name": "x".repeat(61)}),
            "a name over 60 characters",
        ),
        (json!({"email": "not an address"}), "a malformed address"),
        (json!({"disabled": "yes"}), "a string for a flag"),
        (json!({"role": "owner"}), "an unknown role"),
    ] {
        let refused = patch(body).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{why}: {}",
            refused.body
        );
    }
    let unknown = app
        .send(
            As::Member(&root),
            Method::PATCH,
            "/api/members/nobody",
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    assert_eq!(
        app.store.member("ana").await.unwrap().unwrap().display_name,
        "Ana Lima",
        "nothing half-written"
    );
}

#[tokio::test]
async fn the_last_active_admin_stays_even_when_two_admins_disable_each_other_at_once() {
    let app = spawn_app().await;
    let root = app.member("root", Role::Admin).await;
    let alone = app
        .send(
            As::Member(&root),
            Method::PATCH,
            "/api/members/root",
            Some(json!({"role": "member"})),
        )
        .await;
    assert_eq!(alone.status, StatusCode::CONFLICT, "{}", alone.body);
    assert!(alone.body.contains("last active admin"), "{}", alone.body);

    let boss = app.member("boss", Role::Admin).await;
    let (first, second) = tokio::join!(
        app.send(
            As::Member(&root),
            Method::PATCH,
            "/api/members/boss",
            Some(json!({"disabled": true}))
        ),
        app.send(
            As::Member(&boss),
            Method::PATCH,
            "/api/members/root",
            Some(json!({"disabled": true}))
        ),
    );
    let statuses = [first.status, second.status];
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "exactly one wins: {statuses:?} {} {}",
        first.body,
        second.body
    );
    let active_admins = app
        .store
        .members()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.is_active_admin())
        .count();
    assert_eq!(active_admins, 1);
}

#[tokio::test]
async fn the_cli_disables_and_enables_a_member_but_never_the_last_admin() {
    let binary = env!("CARGO_BIN_EXE_asyncvoter");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    asyncvoter_test_support::add_member(binary, &url, "chloe", "from-standard-input", true).await;
    asyncvoter_test_support::add_member(binary, &url, "dan", "another-long-one", false).await;

    let disabled = cli(&["member", "disable", "dan", "--database-url", &url]).await;
    assert!(
        disabled.status.success(),
        "{}",
        String::from_utf8_lossy(&disabled.stderr)
    );
    let listed = cli(&["member", "list", "--database-url", &url]).await;
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains("dan\tdan\tmember\tdisabled"), "{listed}");
    assert!(listed.contains("chloe\tchloe\tadmin\n"), "{listed}");

    let last = cli(&["member", "disable", "chloe", "--database-url", &url]).await;
    assert!(!last.status.success());
    assert!(String::from_utf8_lossy(&last.stderr).contains("last active admin"));
    let unknown = cli(&["member", "enable", "nobody", "--database-url", &url]).await;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no member named `nobody`"));

    let enabled = cli(&["member", "enable", "dan", "--database-url", &url]).await;
    assert!(enabled.status.success());
    let listed = cli(&["member", "list", "--database-url", &url]).await;
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("disabled"));
}
