//! The authorization matrix: anonymous, member, owner, admin and integrations with each
//! scope against every state-changing endpoint, each expected status asserted. The server
//! decides, not the UI.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use asyncvoter_wire::{Role, Scope};

use crate::helpers::*;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Actor {
    Anonymous,
    Member,
    Owner,
    Admin,
    /// A token with every scope (as tokens made before scopes have).
    Integration,
    /// A token with `votes:write` only.
    Writer,
    /// A token with `votes:manage` only.
    Manager,
    /// A token with `legacy` only.
    Legacy,
}

const ACTORS: [Actor; 8] = [
    Actor::Anonymous,
    Actor::Member,
    Actor::Owner,
    Actor::Admin,
    Actor::Integration,
    Actor::Writer,
    Actor::Manager,
    Actor::Legacy,
];

/// The callers: `ben` (a member), `ana` (owns the votes), `root` (admin), the bots.
struct Cast {
    member: Session,
    owner: Session,
    admin: Session,
    passwords: [(String, String); 3],
    writer: String,
    manager: String,
    legacy: String,
}

impl Cast {
    async fn new(app: &TestApp) -> Cast {
        let mut passwords = Vec::new();
        let mut sessions = Vec::new();
        for (name, role) in [
            ("ben", Role::Member),
            ("ana", Role::Member),
            ("root", Role::Admin),
        ] {
            let password = app.add_member(name, role).await;
            let (_, session) = app.log_in_with(name, &password).await;
            sessions.push(session.unwrap());
            passwords.push((name.to_owned(), password));
        }
        let admin = sessions.pop().unwrap();
        let owner = sessions.pop().unwrap();
        let member = sessions.pop().unwrap();
        Cast {
            member,
            owner,
            admin,
            passwords: passwords.try_into().unwrap(),
            writer: app.token_with(&[Scope::VotesWrite]).await,
            manager: app.token_with(&[Scope::VotesManage]).await,
            legacy: app.token_with(&[Scope::Legacy]).await,
        }
    }

    fn who(&self, actor: Actor) -> As<'_> {
        match actor {
            Actor::Anonymous => As::Anonymous,
            Actor::Member => As::Member(&self.member),
            Actor::Owner => As::Member(&self.owner),
            Actor::Admin => As::Member(&self.admin),
            Actor::Integration => As::Bot,
            Actor::Writer => As::Token(&self.writer),
            Actor::Manager => As::Token(&self.manager),
            Actor::Legacy => As::Token(&self.legacy),
        }
    }

    fn password_of(&self, actor: Actor) -> String {
        let name = match actor {
            Actor::Member => "ben",
            Actor::Owner => "ana",
            Actor::Admin => "root",
            _ => return "no-password-here".into(),
        };
        self.passwords
            .iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1
            .clone()
    }
}

