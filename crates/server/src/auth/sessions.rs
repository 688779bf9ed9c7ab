//! Login sessions with tower-sessions: an HttpOnly, SameSite=Lax cookie (Secure and
//! `__Host-` prefixed over https), kept in the database so they survive restarts, ending
//! at logout or after an idle timeout.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::{Expiry, Session, SessionManagerLayer, SessionStore, session_store};

use asyncvoter_wire::Member;

use crate::auth::{AuthError, Caller};
use crate::state::Settings;
use crate::store::{MemberRecord, Store};

const MEMBER_KEY: &str = "member";
const SEEN_KEY: &str = "seen";
/// How often an active session's idle timer is pushed back (each push is a write).
const TOUCH_EVERY_SECS: i64 = 300;

/// The session store of whichever database backend runs.
#[derive(Clone)]
pub struct DatabaseSessions(pub Arc<dyn SessionStore>);

impl std::fmt::Debug for DatabaseSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseSessions")
    }
}

#[async_trait]
impl SessionStore for DatabaseSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.0.create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.save(record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.0.load(id).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete(id).await
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
pub fn layer(store: &dyn Store, settings: &Settings) -> SessionManagerLayer<DatabaseSessions> {
    let idle = time::Duration::seconds(settings.session_idle.as_secs() as i64);
    SessionManagerLayer::new(DatabaseSessions(store.sessions()))
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

/// The member a session belongs to, pushing its idle timer back now and then.
pub async fn member_of(session: &Session, store: &dyn Store) -> Result<Caller, AuthError> {
    let Some(username) = session
        .get::<String>(MEMBER_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(Caller::Anonymous);
    };
    let Some(record) = store.member(&username).await? else {
        // The member was removed: the session means nothing any more.
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
    Ok(Caller::Member(Member {
        username: record.username,
        display_name: record.display_name,
        role: record.role,
    }))
}
