//! One storage suite for every backend: each test runs against SQLite, and against
//! PostgreSQL when `ASYNCVOTER_TEST_POSTGRES` names a server (the test command sets it;
//! each run gets a database of its own, dropped afterwards).

mod backends;
mod concurrency;
mod events;
mod members;
mod notifications;
mod slack;
mod upgrades;
mod votes;
