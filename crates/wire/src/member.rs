//! Members, their sessions and passwords.

use serde::{Deserialize, Serialize};

/// What a member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Votes, starts votes, manages their own.
    Member,
    /// Also reveals, re-opens and closes any vote, and manages members.
    Admin,
}

impl Role {
    /// The role as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
        }
    }
}

/// A member as others see them; never carries a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    /// Lower-case login name; their voter id.
    pub username: String,
    /// The name to show.
    pub display_name: String,
    /// What they may do.
    pub role: Role,
    /// Left the team: cannot log in; their ballots and votes stay theirs. Only admins
    /// are shown disabled members.
    #[serde(default)]
    pub disabled: bool,
    /// Where their notifications go: shown to admins and to the member themself only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Body of `PATCH /api/members/{username}`: what an admin changes; a field left out
/// stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberPatch {
    /// The name to show, 1 to 60 printable characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 60,
            pattern = "^[^\\s\\x00-\\x1f\\x7f-\\x9f]([^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f])?$"
        )
    )]
    pub display_name: Option<String>,
    /// Their email address; `""` removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 254,
            pattern = "^$|^[^\\s<>,;\"@\\x00-\\x1f\\x7f-\\x9f]+@[^\\s<>,;\"@.\\x00-\\x1f\\x7f-\\x9f][^\\s<>,;\"@\\x00-\\x1f\\x7f-\\x9f]*\\.[^\\s<>,;\"@\\x00-\\x1f\\x7f-\\x9f]*[^\\s<>,;\"@.\\x00-\\x1f\\x7f-\\x9f]$"
        )
    )]
    pub email: Option<String>,
    /// Their role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// `true` disables the member (their sessions end at once), `false` enables them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// Body of `POST /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Login {
    /// The member's username.
    pub username: String,
    /// Their password.
    pub password: String,
}

/// Body of `POST /api/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMember {
    /// 2–32 of `a-z 0-9 . _ -`, starting with a letter or digit.
    pub username: String,
    /// The name to show (defaults to the username).
    #[serde(default)]
    pub display_name: Option<String>,
    /// At least 8 characters.
    pub password: String,
    /// `member` (default) or `admin`.
    #[serde(default)]
    pub role: Option<Role>,
}

/// Body of `PUT /api/members/{username}/password`: an admin sets a new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    /// At least 8 characters.
    pub password: String,
}

/// Body of `PUT /api/session/password`: a member changes their own password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    /// The password in use now.
    pub current_password: String,
    /// At least 8 characters.
    pub new_password: String,
}
