//! Login sessions with tower-sessions: an HttpOnly, SameSite=Lax cookie (Secure and
//! `__Host-` prefixed over https), kept in the database so they survive restarts, ending
//! at logout or after an idle timeout.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::{Expiry, Session, SessionManagerLayer, SessionStore, session_store};

use crate::auth::{AuthError, Caller};
use crate::state::Settings;
use crate::store::{MemberRecord, SessionRecord, Store, StoreError};

const MEMBER_KEY: &str = "member";
const SEEN_KEY: &str = "seen";
/// How often an active session's idle timer is pushed back (each push is a write).
const TOUCH_EVERY_SECS: i64 = 300;

/// tower-sessions' store over ours: records are kept by the SHA-256 of their id, with
/// the member they belong to in a column of its own.
#[derive(Clone)]
pub struct DatabaseSessions(pub Arc<dyn Store>);

impl std::fmt::Debug for DatabaseSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseSessions")
    }
}

/// What the sessions table keeps of a session id: its SHA-256 in hex. Ids are 128 random
/// bits, so a fast hash suffices.
pub fn id_hash(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn stored(record: &Record) -> session_store::Result<SessionRecord> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let expires_at = DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0)
        .ok_or_else(|| session_store::Error::Encode("expiry out of range".into()))?;
    Ok(SessionRecord {
        id_hash: id_hash(&record.id),
        member: record
            .data
            .get(MEMBER_KEY)
            .and_then(|m| m.as_str())
            .map(str::to_owned),
        data,
        expires_at,
    })
}

fn backend(error: StoreError) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

#[async_trait]
impl SessionStore for DatabaseSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let created = self
                .0
                .create_session(&stored(record)?, Utc::now())
                .await
                .map_err(backend)?;
            if created {
                return Ok(());
            }
            // Two random 128-bit ids met: draw again.
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.save_session(&stored(record)?).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(found) = self
            .0
            .session(&id_hash(id), Utc::now())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&found.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(found.expires_at.timestamp())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete_session(&id_hash(id)).await.map_err(backend)
    }
}

/// The cookie's name: `__Host-` prefixed when served over https.
pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.is_https() {
        "__Host-asyncvoter"
    } else {
        "asyncvoter"
    }
}

/// The layer that loads and saves sessions.
pub fn layer(store: Arc<dyn Store>, settings: &Settings) -> SessionManagerLayer<DatabaseSessions> {
    let idle = time::Duration::seconds(settings.session_idle.as_secs() as i64);
    SessionManagerLayer::new(DatabaseSessions(store))
        .with_name(cookie_name(settings))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.is_https())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

fn session_error(error: tower_sessions::session::Error) -> AuthError {
    AuthError::Internal(format!("session: {error}"))
}

/// Starts a member's session under a new id, so an id planted before login is useless.
pub async fn log_in(session: &Session, member: &MemberRecord) -> Result<(), AuthError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(MEMBER_KEY, &member.username)
        .await
        .map_err(session_error)?;
    session
        .insert(SEEN_KEY, Utc::now().timestamp())
        .await
        .map_err(session_error)
}

/// Ends the session everywhere: its record is deleted and the cookie cleared.
pub async fn log_out(session: &Session) -> Result<(), AuthError> {
    session.flush().await.map_err(session_error)
}

/// After a password change: every session of `member` ends, and `current` (if it is
/// theirs) goes on under a new id, so a copy of its old cookie is useless too.
pub async fn end_all_but(
    store: &dyn Store,
    member: &str,
    current: Option<&Session>,
) -> Result<(), AuthError> {
    store.end_sessions_of(member, None).await?;
    if let Some(session) = current {
        // The record is in memory: cycling stores it again under a fresh id.
        session.cycle_id().await.map_err(session_error)?;
    }
    Ok(())
}

/// The member a session belongs to, pushing its idle timer back now and then.
pub async fn member_of(session: &Session, store: &dyn Store) -> Result<Caller, AuthError> {
    let Some(username) = session
        .get::<String>(MEMBER_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(Caller::Anonymous);
    };
    let Some(record) = store.member(&username).await?.filter(|m| !m.disabled) else {
        // The member was removed or disabled: the session means nothing any more.
        log_out(session).await?;
        return Ok(Caller::Anonymous);
    };
    let now = Utc::now().timestamp();
    let seen = session
        .get::<i64>(SEEN_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    if now - seen > TOUCH_EVERY_SECS {
        session.insert(SEEN_KEY, now).await.map_err(session_error)?;
    }
    Ok(Caller::Member(record.account()))
}
