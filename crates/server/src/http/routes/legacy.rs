//! The 2016 API (`/stories`), field for field, on the same store: a story is a vote, its
//! votes are the current round's ballots. Old clients see each voter's latest size, as
//! before, so these routes show values before reveal: they serve trusted integrations
//! (a token) or a private network (`--legacy-api open`) only.

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::routing::get;

use asyncvoter_wire::legacy::{LegacyNewStory, LegacySizeBody, LegacyStory, LegacyVote};
use asyncvoter_wire::{DeckKind, VoteState};

use asyncvoter_estimation::Deck;
use asyncvoter_wire::Scope;

use crate::auth::{Caller, unless_a_member_owns};
use crate::domain::rules;
use crate::domain::{DomainError, views};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{Json, Path, Query};
use crate::store::{BallotCast, NewVoteRecord, StateFilter, VoteQuery, VoteRecord};
use crate::{AppState, LegacyApi};

/// Longest size a 2016 client may send.
const MAX_SIZE_CHARS: usize = 16;
/// The size that means "still being voted on".
const UNSIZED: &str = "0";

/// The routes of the 2016 API, or answers that say it is off.
pub fn router(mode: LegacyApi) -> Router<AppState> {
    if mode == LegacyApi::Off {
        return Router::new()
            .route("/stories", axum::routing::any(turned_off))
            .route("/stories/{*rest}", axum::routing::any(turned_off));
    }
    Router::new()
        .route("/stories", get(list_stories).post(create_story))
        .route("/stories/{id}", get(get_story).put(size_story))
        .route(
            "/stories/{id}/votes",
            get(list_story_votes).post(cast_story_vote),
        )
}

async fn turned_off() -> ApiError {
    ApiError::NotFound("the 2016 API is turned off on this server".into())
}

/// A caller allowed on the 2016 API: anyone when it is open, otherwise integrations whose
/// token holds the `legacy` scope.
pub struct LegacyAccess;

impl FromRequestParts<AppState> for LegacyAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.settings.legacy_api == LegacyApi::Open {
            return Ok(LegacyAccess);
        }
        match Caller::from_request_parts(parts, state).await? {
            caller @ Caller::Integration(_) => {
                caller.require_scope(Scope::Legacy)?;
                Ok(LegacyAccess)
            }
            Caller::Member(_) => Err(ApiError::Forbidden(
                "the 2016 API is for integrations: use an integration token".into(),
            )),
            Caller::Anonymous => Err(ApiError::Unauthorized(
                "the 2016 API needs an integration token (`Authorization: Bearer …`)".into(),
            )),
        }
    }
}

/// The 2016 API answered 400 for every invalid body.
fn as_bad_request(error: impl Into<ApiError>) -> ApiError {
    match error.into() {
        ApiError::Invalid(message) => ApiError::BadRequest(message),
        other => other,
    }
}

/// `userId` as our voter id: ids with a source (`slack:U1`) as they are, others marked
/// as 2016 users.
fn voter_of(user_id: &str) -> ApiResult<String> {
    let user_id = user_id.trim();
    let id = if rules::is_external(user_id) {
        user_id.to_owned()
    } else {
        format!("legacy:{user_id}")
    };
    rules::voter_id(&id)
        .map_err(|_| ApiError::BadRequest("`userId` must be 1–100 printable characters".into()))
}

/// Our voter id as the `userId` a 2016 client sent; anonymous ballots have none.
fn user_id_of(voter: &str) -> Option<String> {
    if voter.starts_with("anonymous:") {
        None
    } else {
        Some(voter.strip_prefix("legacy:").unwrap_or(voter).to_owned())
    }
}

fn size(raw: Option<asyncvoter_wire::legacy::LegacySize>) -> ApiResult<String> {
    let size = raw
        .ok_or_else(|| ApiError::BadRequest("`size` is required".into()))?
        .into_text();
    let size = size.trim();
    if size.is_empty()
        || size.chars().count() > MAX_SIZE_CHARS
        || size.chars().any(char::is_control)
    {
        return Err(ApiError::BadRequest(format!(
            "`size` must be 1–{MAX_SIZE_CHARS} printable characters"
        )));
    }
    Ok(size.to_owned())
}

/// A size for `vote`: any size on a story's 2016 deck, as old clients sent (the Slack
/// labels, numbers off the deck); on another deck, what `check` allows of its cards.
fn on_the_deck(
    vote: &VoteRecord,
    size: String,
    check: fn(&Deck, &str) -> Result<String, DomainError>,
) -> ApiResult<String> {
    if vote.deck == DeckKind::Agileventures {
        return Ok(size);
    }
    check(&views::deck(vote)?, &size).map_err(as_bad_request)
}

fn story(vote: &VoteRecord) -> LegacyStory {
    LegacyStory {
        id: vote.id.clone(),
        version: 0,
        created_at: vote.created_at,
        updated_at: vote.updated_at,
        name: vote.name.clone(),
        size: vote
            .final_size
            .clone()
            .unwrap_or_else(|| UNSIZED.to_owned()),
        url: vote.url.clone(),
        source: vote.project.clone(),
        user_id: vote.owner.as_deref().and_then(user_id_of),
        revealed: vote.state != VoteState::Open,
    }
}

#[derive(serde::Deserialize)]
struct StoryFilter {
    state: Option<String>,
}

