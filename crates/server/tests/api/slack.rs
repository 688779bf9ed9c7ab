//! Slack inside the server, driven with requests signed exactly as Slack signs them,
//! against a local stand-in of Slack's Web API that records each call: one channel message
//! per vote edited in place, names and never cards before the reveal, one person one
//! ballot, reminders as direct messages, and every badly signed, stale or replayed request
//! refused without a change.

use std::sync::Arc;
use std::time::{Duration, Instant};

use asyncvoter_server::LegacyApi;
use asyncvoter_server::clock::Clock;
use asyncvoter_server::slack::Slack;
use asyncvoter_server::store::{Channel, DeliveryQuery};
use asyncvoter_test_support::{SlackCall, SlackStandIn, TestServer, slack_headers};
use asyncvoter_wire::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{As, Reply, TestApp, eventually, spawn_app_with_settings};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const BOT_TOKEN: &str = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";

struct SlackApp {
    app: TestApp,
    slack: SlackStandIn,
}

async fn spawn(clock: Option<Clock>) -> SlackApp {
    let slack = SlackStandIn::start(BOT_TOKEN).await;
    let mut settings = TestServer::settings(LegacyApi::Token, None);
    settings.slack = Some(Arc::new(Slack::new(SECRET, BOT_TOKEN, &slack.api_url)));
    if let Some(clock) = clock {
        settings.clock = clock;
    }
    let app = spawn_app_with_settings(settings).await;
    SlackApp { app, slack }
}

