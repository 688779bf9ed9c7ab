//! `/slack/…`: the Slack app's slash command, its buttons and modals, and its events. Each
//! request is verified before it is read; each answers within Slack's 3 s, and what Slack
//! must be told afterwards goes through the Web API (a voter's own confirmation) or the
//! outbox (the channel message, edited in place).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use slack_morphism::prelude::*;

use asyncvoter_wire::{NewVote, VoteDetail};

use crate::AppState;
use crate::auth;
use crate::domain::records::{BallotCast, RevealCause, SlackPlace};
use crate::domain::{rules, views};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::Json;
use crate::slack::blocks::{self, action};
use crate::slack::command::{self, Request, Start};
use crate::slack::identity::{self, SlackVoter};
use crate::slack::{Refusal, Slack};
use crate::store::{self, StateFilter, VoteQuery};

/// How long a "Link your AsyncVoter account" link works.
const LINK_VALID_FOR: Duration = Duration::hours(1);
/// Most votes `/voter list` and the App Home show.
const MOST_LISTED: u32 = 20;

/// The Slack routes, when a Slack app is set up.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/slack/commands", post(commands))
        .route("/slack/interactions", post(interactions))
        .route("/slack/events", post(events))
}

/// The app, once the request is proven to come from Slack.
async fn verified(state: &AppState, headers: &HeaderMap, body: &[u8]) -> ApiResult<Arc<Slack>> {
    let slack = state
        .settings
        .slack
        .clone()
        .ok_or_else(|| ApiError::NotFound("Slack is not set up here".into()))?;
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let checked = slack
        .verify(
            state.store.as_ref(),
            header("x-slack-signature"),
            header("x-slack-request-timestamp"),
            body,
            // Slack's timestamps are wall-clock time, whatever the server's clock says.
            rules::now(),
        )
        .await;
    match checked {
        Ok(()) => Ok(slack),
        Err(Refusal::Store(error)) => Err(error.into()),
        Err(refusal) => Err(ApiError::Unauthorized(refusal.to_string())),
    }
}

/// The fields of a form body, as a JSON object of strings.
fn form(body: &[u8]) -> Value {
    Value::Object(
        url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect(),
    )
}

fn ephemeral(text: &str) -> Json<Value> {
    Json(json!({ "response_type": "ephemeral", "text": text }))
}

fn page(state: &AppState, vote_id: &str) -> String {
    format!(
        "{}{}{vote_id}",
        state.settings.notify.link_base.trim_end_matches('/'),
        asyncvoter_wire::pages::VOTE_PREFIX
    )
}

/// `POST /slack/commands`: `/voter …`.
async fn commands(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let slack = verified(&state, &headers, &body).await?;
    let command: SlackCommandEvent = serde_json::from_value(form(&body))
        .map_err(|e| ApiError::Invalid(format!("not a slash command: {e}")))?;
    let text = command.text.as_deref().unwrap_or_default();
    Ok(match command::parse(text) {
        Ok(Request::Help) => ephemeral(&blocks::help()),
        Ok(Request::List) => list(&state, &command).await?,
        Ok(Request::Start(start)) => match start_vote(&state, &slack, &command, start).await {
            Ok(name) => ephemeral(&format!(
                "Started *{}*. Its message with the cards is posted in this channel; ballots stay sealed until the reveal.",
                blocks::escape(&name)
            )),
            Err(ApiError::Invalid(message) | ApiError::Conflict(message)) => {
                ephemeral(&format!("Not started: {message}"))
            }
            Err(other) => return Err(other),
        },
        Err(problem) => ephemeral(&format!("{problem}. Try `/voter help`.")),
    })
}

/// The channel's project: its name, or its id when Slack sent none.
fn project_of(command: &SlackCommandEvent) -> String {
    command
        .channel_name
        .clone()
        .unwrap_or_else(|| command.channel_id.to_string())
}

async fn start_vote(
    state: &AppState,
    slack: &Slack,
    command: &SlackCommandEvent,
    start: Start,
) -> ApiResult<String> {
    let now = state.settings.clock.now();
    let team = command.team_id.to_string();
    let owner = who(state, slack, &team, command.user_id.as_ref(), now).await?;
    // Looked up together: Slack waits 3 s for the answer, however many are named.
    let named = start
        .mentions
        .iter()
        .map(|user| who(state, slack, &team, user, now));
    let mut expected = Vec::new();
    for voter in futures_util::future::join_all(named).await {
        let id = voter?.id().to_owned();
        if !expected.contains(&id) {
            expected.push(id);
        }
    }
    let input = NewVote {
        name: start.name,
        url: start.url,
        project: Some(project_of(command)),
        deck: start.deck,
        cards: None,
        quorum: None,
        deadline: start.deadline_in.map(|d| now + d),
        owner: None,
        expected_voters: Some(expected),
        reveal_when_all_voted: None,
    };
    let (mut record, _) = rules::new_vote(input, Some(owner.id().to_owned()), now)?;
    record.slack = Some(SlackPlace {
        team,
        channel: command.channel_id.to_string(),
    });
    let vote = state.store.create_vote(record, now).await?;
    Ok(vote.name)
}

