//! The dashboard's files, from the trunk-built `--ui-dir`, on the API's origin.
//!
//! Hashed assets are cached for a year; `index.html` is kept by no shared cache and
//! answers every other non-API path, so deep links such as `/votes/{id}` load the app
//! (with link-preview tags naming the vote).

mod first_paint;
mod first_screen;
mod preview;

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get_service;
use axum::{Router, handler::HandlerWithoutStateExt};
use tower_http::services::ServeDir;

use asyncvoter_wire::Member;
use asyncvoter_wire::pages::{self, BOOT_ELEMENT, Page};
use axum::extract::FromRequestParts;

use crate::auth::Caller;
use crate::auth::oidc::Oidc;
use crate::http::headers;
use crate::{AppState, Visibility};
use first_screen::FirstScreen;
use preview::Preview;

const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";
/// Pages carry what the API answered their caller (`first_screen`): never in a shared
/// cache, and checked again each time.
const CACHE_NEVER: &str = "private, no-cache";

/// A router serving `dir`, for the app's fallback.
pub fn router(dir: PathBuf, state: AppState) -> Router {
    let index = dir.join("index.html");
    let first_screen = FirstScreen::new(&state);
    let spa = move |request: Request| {
        let index = index.clone();
        let state = state.clone();
        let first_screen = first_screen.clone();
        async move {
            let (mut parts, _) = request.into_parts();
            let path = parts.uri.path().to_owned();
            let member = page_member(&state, &mut parts).await;
            // Read before the answers: events after it reach the page through its stream.
            let newest_event = state.store.last_event_id().await.ok();
            let answers = first_screen
                .answers(&parts, &path, parts.uri.query(), member.is_some())
                .await;
            let page = PageFor {
                member: member.as_ref(),
                newest_event,
                answers: first_screen::elements(&answers),
                first_paint: first_paint_of(&path, &answers, member.as_ref()),
            };
            index_page(&index, &path, &state, page).await
        }
    };
    // A release build ships `.br` and `.gz` beside each file (`scripts/precompress.mjs`).
    let files = ServeDir::new(&dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(spa.into_service());
    Router::new()
        .fallback_service(get_service(files))
        .layer(middleware::from_fn(cache_control))
}

/// What one page's `index.html` carries for its caller.
struct PageFor<'a> {
    /// The member of the session cookie.
    member: Option<&'a Member>,
    /// The newest event when the page was written.
    newest_event: Option<i64>,
    /// The first screen's API answers, as elements.
    answers: String,
    /// The first screen as HTML, where the server draws one.
    first_paint: Option<String>,
}

/// The first screen of the page at `path` as HTML, from its `answers`: that of `/` when
/// its list was answered, that of a vote's page when the vote was.
fn first_paint_of(
    path: &str,
    answers: &[(String, String)],
    member: Option<&Member>,
) -> Option<String> {
    let answer = |read: &str| {
        answers
            .iter()
            .find(|(r, _)| r == read)
            .map(|(_, answer)| answer.as_str())
    };
    let viewer = match member {
        Some(_) => first_paint::Viewer::Member(answer(first_screen::WAITING)),
        None => first_paint::Viewer::Anonymous,
    };
    let now = chrono::Utc::now();
    match pages::page(path) {
        Page::Ongoing => {
            let list = answer(&first_screen::list(asyncvoter_wire::ListState::Ongoing))?;
            first_paint::ongoing(list, now, viewer)
        }
        Page::Vote => {
            let vote = answer(&first_screen::vote(pages::vote_id(path)?))?;
            first_paint::vote(vote, now, viewer)
        }
        _ => None,
    }
}

/// `index.html` for a page path: 200 for the dashboard's pages, 404 for the rest and for
/// unknown votes (the app then shows its not-found page).
async fn index_page(index: &Path, path: &str, state: &AppState, page: PageFor<'_>) -> Response {
    let preview = match pages::page(path) {
        Page::NotFound => Preview::Missing,
        Page::Vote => preview::for_vote(state, pages::vote_id(path).unwrap_or_default()).await,
        _ => Preview::Generic,
    };
    let status = match preview {
        Preview::Missing => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    };
    match tokio::fs::read_to_string(index).await {
        Ok(html) => {
            // One nonce per response: the loader script Trunk marked runs, nothing else inline.
            let nonce = headers::new_nonce();
            // The nonce goes in before the preview: a vote's name is never read for it.
            let html = preview::apply(&html.replace(headers::NONCE_PLACEHOLDER, &nonce), &preview);
            let members_only = state.settings.visibility == Visibility::Members;
            let boot = Boot {
                member: page.member,
                members_only,
                sso: state.settings.oidc.as_deref(),
                newest_event: page.newest_event,
            };
            let html = with_boot(&html, &boot, &page.answers);
            let html = with_first_paint(html, page.first_paint.as_deref());
            (
                status,
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_SECURITY_POLICY,
                        headers::content_security_policy(Some(&nonce)),
                    ),
                ],
                Body::from(html),
            )
                .into_response()
        }
        Err(error) => {
            tracing::error!(%error, path = %index.display(), "cannot read the dashboard's index.html");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The dashboard is not built. Run the set-up command.",
            )
                .into_response()
        }
    }
}

