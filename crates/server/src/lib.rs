//! AsyncVoter's server: the REST API under `/api/`, the 2016 API under `/stories`, and
//! (from `--ui-dir`) the dashboard's files, all on one origin.
//!
//! Layers, each using only those listed before it: `domain` (records, rules, the life of
//! a vote, views with sealing, who hears of what), `store` (SQLite and PostgreSQL), `auth`
//! (who calls and what they may do), `clock`, `events`, `deadlines` and `notify`
//! (background work), `state`, `http` (router, middleware, extractors, routes, the
//! dashboard's files), `cli`.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod deadlines;
pub mod demo;
pub mod domain;
pub mod events;
pub mod http;
pub mod notify;
pub mod read_cache;
pub mod slack;
pub mod state;
pub mod store;
pub mod telemetry;

pub use domain::rules;
pub use http::{MAX_BODY_BYTES, app, serve};
pub use state::{AppState, LegacyApi, Settings, Visibility};