async fn who(
    state: &AppState,
    slack: &Slack,
    team: &str,
    user: &str,
    now: DateTime<Utc>,
) -> ApiResult<SlackVoter> {
    Ok(identity::voter(state.store.as_ref(), &slack.api, team, user, now).await?)
}

/// `/voter list`: the channel's open and revealed votes, to the asker only.
async fn list(state: &AppState, command: &SlackCommandEvent) -> ApiResult<Json<Value>> {
    let query = VoteQuery {
        state: StateFilter::Ongoing,
        project: Some(project_of(command)),
        limit: MOST_LISTED,
        ..VoteQuery::default()
    };
    let listings = state.store.list_votes(&query).await?;
    let names = store::names(state.store.as_ref(), views::listing_ids(&listings)).await?;
    let lines: Vec<String> = listings
        .iter()
        .take(MOST_LISTED as usize)
        .map(|listing| {
            let vote = views::summary(listing, &names);
            format!(
                "• {} · {} · {} voted · <{}|open>",
                blocks::story(&vote.name, vote.url.as_deref()),
                vote.state.as_str(),
                vote.voters.len(),
                page(state, &vote.id)
            )
        })
        .collect();
    Ok(ephemeral(&if lines.is_empty() {
        "No open votes in this channel. Start one with `/voter Story name https://ticket`.".into()
    } else {
        format!("Open votes in this channel:\n{}", lines.join("\n"))
    }))
}

/// `POST /slack/interactions`: a button, a menu or a modal.
async fn interactions(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let slack = verified(&state, &headers, &body).await?;
    let payload = form(&body)["payload"].as_str().map(serde_json::from_str);
    let Some(Ok(event)) = payload else {
        return Err(ApiError::Invalid("not a Slack interaction".into()));
    };
    match event {
        SlackInteractionEvent::BlockActions(event) => {
            block_actions(&state, &slack, event).await?;
            Ok(Json(json!({})))
        }
        SlackInteractionEvent::ViewSubmission(event) => {
            Ok(Json(view_submission(&state, &slack, event).await?))
        }
        _ => Ok(Json(json!({}))),
    }
}

/// Where an action came from, to answer there.
struct Origin {
    team: String,
    user: String,
    /// The channel of a message; `None` in the App Home.
    channel: Option<String>,
}

async fn block_actions(
    state: &AppState,
    slack: &Arc<Slack>,
    event: SlackInteractionBlockActionsEvent,
) -> ApiResult<()> {
    let Some(user) = &event.user else {
        return Ok(());
    };
    let origin = Origin {
        team: event.team.id.to_string(),
        user: user.id.to_string(),
        channel: event.channel.as_ref().map(|c| c.id.to_string()),
    };
    for act in event.actions.unwrap_or_default() {
        let id = act.action_id.to_string();
        let value = act
            .selected_option
            .map(|o| o.value)
            .or(act.value)
            .unwrap_or_default();
        let outcome = if id.starts_with(action::CAST) {
            let (vote_id, card) = value.split_once(' ').unwrap_or((&value, ""));
            cast(state, slack, &origin, vote_id, card, None).await
        } else if id == action::REASON {
            reason_modal(state, slack, &origin, event.trigger_id.as_ref(), &value).await
        } else if id == action::REVEAL || id == action::NEW_ROUND || id == action::CLOSE {
            manage(state, slack, &origin, &id, &value).await
        } else {
            Ok(())
        };
        if let Err(Denied(message)) = outcome {
            tell(slack, &origin, blocks::notice(&message));
        }
    }
    Ok(())
}

/// Opens the modal for a card with a reason, on an open vote.
async fn reason_modal(
    state: &AppState,
    slack: &Slack,
    origin: &Origin,
    trigger_id: &str,
    vote_id: &str,
) -> Result<(), Denied> {
    let vote = public_vote(state, vote_id).await?;
    if vote.vote.state != asyncvoter_wire::VoteState::Open {
        return Err(Denied("Voting on this one has ended.".into()));
    }
    let metadata = format!("{vote_id} {}", origin.channel.as_deref().unwrap_or("-"));
    slack
        .api
        .open_view(trigger_id, blocks::reason_modal(&vote, metadata))
        .await
        .map_err(|e| Denied(e.to_string()))
}