/// Who the page is for: the member of its session cookie (a session that ended, or a
/// token, is nobody).
async fn page_member(state: &AppState, parts: &mut axum::http::request::Parts) -> Option<Member> {
    match Caller::from_request_parts(parts, state).await {
        Ok(Caller::Member(member)) => Some(member),
        _ => None,
    }
}

/// What the boot element says (see [`BOOT_ELEMENT`]).
struct Boot<'a> {
    member: Option<&'a Member>,
    members_only: bool,
    /// The single sign-on provider, when there is one.
    sso: Option<&'a Oidc>,
    newest_event: Option<i64>,
}

/// `html` with the boot element and then `answers` before `</head>`. No display name can
/// end the script element (see [`first_screen::script_json`]). With single sign-on,
/// `data-sso` names the provider (and `data-sso-only` says passwords are off).
fn with_boot(html: &str, boot: &Boot<'_>, answers: &str) -> String {
    let json = boot
        .member
        .map(|m| first_screen::script_json(&serde_json::to_string(m).unwrap_or_default()))
        .unwrap_or_default();
    let sso = boot.sso.map_or_else(String::new, |oidc| {
        let only = if oidc.only {
            " data-sso-only=\"true\""
        } else {
            ""
        };
        format!(
            " data-sso=\"{}\"{only}",
            asyncvoter_wire::markup::escape(&oidc.name)
        )
    });
    let event = boot
        .newest_event
        .map_or_else(String::new, |id| format!(" data-event-id=\"{id}\""));
    let members_only = boot.members_only;
    let script = format!(
        "<script type=\"application/json\" id=\"{BOOT_ELEMENT}\" data-members-only=\"{members_only}\"{sso}{event}>{json}</script>\n{answers}"
    );
    match html.find("</head>") {
        Some(at) => format!("{}{script}{}", &html[..at], &html[at..]),
        None => html.to_owned(),
    }
}

/// `html` with `paint` first in its body.
fn with_first_paint(html: String, paint: Option<&str>) -> String {
    match (paint, html.find("<body>")) {
        (Some(paint), Some(at)) => {
            let at = at + "<body>".len();
            format!("{}{paint}{}", &html[..at], &html[at..])
        }
        _ => html,
    }
}

/// Long lifetimes for content-hashed files, none for everything else.
async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let policy = if hashed && response.status().is_success() {
        CACHE_FOREVER
    } else {
        CACHE_NEVER
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// True for Trunk's content-hashed names: `main-0aee2e8e4d4fcdda.css`,
/// `app-f56be83f8b1ed50_bg.wasm`.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((_, hash)) => hash.len() >= 10 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_display_name_can_end_the_boot_script() {
        let member = Member {
            username: "ana".into(),
            display_name: "</script><script>alert(1)</script> & co".into(),
            role: asyncvoter_wire::Role::Member,
            disabled: false,
            email: None,
        };
        let boot = |member, members_only, sso, newest_event| Boot {
            member,
            members_only,
            sso,
            newest_event,
        };
        let html = with_boot(
            "<html><head></head><body></body></html>",
            &boot(Some(&member), false, None, None),
            "",
        );
        assert_eq!(html.matches("</script>").count(), 1, "{html}");
        let json = &html[html.find('{').unwrap()..html.rfind("}</script>").unwrap() + 1];
        let back: Member = serde_json::from_str(json).unwrap();
        assert_eq!(back, member);
        let nobody = with_boot("<head></head>", &boot(None, true, None, Some(42)), "");
        assert!(
            nobody.contains("data-members-only=\"true\" data-event-id=\"42\"></script>"),
            "{nobody}"
        );
        let provider = Oidc::new(
            "https://id.example.com",
            "av",
            "s",
            None,
            true,
            Some("Ok\"ta"),
        )
        .unwrap();
        let sso = with_boot(
            "<head></head>",
            &boot(None, false, Some(&provider), None),
            "",
        );
        assert!(
            sso.contains("data-sso=\"Ok&quot;ta\" data-sso-only=\"true\">"),
            "{sso}"
        );
    }

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed("/main-0aee2e8e4d4fcdda.css"));
        assert!(is_hashed("/asyncvoter-dashboard-f56be83f8b1ed50_bg.wasm"));
        assert!(is_hashed("/asyncvoter-dashboard-950e6d785285e035.js"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/votes/0123456789abcdef01234567"));
        assert!(!is_hashed("/robots.txt"));
    }
}
