//! Slack and the browser serve one vote: ballots cast with Slack's buttons (requests
//! signed as Slack signs them, a local stand-in of Slack's Web API) show on the vote page,
//! and a member ties their Slack user to their account from the one-time link Slack gave
//! them, logging in on the way.

use std::sync::Arc;

use serde_json::json;

use asyncvoter_server::slack::Slack;
use asyncvoter_server::store::MemberSettingsRecord;
use asyncvoter_test_support::{SlackStandIn, slack_headers};
use asyncvoter_wire::Role;

use crate::harness::{World, poll_until};

const SECRET: &str = "e2e-signing-secret";
const BOT_TOKEN: &str = "xoxb-e2e-bot-token";

async fn signed(world: &World, path: &str, body: String) -> u16 {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", world.server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone());
    for (name, value) in slack_headers(SECRET, chrono::Utc::now().timestamp(), &body) {
        request = request.header(name, value);
    }
    request.send().await.unwrap().status().as_u16()
}

fn form(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

async fn click(world: &World, user: &str, vote_id: &str, card: &str) {
    let payload = json!({
        "type": "block_actions", "api_app_id": "A1", "trigger_id": "1.2.3",
        "user": {"id": user, "team_id": "T1"}, "team": {"id": "T1", "domain": "example"},
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": "C1"},
        "channel": {"id": "C1", "name": "platform"},
        "actions": [{"type": "button", "action_id": "cast-0", "block_id": "cards-0",
                     "text": {"type": "plain_text", "text": card}, "value": format!("{vote_id} {card}"),
                     "action_ts": "1700000001.000100"}]
    });
    let body = form(&[("payload", &payload.to_string())]);
    assert_eq!(signed(world, "/slack/interactions", body).await, 200);
}

#[tokio::test]
async fn slack_ballots_show_on_the_vote_page_and_a_member_links_their_slack_user() {
    let slack = SlackStandIn::start(BOT_TOKEN).await;
    for user in ["U2", "U3", "U4", "U6"] {
        slack.add_user(user, None);
    }
    // Cara's confirmed Slack email is her address here: she votes as herself at once.
    slack.add_user("U5", Some("cara@example.com"));
    let api_url = slack.api_url.clone();
    let world = World::start_with(move |mut settings| {
        settings.slack = Some(Arc::new(Slack::new(SECRET, BOT_TOKEN, &api_url)));
        settings
    })
    .await;
    let ben = world.add_member("ben", "Ben Okoro", Role::Member).await;
    world.add_member("cara", "Cara Diaz", Role::Member).await;
    let cara = MemberSettingsRecord {
        email: Some("cara@example.com".into()),
        reminders: true,
        results: true,
        all_voted: true,
    };
    world
        .server
        .store
        .save_member_settings("cara", &cara)
        .await
        .unwrap();
    let command = form(&[
        ("team_id", "T1"),
        ("channel_id", "C1"),
        ("channel_name", "platform"),
        ("user_id", "U3"),
        ("command", "/voter"),
        ("text", "Invoice export <https://t.example/9>"),
        ("response_url", "https://hooks.example/commands/1"),
        ("trigger_id", "1.2.3"),
    ]);
    assert_eq!(signed(&world, "/slack/commands", command).await, 200);
    let id = world.call(reqwest::Method::GET, "/api/votes", None).await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    click(&world, "U3", &id, "5").await;
    click(&world, "U4", &id, "8").await;
    click(&world, "U2", &id, "3").await;
    click(&world, "U5", &id, "13").await;
    click(&world, "U6", &id, "21").await;
    let mut link = String::new();
    poll_until("Slack shows ben a link to his account", || {
        let calls = slack.calls_to("chat.postEphemeral");
        let found = calls.iter().find(|c| c.body["user"] == "U2").map(|c| {
            c.body["blocks"][1]["elements"][0]["url"]
                .as_str()
                .unwrap()
                .to_owned()
        });
        if let Some(url) = &found {
            link = url.clone();
        }
        async move { found.is_some() }
    })
    .await;

    // The vote page shows the five Slack voters, the one linked by email by her name.
    let tab = &world.browser;
    tab.open(&format!("/votes/{id}")).await;
    poll_until("the five Slack voters on the page", || async {
        tab.texts_of(".voters .voter").await
            == [
                "T1:U3 · Slack",
                "T1:U4 · Slack",
                "T1:U2 · Slack",
                "Cara Diaz",
                "T1:U6 · Slack",
            ]
    })
    .await;
    assert!(tab.text_of(".vote__title").await.contains("Invoice export"));

    // Ben follows the link, logs in on the way, and confirms.
    let path = link.trim_start_matches(&world.server.base).to_owned();
    tab.open(&path).await;
    tab.wait_for_text("h1", "Link your Slack account").await;
    tab.click(".login-prompt a").await;
    tab.log_in_here("ben", &ben).await;
    tab.wait_for_text("h1", "Link your Slack account").await;
    for width in [1440, 390] {
        tab.screenshot("link-slack", width).await;
    }
    tab.click(".panel button").await;
    tab.wait_for_text(
        "[role=status]",
        "Linked. Your Slack ballots are now yours here too.",
    )
    .await;

    // His Slack ballot is now his: the page names him among the three.
    tab.open(&format!("/votes/{id}")).await;
    poll_until("ben's Slack ballot under his name", || async {
        tab.texts_of(".voters .voter").await
            == [
                "T1:U3 · Slack",
                "T1:U4 · Slack",
                "Ben Okoro",
                "Cara Diaz",
                "T1:U6 · Slack",
            ]
    })
    .await;
    let api = world
        .call(reqwest::Method::GET, &format!("/api/votes/{id}"), None)
        .await;
    let voters: Vec<&str> = api["vote"]["voters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        voters,
        ["slack:T1:U3", "slack:T1:U4", "ben", "cara", "slack:T1:U6"],
        "the API shows the same five"
    );

    // The link worked once.
    tab.open(&path).await;
    tab.click(".panel button").await;
    poll_until("a second use refused", || async {
        tab.texts_of("[role=alert]")
            .await
            .iter()
            .any(|t| t.contains("used already or has expired"))
    })
    .await;
}