/// What a Slack user asked for and may not have: said to them alone.
struct Denied(String);

impl From<ApiError> for Denied {
    fn from(error: ApiError) -> Denied {
        Denied(match error {
            ApiError::NotFound(_) => "That vote no longer exists.".into(),
            ApiError::Conflict(message) | ApiError::Invalid(message) => message,
            ApiError::Forbidden(message) => message,
            other => {
                tracing::warn!(error = %other, "a Slack action failed");
                "Something went wrong; please try again.".into()
            }
        })
    }
}

impl From<crate::store::StoreError> for Denied {
    fn from(error: crate::store::StoreError) -> Denied {
        ApiError::from(error).into()
    }
}

impl From<crate::domain::DomainError> for Denied {
    fn from(error: crate::domain::DomainError) -> Denied {
        ApiError::from(error).into()
    }
}

/// A vote as anyone may see it.
async fn public_vote(state: &AppState, vote_id: &str) -> Result<VoteDetail, ApiError> {
    let history = state.store.vote(vote_id).await?;
    let names = store::names(state.store.as_ref(), views::history_ids(&history)).await?;
    Ok(views::detail(&history, &names, None)?)
}

/// Casts the user's ballot and tells them, alone, what they voted.
async fn cast(
    state: &AppState,
    slack: &Arc<Slack>,
    origin: &Origin,
    vote_id: &str,
    card: &str,
    reason: Option<&str>,
) -> Result<(), Denied> {
    let now = state.settings.clock.now();
    let voter = who(state, slack, &origin.team, &origin.user, now).await?;
    let vote = state.store.vote_record(vote_id).await?;
    let card = rules::card(&views::deck(&vote)?, card)?;
    let reason = rules::reason(reason)?;
    let outcome = state
        .store
        .cast_ballot(BallotCast {
            vote_id: vote_id.to_owned(),
            voter: voter.id().to_owned(),
            card,
            reason,
            name: None,
            at: now,
        })
        .await?;
    if origin.channel.is_none() {
        home(
            state.clone(),
            slack.clone(),
            origin.team.clone(),
            origin.user.clone(),
        );
        return Ok(());
    }
    let link = match voter {
        SlackVoter::External(_) => Some(link_page(state, origin, now).await?),
        SlackVoter::Member(_) => None,
    };
    let summary = public_vote(state, vote_id).await?.vote;
    let confirmation = blocks::confirmation(
        &summary,
        &outcome.ballot.card,
        outcome.ballot.reason.as_deref(),
        link.as_deref(),
    );
    tell(slack, origin, confirmation);
    Ok(())
}

