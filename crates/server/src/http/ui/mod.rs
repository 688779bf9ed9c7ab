//! The dashboard's files, from the trunk-built `--ui-dir`, on the API's origin.
//!
//! Hashed assets are cached for a year; `index.html` is never cached and answers every
//! other non-API path, so deep links such as `/votes/{id}` load the app (with link-preview
//! tags naming the vote).

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
use preview::Preview;

const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";
const CACHE_NEVER: &str = "no-cache";

/// A router serving `dir`, for the app's fallback.
pub fn router(dir: PathBuf, state: AppState) -> Router {
    let index = dir.join("index.html");
    let spa = move |request: Request| {
        let index = index.clone();
        let state = state.clone();
        async move {
            let path = request.uri().path().to_owned();
            let member = page_member(&state, request).await;
            index_page(&index, &path, &state, member.as_ref()).await
        }
    };
    let files = ServeDir::new(&dir)
        .append_index_html_on_directories(false)
        .fallback(spa.into_service());
    Router::new()
        .fallback_service(get_service(files))
        .layer(middleware::from_fn(cache_control))
}

/// `index.html` for a page path: 200 for the dashboard's pages, 404 for the rest and for
/// unknown votes (the app then shows its not-found page).
async fn index_page(
    index: &Path,
    path: &str,
    state: &AppState,
    member: Option<&Member>,
) -> Response {
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
            let html = with_boot(&html, member, members_only, state.settings.oidc.as_deref());
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
async fn page_member(state: &AppState, request: Request) -> Option<Member> {
    let (mut parts, _) = request.into_parts();
    match Caller::from_request_parts(&mut parts, state).await {
        Ok(Caller::Member(member)) => Some(member),
        _ => None,
    }
}

/// `html` with the boot element (see [`BOOT_ELEMENT`]) before `</head>`. `<`, `>` and `&`
/// are escaped in the JSON, so no display name can end the script element. With single
/// sign-on, `data-sso` names the provider (and `data-sso-only` says passwords are off).
fn with_boot(
    html: &str,
    member: Option<&Member>,
    members_only: bool,
    sso: Option<&Oidc>,
) -> String {
    let json = member
        .map(|m| serde_json::to_string(m).unwrap_or_default())
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let sso = sso.map_or_else(String::new, |oidc| {
        let only = if oidc.only {
            " data-sso-only=\"true\""
        } else {
            ""
        };
        format!(
            " data-sso=\"{}\"{only}",
            crate::http::setup::escape(&oidc.name)
        )
    });
    let script = format!(
        "<script type=\"application/json\" id=\"{BOOT_ELEMENT}\" data-members-only=\"{members_only}\"{sso}>{json}</script>\n"
    );
    match html.find("</head>") {
        Some(at) => format!("{}{script}{}", &html[..at], &html[at..]),
        None => html.to_owned(),
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
        let html = with_boot(
            "<html><head></head><body></body></html>",
            Some(&member),
            false,
            None,
        );
        assert_eq!(html.matches("</script>").count(), 1, "{html}");
        let json = &html[html.find('{').unwrap()..html.rfind("}</script>").unwrap() + 1];
        let back: Member = serde_json::from_str(json).unwrap();
        assert_eq!(back, member);
        let nobody = with_boot("<head></head>", None, true, None);
        assert!(
            nobody.contains("data-members-only=\"true\"></script>"),
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
        let sso = with_boot("<head></head>", None, false, Some(&provider));
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