fn form(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

impl SlackApp {
    /// Posts `body` signed at `timestamp` with `secret`.
    async fn post_signed(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        secret: &str,
        timestamp: i64,
    ) -> Reply {
        let mut request = self
            .app
            .client
            .post(format!("{}{path}", self.app.base))
            .header("content-type", content_type)
            .body(body.to_owned());
        for (name, value) in slack_headers(secret, timestamp, body) {
            request = request.header(name, value);
        }
        Reply::read(request.send().await.unwrap()).await
    }

    async fn post(&self, path: &str, content_type: &str, body: &str) -> Reply {
        let now = chrono::Utc::now().timestamp();
        self.post_signed(path, content_type, body, SECRET, now)
            .await
    }

    /// `/voter TEXT` typed by `user` in channel C1, #platform.
    fn command_body(user: &str, text: &str) -> String {
        form(&[
            ("token", "gIkuvaNzQIHg97ATvDxqgjtO"),
            ("team_id", "T1"),
            ("team_domain", "example"),
            ("channel_id", "C1"),
            ("channel_name", "platform"),
            ("user_id", user),
            ("user_name", &user.to_lowercase()),
            ("command", "/voter"),
            ("text", text),
            ("api_app_id", "A1"),
            ("is_enterprise_install", "false"),
            ("response_url", "https://hooks.example/commands/T1/1/x"),
            ("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
        ])
    }

    async fn command(&self, user: &str, text: &str) -> Value {
        let reply = self
            .post(
                "/slack/commands",
                "application/x-www-form-urlencoded",
                &Self::command_body(user, text),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json()
    }

    async fn interact(&self, payload: Value) -> Reply {
        let body = form(&[("payload", &payload.to_string())]);
        self.post(
            "/slack/interactions",
            "application/x-www-form-urlencoded",
            &body,
        )
        .await
    }

    /// A click on a button or a menu choice in the channel message (or the App Home when
    /// `channel` is `None`), as a `block_actions` payload.
    async fn act(&self, user: &str, action: Value, channel: Option<&str>) -> Reply {
        let mut payload = json!({
            "type": "block_actions",
            "user": {"id": user, "username": user.to_lowercase(), "name": user.to_lowercase(), "team_id": "T1"},
            "api_app_id": "A1",
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
            "team": {"id": "T1", "domain": "example"},
            "is_enterprise_install": false,
            "actions": [action],
        });
        match channel {
            Some(channel) => {
                payload["container"] = json!({"type": "message", "message_ts": "1700000000.000001",
                    "channel_id": channel, "is_ephemeral": false});
                payload["channel"] = json!({"id": channel, "name": "platform"});
                payload["message"] = json!({"type": "message", "ts": "1700000000.000001",
                    "text": "Estimate", "bot_id": "B1", "user": "U0BOT"});
                payload["response_url"] = json!("https://hooks.example/actions/T1/1/x");
            }
            None => {
                payload["container"] = json!({"type": "view", "view_id": "V2"});
                payload["view"] = json!({"id": "V2", "team_id": "T1", "type": "home", "blocks": [],
                    "hash": "1.2", "app_id": "A1", "bot_id": "B1", "external_id": ""});
            }
        }
        self.interact(payload).await
    }

    async fn click(&self, user: &str, vote_id: &str, card: &str) {
        let button = json!({"type": "button", "action_id": "cast-1", "block_id": "cards-0",
            "text": {"type": "plain_text", "text": card, "emoji": true},
            "value": format!("{vote_id} {card}"), "action_ts": "1700000001.000100"});
        let reply = self.act(user, button, Some("C1")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }

    async fn press(&self, user: &str, action_id: &str, vote_id: &str) -> Reply {
        let button = json!({"type": "button", "action_id": action_id, "block_id": "manage",
            "text": {"type": "plain_text", "text": action_id, "emoji": true},
            "value": vote_id, "action_ts": "1700000001.000100"});
        self.act(user, button, Some("C1")).await
    }

    /// The reason modal submitted.
    async fn submit(&self, user: &str, vote_id: &str, card: &str, reason: &str) -> Reply {
        self.interact(json!({
            "type": "view_submission",
            "team": {"id": "T1", "domain": "example"},
            "user": {"id": user, "username": user.to_lowercase(), "name": user.to_lowercase(), "team_id": "T1"},
            "api_app_id": "A1",
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
            "view": {
                "id": "V1", "team_id": "T1", "type": "modal", "blocks": [],
                "private_metadata": format!("{vote_id} C1"), "callback_id": "reason_modal",
                "state": {"values": {
                    "card": {"card": {"type": "static_select", "selected_option":
                        {"text": {"type": "plain_text", "text": card, "emoji": true}, "value": card}}},
                    "reason": {"reason": {"type": "plain_text_input", "value": reason}}
                }},
                "hash": "156772938.1827394",
                "title": {"type": "plain_text", "text": "Your estimate", "emoji": true},
                "clear_on_close": false, "notify_on_close": false,
                "submit": {"type": "plain_text", "text": "Vote", "emoji": true},
                "previous_view_id": null, "root_view_id": "V1", "app_id": "A1",
                "external_id": "", "app_installed_team_id": "T1", "bot_id": "B1"
            },
            "response_urls": [],
            "is_enterprise_install": false
        }))
        .await
    }

    /// Waits until `method` has been called `n` times (successfully); those calls.
    async fn wait_for(&self, method: &str, n: usize) -> Vec<SlackCall> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let calls: Vec<SlackCall> = self
                .slack
                .calls_to(method)
                .into_iter()
                .filter(|c| c.ok)
                .collect();
            if calls.len() >= n {
                return calls;
            }
            assert!(
                Instant::now() < deadline,
                "{method} called {} times, not {n}: {:?}",
                calls.len(),
                self.slack.calls()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn only_vote(&self) -> String {
        let list = self.app.list("").await;
        assert_eq!(list.items.len(), 1, "one vote");
        list.items[0].id.clone()
    }

    /// Follows a one-time link from Slack as `who`.
    async fn link(&self, who: &crate::helpers::Session, token: &str) -> Reply {
        let body = Some(json!({"token": token}));
        self.app
            .send(As::Member(who), Method::POST, "/api/me/slack", body)
            .await
    }

    async fn set_email(&self, member: &str, email: &str) {
        let session = self.app.member(member, Role::Member).await;
        let reply = self
            .app
            .send(
                As::Member(&session),
                Method::PUT,
                "/api/me/settings",
                Some(
                    json!({"email": email, "reminders": true, "results": true, "all_voted": true}),
                ),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
}

/// The text of a message's blocks but its buttons and menus: what people read.
fn readable(call: &SlackCall) -> String {
    call.body["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|block| block["type"] != "actions")
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn badly_signed_stale_and_replayed_requests_are_refused_and_change_nothing() {
    let s = spawn(None).await;
    let body = SlackApp::command_body("U1", "Refused story");
    let now = chrono::Utc::now().timestamp();
    let form_type = "application/x-www-form-urlencoded";
    let wrong_secret = s
        .post_signed("/slack/commands", form_type, &body, "not-the-secret", now)
        .await;
    let stale = s
        .post_signed("/slack/commands", form_type, &body, SECRET, now - 6 * 60)
        .await;
    let unsigned = Reply::read(
        s.app
            .client
            .post(format!("{}/slack/commands", s.app.base))
            .header("content-type", form_type)
            .body(body.clone())
            .send()
            .await
            .unwrap(),
    )
    .await;
    let mut tampered = s
        .app
        .client
        .post(format!("{}/slack/commands", s.app.base))
        .header("content-type", form_type)
        .body(body.replace("Refused", "Forged"));
    for (name, value) in slack_headers(SECRET, now, &body) {
        tampered = tampered.header(name, value);
    }
    let tampered = Reply::read(tampered.send().await.unwrap()).await;
    for (what, reply) in [
        ("wrong secret", &wrong_secret),
        ("stale", &stale),
        ("unsigned", &unsigned),
        ("body changed after signing", &tampered),
    ] {
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{what}: {}",
            reply.body
        );
        assert_eq!(reply.error_code(), "unauthorized", "{what}");
    }
    assert!(s.app.list("").await.items.is_empty(), "nothing started");

    let first = s
        .post_signed("/slack/commands", form_type, &body, SECRET, now)
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let replayed = s
        .post_signed("/slack/commands", form_type, &body, SECRET, now)
        .await;
    assert_eq!(
        replayed.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        replayed.body
    );
    assert!(
        replayed.body.contains("already served"),
        "{}",
        replayed.body
    );
    assert_eq!(s.app.list("").await.items.len(), 1, "started once");

    // Parallel replays of one signed click: one ballot event at most, never a 500.
    let id = s.only_vote().await;
    let click = form(&[(
        "payload",
        &json!({"type": "block_actions", "user": {"id": "U7", "team_id": "T1"}, "api_app_id": "A1",
            "trigger_id": "1.2.3", "team": {"id": "T1"},
            "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1"},
            "channel": {"id": "C1"},
            "actions": [{"type": "button", "action_id": "cast-0", "value": format!("{id} 5")}]})
        .to_string(),
    )]);
    let replies = futures::future::join_all(
        (0..8).map(|_| s.post_signed("/slack/interactions", form_type, &click, SECRET, now)),
    )
    .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        7,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn help_list_and_mistakes_answer_only_the_asker() {
    let s = spawn(None).await;
    let help = s.command("U1", "help").await;
    assert_eq!(help["response_type"], "ephemeral");
    assert!(
        help["text"]
            .as_str()
            .unwrap()
            .contains("/voter Story name https://ticket")
    );
    let empty = s.command("U1", "list").await;
    assert!(
        empty["text"].as_str().unwrap().contains("No open votes"),
        "{empty}"
    );
    let wrong = s.command("U1", "Story <https://t.example/1> someday").await;
    assert!(
        wrong["text"].as_str().unwrap().contains("`someday`"),
        "{wrong}"
    );
    assert!(s.app.list("").await.items.is_empty());

    let started = s.command("U1", "Login page <https://t.example/7>").await;
    assert_eq!(started["response_type"], "ephemeral");
    assert!(
        started["text"]
            .as_str()
            .unwrap()
            .contains("Started *Login page*"),
        "{started}"
    );
    let listed = s.command("U2", "list").await;
    let text = listed["text"].as_str().unwrap();
    assert!(text.contains("<https://t.example/7|Login page>"), "{text}");
    assert!(text.contains("/votes/"), "links to the vote: {text}");
}

#[tokio::test]
async fn five_voters_in_one_message_edited_in_place_sealed_until_the_owner_reveals() {
    let s = spawn(None).await;
    // Two members: ana's Slack email is confirmed and hers; ben links his account.
    s.set_email("ana", "ana@example.com").await;
    let ben = s.app.member("ben", Role::Member).await;
    s.slack.add_user("U1", Some("Ana@Example.com"));
    for user in ["U2", "U3", "U4", "U5", "U6"] {
        s.slack.add_user(user, None);
    }
    let started = s
        .command(
            "U1",
            "Checkout flow <https://t.example/1> <@U1|ana> <@U3|cleo> <@U6|dan>",
        )
        .await;
    assert!(
        started["text"].as_str().unwrap().starts_with("Started"),
        "{started}"
    );
    let id = s.only_vote().await;
    let posted = s.wait_for("chat.postMessage", 1).await;
    assert_eq!(posted[0].body["channel"], "C1");
    let message = readable(&posted[0]);
    assert!(
        message.contains("<https://t.example/1|Checkout flow>"),
        "{message}"
    );
    assert!(message.contains("No votes yet"), "{message}");
    let vote = s.app.vote(&id).await;
    assert_eq!(
        vote.vote.owner.as_ref().unwrap().id,
        "ana",
        "the command's user, linked by email"
    );
    assert_eq!(vote.vote.project.as_deref(), Some("platform"));
    let expected: Vec<&str> = vote
        .vote
        .expected_voters
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    assert_eq!(expected, ["ana", "slack:T1:U3", "slack:T1:U6"]);
    let cards: Vec<String> = posted[0].body["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| {
            b["block_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("cards"))
        })
        .flat_map(|b| b["elements"].as_array().unwrap().clone())
        .map(|e| e["text"]["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(cards, ["0", "1", "2", "3", "5", "8", "13", "21", "?"]);

    // Ben votes from Slack before linking: his confirmation offers the link.
    s.click("U2", &id, "8").await;
    let ephemerals = s.wait_for("chat.postEphemeral", 1).await;
    let confirmation = &ephemerals[0].body;
    assert_eq!(
        (
            confirmation["channel"].as_str(),
            confirmation["user"].as_str()
        ),
        (Some("C1"), Some("U2"))
    );
    let text = confirmation["text"].as_str().unwrap();
    assert!(
        text.contains("You voted *8* on <https://t.example/1|Checkout flow>"),
        "{text}"
    );
    assert!(text.contains("Only you can see this"), "{text}");
    let link = confirmation["blocks"][1]["elements"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = link.split("token=").nth(1).unwrap();
    assert!(
        link.starts_with(&format!("{}/account/slack?token=", s.app.base)),
        "{link}"
    );
    let linked = s.link(&ben, token).await;
    assert_eq!(linked.status, StatusCode::OK, "{}", linked.body);
    assert_eq!(linked.json(), json!({"team": "T1", "user": "U2"}));
    let again = s.link(&ben, token).await;
    assert_eq!(
        again.status,
        StatusCode::NOT_FOUND,
        "one-time: {}",
        again.body
    );

    let mut updates = s.wait_for("chat.update", 1).await.len();
    for (user, card) in [("U1", "5"), ("U3", "13"), ("U4", "21")] {
        s.click(user, &id, card).await;
        updates = s.wait_for("chat.update", updates + 1).await.len();
    }
    let before_change = s.slack.calls_to("chat.update").last().cloned().unwrap();
    s.click("U4", &id, "8").await; // changes their card
    updates = s.wait_for("chat.update", updates + 1).await.len();
    let after_change = s.slack.calls_to("chat.update").last().cloned().unwrap();
    assert_eq!(
        before_change.body["blocks"], after_change.body["blocks"],
        "a changed card changes nothing anyone else sees"
    );
    // U5 votes with a reason, through the modal.
    let reason_button = json!({"type": "button", "action_id": "reason", "block_id": "manage",
        "text": {"type": "plain_text", "text": "Vote with a reason"}, "value": id,
        "action_ts": "1700000001.000100"});
    assert_eq!(
        s.act("U5", reason_button, Some("C1")).await.status,
        StatusCode::OK
    );
    let modal = &s.wait_for("views.open", 1).await[0].body;
    assert_eq!(modal["view"]["type"], "modal");
    assert_eq!(modal["view"]["callback_id"], "reason_modal");
    let no_card = s.submit("U5", &id, "", "").await.json();
    assert_eq!(no_card["response_action"], "errors", "{no_card}");
    let submitted = s.submit("U5", &id, "3", "We reuse the old form").await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    assert_eq!(submitted.json(), json!({}), "the modal closes");
    updates = s.wait_for("chat.update", updates + 1).await.len();

    // Ben's browser ballot replaces his Slack one: still five voters.
    let browser = s
        .app
        .send(
            As::Member(&ben),
            Method::PUT,
            "/api/votes/{id}/ballots/me".replace("{id}", &id).as_str(),
            Some(json!({"card": "13"})),
        )
        .await;
    assert_eq!(browser.status, StatusCode::OK, "{}", browser.body);
    assert_eq!(browser.json()["replaced"], true, "{}", browser.body);
    updates = s.wait_for("chat.update", updates + 1).await.len();

    let sealed = s.slack.calls_to("chat.update");
    for update in &sealed {
        let text = readable(update);
        for secret in ["13", "21", "reuse the old form", "We reuse"] {
            assert!(
                !text.contains(secret),
                "`{secret}` before the reveal: {text}"
            );
        }
    }
    let last = readable(sealed.last().unwrap());
    assert!(last.contains("Voted (5)"), "{last}");
    for name in ["ANA Tester", "BEN Tester", "<@U3>", "<@U4>", "<@U5>"] {
        assert!(last.contains(name), "{name} in {last}");
    }
    assert!(last.contains("waiting on <@U6>"), "{last}");

    // Only the owner (or an admin) reveals.
    let refused = s.press("U4", "reveal", &id).await;
    assert_eq!(refused.status, StatusCode::OK);
    let told = s.wait_for("chat.postEphemeral", 1).await;
    assert!(
        told.iter().any(|c| c.body["user"] == "U4"
            && c.body["text"]
                .as_str()
                .unwrap()
                .contains("Only the vote's owner")),
        "{told:?}"
    );
    assert_eq!(s.app.vote(&id).await.vote.state.as_str(), "open");
    assert_eq!(s.press("U1", "reveal", &id).await.status, StatusCode::OK);
    let revealed = s.wait_for("chat.update", updates + 1).await;
    let shown = readable(revealed.last().unwrap());
    assert!(shown.contains("Revealed"), "{shown}");
    assert!(shown.contains("```"), "a text chart: {shown}");
    assert!(shown.contains("agreement"), "{shown}");
    assert!(
        shown.contains("We reuse the old form"),
        "the lowest voter's reason: {shown}"
    );

    assert_eq!(
        s.slack.calls_to("chat.postMessage").len(),
        1,
        "one channel message per vote, ever"
    );
    let detail = s.app.vote(&id).await;
    let mut ballots: Vec<(String, String)> = detail.rounds[0]
        .ballots
        .iter()
        .map(|b| (b.voter.id.clone(), b.card.clone().unwrap()))
        .collect();
    ballots.sort();
    assert_eq!(
        ballots,
        [
            ("ana".to_owned(), "5".to_owned()),
            ("ben".to_owned(), "13".to_owned()),
            ("slack:T1:U3".to_owned(), "13".to_owned()),
            ("slack:T1:U4".to_owned(), "8".to_owned()),
            ("slack:T1:U5".to_owned(), "3".to_owned()),
        ]
    );

    // The owner closes with the menu's size.
    let close = json!({"type": "static_select", "action_id": "close", "block_id": "manage",
        "selected_option": {"text": {"type": "plain_text", "text": "8"}, "value": format!("{id} 8")},
        "action_ts": "1700000001.000100"});
    assert_eq!(s.act("U1", close, Some("C1")).await.status, StatusCode::OK);
    let closed = s.wait_for("chat.update", revealed.len() + 1).await;
    assert!(readable(closed.last().unwrap()).contains("final size *8*"));
    assert_eq!(s.app.vote(&id).await.vote.final_size.as_deref(), Some("8"));
}

#[tokio::test]
async fn story_names_cannot_ping_the_channel_or_forge_links() {
    let s = spawn(None).await;
    s.command("U1", "Fix & <!channel> <b>now</b>").await;
    let posted = s.wait_for("chat.postMessage", 1).await;
    let text = readable(&posted[0]);
    assert!(
        text.contains("Fix &amp; &lt;!channel&gt; &lt;b&gt;now&lt;/b&gt;"),
        "{text}"
    );
    assert!(!text.contains("<!channel>"), "{text}");
}

#[tokio::test]
async fn a_rate_limited_message_waits_as_long_as_slack_asks() {
    let s = spawn(None).await;
    s.slack.rate_limit_next("chat.postMessage", 2);
    s.command("U1", "Throttled <https://t.example/2>").await;
    let posted = s.wait_for("chat.postMessage", 1).await;
    let calls = s.slack.calls_to("chat.postMessage");
    assert_eq!(calls.len(), 2, "refused once, then posted: {calls:?}");
    assert!(!calls[0].ok);
    let waited = calls[1].at - calls[0].at;
    assert!(
        waited >= Duration::from_secs(2),
        "Retry-After honoured: {waited:?}"
    );
    assert_eq!(posted.len(), 1, "posted once");
    let ts = posted[0].body.clone();
    assert_eq!(ts["channel"], "C1");
}

#[tokio::test]
async fn the_app_home_lists_what_waits_on_the_user_and_the_events_url_is_verified() {
    let s = spawn(None).await;
    s.slack.add_user("U3", None);
    let challenge = s
        .post(
            "/slack/events",
            "application/json",
            &json!({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                    "type": "url_verification"})
            .to_string(),
        )
        .await;
    assert_eq!(challenge.status, StatusCode::OK, "{}", challenge.body);
    assert_eq!(
        challenge.json()["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );

    s.command("U1", "Waits on cleo <https://t.example/3> <@U3>")
        .await;
    s.command("U1", "Not for cleo <https://t.example/4>").await;
    let opened = json!({"token": "x", "team_id": "T1", "api_app_id": "A1",
        "event": {"type": "app_home_opened", "user": "U3", "channel": "D3", "tab": "home",
                  "event_ts": "1700000000.000100"},
        "type": "event_callback", "event_id": "Ev1", "event_time": 1_700_000_000});
    let reply = s
        .post("/slack/events", "application/json", &opened.to_string())
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let published = &s.wait_for("views.publish", 1).await[0].body;
    assert_eq!(published["user_id"], "U3");
    let home = published["view"].to_string();
    assert!(home.contains("1 vote waits on you"), "{home}");
    assert!(home.contains("Waits on cleo"), "{home}");
    assert!(!home.contains("Not for cleo"), "{home}");
    assert!(home.contains("Link your AsyncVoter account"), "{home}");

    // A card clicked in the Home casts and redraws it.
    let id = s
        .app
        .list("")
        .await
        .items
        .into_iter()
        .find(|v| v.name == "Waits on cleo")
        .unwrap()
        .id;
    let button = json!({"type": "button", "action_id": "cast-4", "block_id": "cards-0",
        "text": {"type": "plain_text", "text": "5"}, "value": format!("{id} 5"),
        "action_ts": "1700000001.000100"});
    assert_eq!(s.act("U3", button, None).await.status, StatusCode::OK);
    let again = s.wait_for("views.publish", 2).await;
    assert!(
        again[1].body["view"]
            .to_string()
            .contains("Nothing waits on you")
    );
    assert_eq!(s.app.vote(&id).await.vote.voters[0].id, "slack:T1:U3");
}

#[tokio::test]
async fn reminders_go_as_direct_messages_to_expected_non_voters_only() {
    let clock = Clock::shiftable();
    let s = spawn(Some(clock.clone())).await;
    s.set_email("ana", "ana@example.com").await;
    s.slack.add_user("U1", Some("ana@example.com"));
    s.slack.add_user("U3", None);
    s.slack.add_user("U6", None);
    s.command("U1", "Reminded <https://t.example/5> in 13h <@U1> <@U3>")
        .await;
    let id = s.only_vote().await;
    s.click("U1", &id, "5").await;
    s.wait_for("chat.postEphemeral", 1).await;

    clock.advance(chrono::Duration::hours(1) + chrono::Duration::minutes(1));
    let dms = s.wait_for("chat.postMessage", 2).await;
    let opened = s.slack.calls_to("conversations.open");
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0].body["users"], "U3");
    let reminder = &dms
        .iter()
        .find(|c| c.body["channel"] != "C1")
        .expect("a direct message")
        .body;
    assert_eq!(reminder["channel"], "DU3");
    let text = reminder["text"].as_str().unwrap();
    assert!(
        text.contains("Reminder: Reminded waits on your estimate"),
        "{text}"
    );
    assert!(
        reminder.to_string().contains(&format!("{id} 5")),
        "cards to vote from the DM"
    );

    clock.advance(chrono::Duration::hours(10));
    s.wait_for("chat.postMessage", 3).await;
    // Slack answers before the worker records it: wait for both records.
    let sent = eventually(
        Duration::from_secs(10),
        "both reminders recorded",
        || async {
            let sent = s
                .app
                .store
                .deliveries(&DeliveryQuery {
                    channel: Some(Channel::SlackDm),
                    limit: 10,
                    ..DeliveryQuery::default()
                })
                .await
                .unwrap();
            sent.iter()
                .all(|d| d.delivered_at.is_some())
                .then_some(sent)
        },
    )
    .await;
    assert_eq!(sent.len(), 2, "two reminders written, to cleo: {sent:?}");
    assert!(sent.iter().all(|d| d.target == "slack:T1:U3"), "{sent:?}");
    let opened = s.slack.calls_to("conversations.open");
    assert!(
        opened.iter().all(|c| c.body["users"] == "U3"),
        "only cleo: {opened:?}"
    );
    let dms: Vec<SlackCall> = s
        .slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["channel"].as_str().unwrap().starts_with('D'))
        .collect();
    assert_eq!(dms.len(), 2, "once per lead time: {dms:?}");
}

#[tokio::test]
async fn a_link_is_for_a_logged_in_member_once_and_never_guessed() {
    let s = spawn(None).await;
    let ana = s.app.member("ana", Role::Member).await;
    let body = Some(json!({"token": "av_not-a-real-link"}));
    let anonymous = s
        .app
        .send(As::Anonymous, Method::POST, "/api/me/slack", body.clone())
        .await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.body
    );
    let bot = s
        .app
        .send(As::Bot, Method::POST, "/api/me/slack", body.clone())
        .await;
    assert_eq!(bot.status, StatusCode::FORBIDDEN, "{}", bot.body);
    let guessed = s
        .app
        .send(As::Member(&ana), Method::POST, "/api/me/slack", body)
        .await;
    assert_eq!(guessed.status, StatusCode::NOT_FOUND, "{}", guessed.body);
    let no_token = s
        .app
        .send(
            As::Member(&ana),
            Method::POST,
            "/api/me/slack",
            Some(json!({})),
        )
        .await;
    assert_eq!(
        no_token.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_token.body
    );
    let linked = s
        .app
        .send(As::Member(&ana), Method::GET, "/api/me/slack", None)
        .await;
    assert_eq!(linked.json(), json!([]), "nothing was linked");
}

#[tokio::test]
async fn the_manifest_names_the_routes_the_server_answers_and_the_scopes_it_needs() {
    let s = spawn(None).await;
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/slack-app-manifest.yml"
    ))
    .unwrap();
    let paths: Vec<&str> = manifest
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split("https://votes.example.com").nth(1))
        .collect();
    assert_eq!(
        paths,
        ["/slack/commands", "/slack/events", "/slack/interactions"]
    );
    for path in paths {
        let unsigned = s
            .app
            .client
            .post(format!("{}{path}", s.app.base))
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(
            unsigned.status(),
            StatusCode::UNAUTHORIZED,
            "{path} is served and checks signatures"
        );
    }
    for scope in [
        "commands",
        "chat:write",
        "im:write",
        "users:read",
        "users:read.email",
    ] {
        assert!(manifest.contains(&format!("      - {scope}\n")), "{scope}");
    }
    assert!(manifest.contains("app_home_opened") && manifest.contains("should_escape: true"));
}

#[tokio::test]
async fn the_binary_serves_slack_from_the_readme_flags_and_needs_both_secrets() {
    let binary = env!("CARGO_BIN_EXE_asyncvoter");
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("slack.db").display());
    let slack = SlackStandIn::start(BOT_TOKEN).await;
    let server = asyncvoter_test_support::ServerProcess::start_with(
        binary,
        &database,
        &[
            "--slack-signing-secret",
            SECRET,
            "--slack-bot-token",
            BOT_TOKEN,
            "--slack-api-url",
            &slack.api_url,
        ],
        None,
    )
    .await;
    let body = SlackApp::command_body("U1", "From the binary <https://t.example/8>");
    let mut request = reqwest::Client::new()
        .post(format!("{}/slack/commands", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone());
    for (name, value) in slack_headers(SECRET, chrono::Utc::now().timestamp(), &body) {
        request = request.header(name, value);
    }
    let reply = request.send().await.unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    let deadline = Instant::now() + Duration::from_secs(10);
    while slack.calls_to("chat.postMessage").is_empty() {
        assert!(Instant::now() < deadline, "no message: {:?}", slack.calls());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(readable(&slack.calls_to("chat.postMessage")[0]).contains("From the binary"));

    let half = tokio::process::Command::new(binary)
        .args([
            "serve",
            "--database-url",
            &database,
            "--slack-signing-secret",
            SECRET,
        ])
        .output()
        .await
        .unwrap();
    assert!(!half.status.success());
    let said = String::from_utf8_lossy(&half.stderr);
    assert!(said.contains("--slack-bot-token"), "{said}");
}