/// A one-time "Link your AsyncVoter account" page for the user.
async fn link_page(
    state: &AppState,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<String, Denied> {
    let token = auth::new_token();
    state
        .store
        .create_slack_link(
            &auth::hash_token(&token),
            &origin.team,
            &origin.user,
            now + LINK_VALID_FOR,
        )
        .await?;
    Ok(format!(
        "{}{}?token={token}",
        state.settings.notify.link_base.trim_end_matches('/'),
        asyncvoter_wire::pages::LINK_SLACK
    ))
}

/// Reveal, new round, close: for the vote's owner or an admin.
async fn manage(
    state: &AppState,
    slack: &Slack,
    origin: &Origin,
    action_id: &str,
    value: &str,
) -> Result<(), Denied> {
    let now = state.settings.clock.now();
    let (vote_id, size) = value.split_once(' ').unwrap_or((value, ""));
    let vote = state.store.vote_record(vote_id).await?;
    let voter = who(state, slack, &origin.team, &origin.user, now).await?;
    if !voter.may_manage(&vote) {
        return Err(Denied(
            "Only the vote's owner or an admin can reveal, re-open or close it.".into(),
        ));
    }
    match action_id {
        action::REVEAL => {
            state
                .store
                .reveal(vote_id, RevealCause::Manual, now)
                .await?
        }
        action::NEW_ROUND => state.store.start_round(vote_id, now).await?,
        _ => {
            let size = rules::final_size(&views::deck(&vote)?, size)?;
            state.store.close(vote_id, &size, now).await?;
        }
    }
    Ok(())
}

/// The modal's card and reason, cast.
async fn view_submission(
    state: &AppState,
    slack: &Arc<Slack>,
    event: SlackInteractionViewSubmissionEvent,
) -> ApiResult<Value> {
    let SlackView::Modal(modal) = &event.view.view else {
        return Ok(json!({}));
    };
    let metadata = modal.private_metadata.clone().unwrap_or_default();
    let (vote_id, channel) = metadata.split_once(' ').unwrap_or((&metadata, "-"));
    let values = event
        .view
        .state_params
        .state
        .map(|s| s.values)
        .unwrap_or_default();
    let field = |block: &str, action: &str| {
        values
            .get(&block.into())
            .and_then(|b| b.get(&action.into()))
            .cloned()
    };
    let card = field("card", "card")
        .and_then(|v| v.selected_option)
        .map(|o| o.value);
    let reason = field("reason", "reason")
        .and_then(|v| v.value)
        .filter(|r| !r.trim().is_empty());
    let Some(card) = card else {
        return Ok(json!({"response_action": "errors", "errors": {"card": "Choose a card."}}));
    };
    let origin = Origin {
        team: event.team.id.to_string(),
        user: event.user.id.to_string(),
        channel: (channel != "-").then(|| channel.to_owned()),
    };
    match cast(state, slack, &origin, vote_id, &card, reason.as_deref()).await {
        Ok(()) => Ok(json!({})),
        Err(Denied(message)) => {
            Ok(json!({"response_action": "errors", "errors": {"card": message}}))
        }
    }
}

/// Says something to the user alone, after the answer to Slack: ephemeral in the channel,
/// or in a direct message when they acted in the App Home.
fn tell(slack: &Arc<Slack>, origin: &Origin, content: SlackMessageContent) {
    let slack = slack.clone();
    let (channel, user) = (origin.channel.clone(), origin.user.clone());
    tokio::spawn(async move {
        let sent = match channel {
            Some(channel) => slack.api.post_ephemeral(&channel, &user, content).await,
            None => match slack.api.open_dm(&user).await {
                Ok(dm) => slack.api.post_message(&dm, content).await.map(drop),
                Err(error) => Err(error),
            },
        };
        if let Err(error) = sent {
            tracing::warn!(%error, "Slack: a message to one user was not shown");
        }
    });
}

/// `POST /slack/events`: the URL check, and the App Home opened.
async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let slack = verified(&state, &headers, &body).await?;
    let event: SlackPushEvent = serde_json::from_slice(&body)
        .map_err(|e| ApiError::Invalid(format!("not a Slack event: {e}")))?;
    match event {
        SlackPushEvent::UrlVerification(check) => Ok(Json(json!({ "challenge": check.challenge }))),
        SlackPushEvent::EventCallback(callback) => {
            if let SlackEventCallbackBody::AppHomeOpened(opened) = callback.event
                && opened.tab.as_deref().unwrap_or("home") == "home"
            {
                home(
                    state,
                    slack,
                    callback.team_id.to_string(),
                    opened.user.to_string(),
                );
            }
            Ok(Json(json!({})))
        }
        _ => Ok(Json(json!({}))),
    }
}

/// Publishes the user's App Home after the answer to Slack.
fn home(state: AppState, slack: Arc<Slack>, team: String, user: String) {
    tokio::spawn(async move {
        if let Err(error) = publish_home(&state, &slack, &team, &user).await {
            tracing::warn!(%error, "Slack: the App Home was not published");
        }
    });
}

async fn publish_home(
    state: &AppState,
    slack: &Slack,
    team: &str,
    user: &str,
) -> Result<(), String> {
    let now = state.settings.clock.now();
    let voter = identity::voter(state.store.as_ref(), &slack.api, team, user, now)
        .await
        .map_err(|e| e.to_string())?;
    let query = VoteQuery {
        state: StateFilter::All,
        limit: MOST_LISTED,
        waiting_for: Some(voter.id().to_owned()),
        ..VoteQuery::default()
    };
    let listings = state
        .store
        .list_votes(&query)
        .await
        .map_err(|e| e.to_string())?;
    let mut waiting = Vec::new();
    for listing in listings.iter().take(MOST_LISTED as usize) {
        let vote = public_vote(state, &listing.vote.id)
            .await
            .map_err(|e| e.to_string())?;
        waiting.push((vote, page(state, &listing.vote.id)));
    }
    let origin = Origin {
        team: team.to_owned(),
        user: user.to_owned(),
        channel: None,
    };
    let link = match voter {
        SlackVoter::External(_) => Some(
            link_page(state, &origin, now)
                .await
                .map_err(|Denied(message)| message)?,
        ),
        SlackVoter::Member(_) => None,
    };
    slack
        .api
        .publish_home(user, blocks::home(&waiting, link.as_deref(), now))
        .await
        .map_err(|e| e.to_string())
}