/// A vote owned by `ana`, in the given state.
async fn vote_of_ana(app: &TestApp, cast: &Cast, state: &str) -> String {
    let created = app
        .send(
            As::Member(&cast.owner),
            Method::POST,
            "/api/votes",
            Some(json!({"name": "ana's", "deck": "fibonacci"})),
        )
        .await;
    let id = created.json()["vote"]["id"].as_str().unwrap().to_owned();
    if state == "revealed" {
        let reveal = format!("/api/votes/{id}/reveal");
        let reply = app
            .send(As::Member(&cast.owner), Method::POST, &reveal, None)
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    id
}

/// A vote an integration started for nobody in particular, in the given state.
async fn vote_of_a_bot(app: &TestApp, state: &str) -> String {
    let id = app.fibonacci_vote("the bot's").await.vote.id;
    if state == "revealed" {
        assert_eq!(app.act(&id, "reveal", None).await.status, StatusCode::OK);
    }
    id
}

/// One state-changing endpoint: its name, the request for an actor (after any set-up), and
/// the status each actor must get, in [`ACTORS`] order.
struct Row {
    name: &'static str,
    expected: [u16; 8],
}

async fn request_for(
    app: &TestApp,
    cast: &Cast,
    row: &str,
    actor: Actor,
) -> (Method, String, Option<Value>) {
    match row {
        "start a vote" => (
            Method::POST,
            "/api/votes".into(),
            Some(json!({"name": "x", "deck": "tshirt"})),
        ),
        "cast as me" => {
            let id = vote_of_ana(app, cast, "open").await;
            (
                Method::PUT,
                ballot_path(&id, "me"),
                Some(json!({"card": "5"})),
            )
        }
        "cast for an external voter" => {
            let id = vote_of_ana(app, cast, "open").await;
            (
                Method::PUT,
                ballot_path(&id, "slack:U1"),
                Some(json!({"card": "5"})),
            )
        }
        "cast as the member ana" => {
            let id = vote_of_ana(app, cast, "open").await;
            (
                Method::PUT,
                ballot_path(&id, "ana"),
                Some(json!({"card": "5"})),
            )
        }
        "withdraw my ballot" => {
            let id = vote_of_ana(app, cast, "open").await;
            if matches!(actor, Actor::Member | Actor::Owner | Actor::Admin) {
                let cast_first = app
                    .send(
                        cast.who(actor),
                        Method::PUT,
                        &ballot_path(&id, "me"),
                        Some(json!({"card": "3"})),
                    )
                    .await;
                assert_eq!(cast_first.status, StatusCode::OK);
            }
            (Method::DELETE, ballot_path(&id, "me"), None)
        }
        "reveal ana's vote" => (
            Method::POST,
            format!("/api/votes/{}/reveal", vote_of_ana(app, cast, "open").await),
            None,
        ),
        "reveal a bot's vote" => (
            Method::POST,
            format!("/api/votes/{}/reveal", vote_of_a_bot(app, "open").await),
            None,
        ),
        "start a new round of ana's vote" => (
            Method::POST,
            format!(
                "/api/votes/{}/rounds",
                vote_of_ana(app, cast, "revealed").await
            ),
            None,
        ),
        "start a new round of a bot's vote" => (
            Method::POST,
            format!("/api/votes/{}/rounds", vote_of_a_bot(app, "revealed").await),
            None,
        ),
        "close ana's vote" => (
            Method::POST,
            format!("/api/votes/{}/close", vote_of_ana(app, cast, "open").await),
            Some(json!({"final_size": "5"})),
        ),
        "re-open ana's closed vote" => {
            let id = vote_of_ana(app, cast, "open").await;
            let close = format!("/api/votes/{id}/close");
            let closed = app
                .send(
                    As::Member(&cast.owner),
                    Method::POST,
                    &close,
                    Some(json!({"final_size": "5"})),
                )
                .await;
            assert_eq!(closed.status, StatusCode::OK);
            (Method::POST, format!("/api/votes/{id}/rounds"), None)
        }
        "delete ana's vote" => (
            Method::DELETE,
            format!("/api/votes/{}", vote_of_ana(app, cast, "open").await),
            None,
        ),
        "delete a bot's vote" => (
            Method::DELETE,
            format!("/api/votes/{}", vote_of_a_bot(app, "open").await),
            None,
        ),
        "close a bot's vote" => (
            Method::POST,
            format!("/api/votes/{}/close", vote_of_a_bot(app, "open").await),
            Some(json!({"final_size": "5"})),
        ),
        "size ana's vote through the 2016 API" => (
            Method::PUT,
            format!("/stories/{}", vote_of_ana(app, cast, "open").await),
            Some(json!({"size": "5"})),
        ),
        "size a bot's vote through the 2016 API" => (
            Method::PUT,
            format!("/stories/{}", vote_of_a_bot(app, "open").await),
            Some(json!({"size": "5"})),
        ),
        "add a member" => {
            let username = format!("new{}", rand_suffix());
            (
                Method::POST,
                "/api/members".into(),
                Some(json!({"username": username, "password": "long-enough-1"})),
            )
        }
        "disable a member" => {
            let target = format!("target{}", rand_suffix());
            app.add_member(&target, Role::Member).await;
            (
                Method::PATCH,
                format!("/api/members/{target}"),
                Some(json!({"disabled": true, "display_name": "Gone"})),
            )
        }
        "make a token" => (
            Method::POST,
            "/api/tokens".into(),
            Some(json!({"name": format!("bot-{}", rand_suffix()), "scopes": ["votes:write"]})),
        ),
        "revoke a token" => {
            let name = format!("old-bot-{}", rand_suffix());
            let made = app
                .send(
                    As::Member(&cast.admin),
                    Method::POST,
                    "/api/tokens",
                    Some(json!({"name": name, "scopes": ["metrics"]})),
                )
                .await;
            assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
            (Method::DELETE, format!("/api/tokens/{name}"), None)
        }
        "reset a password" => {
            let target = format!("target{}", rand_suffix());
            app.add_member(&target, Role::Member).await;
            (
                Method::PUT,
                format!("/api/members/{target}/password"),
                Some(json!({"password": "reset-pass-1"})),
            )
        }

        "change my password" => {
            let current = cast.password_of(actor);
            (
                Method::PUT,
                "/api/session/password".into(),
                Some(json!({"current_password": current, "new_password": current})),
            )
        }
        "change ana's vote" => (
            Method::PATCH,
            format!("/api/votes/{}", vote_of_ana(app, cast, "open").await),
            Some(json!({"name": "renamed", "expected_voters": ["ben"]})),
        ),
        "change a bot's vote" => (
            Method::PATCH,
            format!("/api/votes/{}", vote_of_a_bot(app, "open").await),
            Some(json!({"quorum": 3})),
        ),
        "remember a project's voters" => (
            Method::PUT,
            "/api/projects/web".into(),
            Some(json!({"default_voters": ["ben", "ana"]})),
        ),
        "announce a project in a chat channel" => (
            Method::PUT,
            "/api/projects/web".into(),
            Some(json!({"chat_webhook_url": "https://chat.example.com/hooks/1"})),
        ),
        "save my notification settings" => (
            Method::PUT,
            "/api/me/settings".into(),
            Some(json!({"email": "me@example.com", "reminders": false})),
        ),
        "register a webhook" => (
            Method::POST,
            "/api/webhooks".into(),
            Some(json!({"url": "https://hooks.example.com/in", "events": ["revealed"]})),
        ),
        "remove a webhook" => (
            Method::DELETE,
            format!("/api/webhooks/{}", webhook_of_root(app, cast).await),
            None,
        ),
        "send a webhook a test" => (
            Method::POST,
            format!("/api/webhooks/{}/test", webhook_of_root(app, cast).await),
            None,
        ),
        "start a 2016 story" => (
            Method::POST,
            "/stories".into(),
            Some(json!({"name": "legacy"})),
        ),
        other => unreachable!("{other}"),
    }
}

/// A webhook the admin registers, for the rows that act on one.
async fn webhook_of_root(app: &TestApp, cast: &Cast) -> String {
    let reply = app
        .send(
            As::Member(&cast.admin),
            Method::POST,
            "/api/webhooks",
            Some(json!({"url": "https://hooks.example.com/target"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()["webhook"]["id"].as_str().unwrap().to_owned()
}

fn rand_suffix() -> u32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[tokio::test]
async fn every_state_change_is_authorized_by_the_server() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    // anonymous, member, owner, admin, and tokens: every scope, write, manage, legacy
    let rows = [
        Row {
            name: "start a vote",
            expected: [401, 201, 201, 201, 201, 201, 403, 403],
        },
        Row {
            name: "cast as me",
            expected: [401, 200, 200, 200, 403, 403, 403, 403],
        },
        Row {
            name: "cast for an external voter",
            expected: [401, 403, 403, 403, 200, 200, 403, 403],
        },
        Row {
            name: "cast as the member ana",
            expected: [401, 403, 200, 403, 403, 403, 403, 403],
        },
        Row {
            name: "withdraw my ballot",
            expected: [401, 204, 204, 204, 403, 403, 403, 403],
        },
        Row {
            name: "reveal ana's vote",
            expected: [401, 403, 200, 200, 403, 403, 403, 403],
        },
        Row {
            name: "reveal a bot's vote",
            expected: [401, 403, 403, 200, 200, 403, 200, 403],
        },
        Row {
            name: "start a new round of ana's vote",
            expected: [401, 403, 201, 201, 403, 403, 403, 403],
        },
        Row {
            name: "start a new round of a bot's vote",
            expected: [401, 403, 403, 201, 201, 403, 201, 403],
        },
        Row {
            name: "close ana's vote",
            expected: [401, 403, 200, 200, 403, 403, 403, 403],
        },
        Row {
            name: "re-open ana's closed vote",
            expected: [401, 403, 201, 201, 403, 403, 403, 403],
        },
        Row {
            name: "delete ana's vote",
            expected: [401, 403, 204, 204, 403, 403, 403, 403],
        },
        Row {
            name: "delete a bot's vote",
            expected: [401, 403, 403, 204, 204, 403, 204, 403],
        },
        Row {
            name: "close a bot's vote",
            expected: [401, 403, 403, 200, 200, 403, 200, 403],
        },
        Row {
            name: "add a member",
            expected: [401, 403, 403, 201, 403, 403, 403, 403],
        },
        Row {
            name: "reset a password",
            expected: [401, 403, 403, 204, 403, 403, 403, 403],
        },
        Row {
            name: "disable a member",
            expected: [401, 403, 403, 200, 403, 403, 403, 403],
        },
        Row {
            name: "make a token",
            expected: [401, 403, 403, 201, 403, 403, 403, 403],
        },
        Row {
            name: "revoke a token",
            expected: [401, 403, 403, 204, 403, 403, 403, 403],
        },
        Row {
            name: "change ana's vote",
            expected: [401, 403, 200, 200, 403, 403, 403, 403],
        },
        Row {
            name: "change a bot's vote",
            expected: [401, 403, 403, 200, 200, 403, 200, 403],
        },
        Row {
            name: "remember a project's voters",
            expected: [401, 200, 200, 200, 403, 403, 403, 403],
        },
        Row {
            name: "announce a project in a chat channel",
            expected: [401, 403, 403, 200, 403, 403, 403, 403],
        },
        Row {
            name: "save my notification settings",
            expected: [401, 200, 200, 200, 403, 403, 403, 403],
        },
        Row {
            name: "register a webhook",
            expected: [401, 403, 403, 201, 403, 403, 403, 403],
        },
        Row {
            name: "remove a webhook",
            expected: [401, 403, 403, 204, 403, 403, 403, 403],
        },
        Row {
            name: "send a webhook a test",
            expected: [401, 403, 403, 202, 403, 403, 403, 403],
        },
        Row {
            name: "start a 2016 story",
            expected: [401, 403, 403, 403, 200, 403, 403, 200],
        },
        Row {
            name: "size ana's vote through the 2016 API",
            expected: [401, 403, 403, 403, 403, 403, 403, 403],
        },
        Row {
            name: "size a bot's vote through the 2016 API",
            expected: [401, 403, 403, 403, 200, 403, 403, 200],
        },
        // Last: a new password ends the member's other sessions, these cookies among them.
        Row {
            name: "change my password",
            expected: [401, 204, 204, 204, 403, 403, 403, 403],
        },
    ];
    let mut mismatches = Vec::new();
    for row in &rows {
        for (actor, expected) in ACTORS.iter().zip(row.expected) {
            let (method, path, body) = request_for(&app, &cast, row.name, *actor).await;
            let reply = app.send(cast.who(*actor), method, &path, body).await;
            if reply.status.as_u16() != expected {
                mismatches.push(format!(
                    "{} as {actor:?}: {} (expected {expected}) {}",
                    row.name, reply.status, reply.body
                ));
            } else if !reply.status.is_success() {
                reply.error_code();
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test]
async fn notification_logs_are_for_admins_and_settings_and_waiting_votes_for_their_member() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    let hook = webhook_of_root(&app, &cast).await;
    let rows: [(&str, String, [u16; 8]); 7] = [
        (
            "integration tokens",
            "/api/tokens".into(),
            [401, 403, 403, 200, 403, 403, 403, 403],
        ),
        (
            "webhooks",
            "/api/webhooks".into(),
            [401, 403, 403, 200, 403, 403, 403, 403],
        ),
        (
            "a webhook's deliveries",
            format!("/api/webhooks/{hook}/deliveries"),
            [401, 403, 403, 200, 403, 403, 403, 403],
        ),
        (
            "what was sent",
            "/api/notifications".into(),
            [401, 403, 403, 200, 403, 403, 403, 403],
        ),
        (
            "my settings",
            "/api/me/settings".into(),
            [401, 200, 200, 200, 403, 403, 403, 403],
        ),
        (
            "what waits on me",
            "/api/me/waiting".into(),
            [401, 200, 200, 200, 403, 403, 403, 403],
        ),
        (
            "my Slack users",
            "/api/me/slack".into(),
            [401, 200, 200, 200, 403, 403, 403, 403],
        ),
    ];
    let mut mismatches = Vec::new();
    for (name, path, expected) in &rows {
        for (actor, expected) in ACTORS.iter().zip(expected) {
            let reply = app.send(cast.who(*actor), Method::GET, path, None).await;
            if reply.status.as_u16() != *expected {
                mismatches.push(format!(
                    "{name} as {actor:?}: {} (expected {expected}) {}",
                    reply.status, reply.body
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
