//! API tests: the real server on port 0 with a fresh SQLite file per test.

mod bad_input;
mod ballots;
mod dashboard_files;
mod durability;
mod helpers;
mod legacy;
mod openapi;
mod reveals;
mod sealing;
mod votes;
