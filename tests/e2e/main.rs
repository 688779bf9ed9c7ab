//! Browser end-to-end tests: a real Chromium through chromedriver, against the real server
//! serving the trunk release build in `dist/`. Every test waits for content only the
//! running wasm renders, so a blank page fails it.
#![cfg(not(target_arch = "wasm32"))]

mod accessibility;
mod admin_pages;
mod api_docs;
mod async_loop;
mod content_security;
mod first_screen;
mod harness;
mod history_page;
mod live_updates;
mod members_flow;
mod navigation;
mod ongoing_page;
mod pages;
mod results_charts;
mod security_in_browser;
mod shared_links;
mod single_sign_on;
mod slack_in_browser;
mod vote_page;
