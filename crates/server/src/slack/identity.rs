//! Who a Slack user is here: the member they are linked to (by a one-time link, or by an
//! email address Slack says they confirmed that a member also gave), or else the external
//! voter `slack:TEAM:USER`.

use asyncvoter_wire::Role;
use chrono::{DateTime, Duration, Utc};

use super::api::WebApi;
use crate::domain::records::{MemberRecord, VoteRecord};
use crate::store::{Store, StoreError};

/// How long a lookup that found no member stands before Slack is asked again.
const RECHECK_AFTER: Duration = Duration::minutes(10);

/// A Slack user as a voter.
#[derive(Debug, Clone, PartialEq)]
pub enum SlackVoter {
    /// Linked to this member: their ballots are the member's.
    Member(MemberRecord),
    /// Not linked: votes as `slack:TEAM:USER`.
    External(String),
}

impl SlackVoter {
    /// The voter id ballots are cast under.
    pub fn id(&self) -> &str {
        match self {
            SlackVoter::Member(member) => &member.username,
            SlackVoter::External(id) => id,
        }
    }

    /// Whether they may reveal, re-open or close `vote`: its owner, or an admin.
    pub fn may_manage(&self, vote: &VoteRecord) -> bool {
        match self {
            SlackVoter::Member(member) => {
                member.role == Role::Admin || vote.owner.as_deref() == Some(&member.username)
            }
            SlackVoter::External(id) => vote.owner.as_deref() == Some(id),
        }
    }
}

/// The external voter id of a Slack user.
pub fn external_id(team: &str, user: &str) -> String {
    format!("slack:{team}:{user}")
}

/// Who `user` of workspace `team` is, asking Slack for their confirmed email when it has
/// not been looked up lately. When Slack cannot answer, they vote as themselves.
pub async fn voter(
    store: &dyn Store,
    api: &WebApi,
    team: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<SlackVoter, StoreError> {
    let known = store.slack_user(team, user).await?;
    let member = match known {
        Some(record) if record.member.is_some() || now - record.checked_at < RECHECK_AFTER => {
            record.member
        }
        _ => match api.confirmed_email(user).await {
            Ok(email) => {
                let member = match email {
                    Some(email) => store.member_by_email(&email).await?,
                    None => None,
                };
                store
                    .save_slack_user(team, user, member.as_deref(), now)
                    .await?;
                member
            }
            Err(error) => {
                tracing::warn!(%error, "Slack did not say who a user is; they vote as themselves");
                None
            }
        },
    };
    if let Some(username) = member
        && let Some(record) = store.member(&username).await?
    {
        return Ok(SlackVoter::Member(record));
    }
    Ok(SlackVoter::External(external_id(team, user)))
}