/// `GET /stories[?state=active]`: every story, or those still being voted on by name.
async fn list_stories(
    State(state): State<AppState>,
    _: LegacyAccess,
    Query(filter): Query<StoryFilter>,
) -> ApiResult<Json<Vec<LegacyStory>>> {
    let active = filter.state.as_deref() == Some("active");
    let query = VoteQuery {
        state: if active {
            StateFilter::Ongoing
        } else {
            StateFilter::All
        },
        limit: u32::MAX - 1,
        ..VoteQuery::default()
    };
    let mut votes: Vec<VoteRecord> = state
        .store
        .list_votes(&query)
        .await?
        .into_iter()
        .map(|l| l.vote)
        .collect();
    if active {
        votes.sort_by(|a, b| a.name.cmp(&b.name).then(a.created_at.cmp(&b.created_at)));
    } else {
        votes.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    }
    Ok(Json(votes.iter().map(story).collect()))
}

/// `POST /stories`: starts a vote on the 2016 deck; 200, as old clients expect.
async fn create_story(
    State(state): State<AppState>,
    _: LegacyAccess,
    body: Result<Json<LegacyNewStory>, ApiError>,
) -> ApiResult<Json<LegacyStory>> {
    let Json(input) = body.map_err(as_bad_request)?;
    let name = input
        .name
        .ok_or_else(|| ApiError::BadRequest("`name` is required".into()))?;
    let final_size = match input.size {
        None => None,
        Some(raw) => Some(size(Some(raw))?).filter(|s| s != UNSIZED),
    };
    let record = NewVoteRecord {
        name: rules::name(&name).map_err(as_bad_request)?,
        url: rules::url(input.url.as_deref()).map_err(as_bad_request)?,
        project: rules::project(input.source.as_deref()).map_err(as_bad_request)?,
        owner: input.user_id.as_deref().map(voter_of).transpose()?,
        deck: DeckKind::Agileventures,
        cards: None,
        quorum: None,
        deadline: None,
        final_size,
        expected_voters: Vec::new(),
        reveal_when_all_voted: false,
        slack: None,
    };
    let vote = state.store.create_vote(record, rules::now()).await?;
    Ok(Json(story(&vote)))
}

/// `GET /stories/:id`.
async fn get_story(
    State(state): State<AppState>,
    _: LegacyAccess,
    Path(id): Path<String>,
) -> ApiResult<Json<LegacyStory>> {
    Ok(Json(story(&state.store.vote_record(&id).await?)))
}

/// `PUT /stories/:id {size}`: closes voting with that size, or changes the size of a
/// closed story, as in 2016. Votes a member owns are theirs to close, not this API's.
async fn size_story(
    State(state): State<AppState>,
    _: LegacyAccess,
    Path(id): Path<String>,
    body: Result<Json<LegacySizeBody>, ApiError>,
) -> ApiResult<Json<LegacyStory>> {
    let Json(input) = body.map_err(as_bad_request)?;
    let size = size(input.size)?;
    if size == UNSIZED {
        return Err(ApiError::BadRequest(
            "`size` \"0\" means unsized; send the final size".into(),
        ));
    }
    let vote = state.store.vote_record(&id).await?;
    unless_a_member_owns(&vote)?;
    let size = on_the_deck(&vote, size, rules::final_size)?;
    state.store.close(&id, &size, rules::now()).await?;
    Ok(Json(story(&state.store.vote_record(&id).await?)))
}

/// `GET /stories/:id/votes`: each voter's latest size in the current round. Before the
/// reveal only external voters' sizes are listed (2016 clients read back their own);
/// members' stay sealed.
async fn list_story_votes(
    State(state): State<AppState>,
    _: LegacyAccess,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<LegacyVote>>> {
    let history = state.store.vote(&id).await?;
    let sealed = history.vote.state == VoteState::Open;
    let votes = history
        .current_ballots()
        .filter(|b| !sealed || rules::is_external(&b.voter))
        .map(|b| LegacyVote {
            id: b.id.clone(),
            version: 0,
            story: id.clone(),
            size: b.card.clone(),
            user_id: user_id_of(&b.voter),
            created_at: b.created_at,
            updated_at: b.cast_at,
        })
        .collect();
    Ok(Json(votes))
}

/// `POST /stories/:id/votes {size, userId?}`: casts (or replaces) that user's ballot; a
/// vote without `userId` is an anonymous ballot of its own.
async fn cast_story_vote(
    State(state): State<AppState>,
    _: LegacyAccess,
    Path(id): Path<String>,
    body: Result<Json<LegacySizeBody>, ApiError>,
) -> ApiResult<Json<LegacyVote>> {
    let Json(input) = body.map_err(as_bad_request)?;
    let size = size(input.size)?;
    let vote = state.store.vote_record(&id).await?;
    let size = on_the_deck(&vote, size, rules::card)?;
    let voter = match input.user_id.or(input.slack_user_id).as_deref() {
        Some(user_id) => voter_of(user_id)?,
        None => format!("anonymous:{}", hex::encode(rand::random::<[u8; 8]>())),
    };
    let outcome = state
        .store
        .cast_ballot(BallotCast {
            vote_id: id.clone(),
            voter,
            card: size,
            reason: None,
            name: None,
            at: rules::now(),
        })
        .await?;
    let ballot = outcome.ballot;
    Ok(Json(LegacyVote {
        user_id: user_id_of(&ballot.voter),
        id: ballot.id,
        version: 0,
        story: id,
        size: ballot.card,
        created_at: ballot.created_at,
        updated_at: ballot.cast_at,
    }))
}
