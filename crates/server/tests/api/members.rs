//! Members: added by admins (or the CLI), logging in, changing and resetting passwords.

use reqwest::{Method, StatusCode};
use serde_json::json;

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
        json!({"username": "ana", "display_name": "Ana Lima", "role": "member"})
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
