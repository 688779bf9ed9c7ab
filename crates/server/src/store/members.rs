//! Members: who they are, their roles, and the names lists show of them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::records::{MemberChanges, MemberRecord, SsoProfile};

/// Members and their names.
#[async_trait]
pub trait MemberStore: Send + Sync {
    /// Adds a member. Conflict when the username is taken.
    async fn create_member(
        &self,
        member: &MemberRecord,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// A member by username.
    async fn member(&self, username: &str) -> Result<Option<MemberRecord>, StoreError>;

    /// Changes a member; disabling one ends their sessions in the same transaction.
    /// Conflict when the change would leave no active admin (counted in the write
    /// transaction, so two admins disabling each other at once cannot both succeed);
    /// NotFound for an unknown member.
    async fn update_member(
        &self,
        username: &str,
        changes: &MemberChanges,
        at: DateTime<Utc>,
    ) -> Result<MemberRecord, StoreError>;

    /// The member a single sign-on identity is, in step with what the provider says now
    /// (display name, email, and the role when an admin claim is configured, except that
    /// the last active admin stays one); made at its first login under the first free
    /// username of `profile.usernames`. Disabled members are returned as they are.
    async fn sso_member(
        &self,
        profile: &SsoProfile,
        at: DateTime<Utc>,
    ) -> Result<MemberRecord, StoreError>;

    /// Every member, by username.
    async fn members(&self) -> Result<Vec<MemberRecord>, StoreError>;

    /// Replaces a member's password hash.
    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// `(username, display name)` of the given members that exist.
    async fn display_names(
        &self,
        usernames: &[String],
    ) -> Result<Vec<(String, String)>, StoreError>;

    /// The member whose email address is `email`, ignoring case.
    async fn member_by_email(&self, email: &str) -> Result<Option<String>, StoreError>;
}
