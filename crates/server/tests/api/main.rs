//! API tests: the real server on port 0 with a fresh SQLite file per test.

mod authorization;
mod bad_input;
mod ballots;
mod dashboard_files;
mod demo;
mod durability;
mod email;
mod events;
mod external_voters;
mod hardening;
mod helpers;
mod legacy;
mod members;
mod metrics;
mod notifications;
mod openapi;
mod overview;
mod proxy;
mod reveals;
mod sealing;
mod security;
mod slack;
mod team_loop;
mod tokens;
mod version;
mod votes;
