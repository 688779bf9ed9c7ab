//! The JSON shapes that AsyncVoter's server and dashboard exchange.
//!
//! Data, and the contracts both sides must read alike (which page a path is, which votes
//! a list state holds); no I/O. A field renamed here fails to compile on both sides.
//! With the `openapi` feature every type also derives its OpenAPI schema.

pub mod error;
pub mod event;
pub mod legacy;
pub mod markup;
pub mod member;
pub mod notify;
pub mod overview;
pub mod pages;
pub mod statistics;
pub mod timestamp;
pub mod token;
pub mod vote;
pub mod words;

pub use error::{ErrorBody, ErrorDetail};
pub use event::{EventKind, Ready, Resync, StreamData, VoteEvent};
pub use member::{Login, Member, MemberPatch, NewMember, PasswordChange, PasswordReset, Role};
pub use notify::{
    CreatedWebhook, Delivery, LinkedSlackUser, MemberSettings, NewWebhook, SlackLink, Webhook,
    WebhookData, WebhookPayload,
};
pub use overview::{
    DeckSizes, Overview, ProjectVotes, RevealBucket, RevealTimes, SizeCount, VoterBallots,
};
pub use statistics::{AgreementLabel, CardCount, Statistics};
pub use token::{CreatedToken, NewToken, Scope, Token};
pub use vote::*;
