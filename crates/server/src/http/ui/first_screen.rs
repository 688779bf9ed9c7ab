//! The answers a page's first screen needs, embedded in `index.html`, so the dashboard
//! draws it without another round trip: the first page of `/` (or of `/history`), the
//! vote on `/votes/{id}`, and for a member the votes that wait on them.
//!
//! Each answer is what the API itself gives this caller: the read runs through the API's
//! own router, with the page request's session and the same visibility guard, so sealing,
//! visibility and `my_card` cannot differ from a `fetch`. A refused or failed read embeds
//! nothing, and the dashboard asks the API as it would without this.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware;
use tower::ServiceExt;

use asyncvoter_wire::ListState;
use asyncvoter_wire::pages::{self, FIRST_SCREEN_ATTRIBUTE, LIST_PAGE, Page};

use crate::AppState;
use crate::http::{guards, routes};

/// Largest answer embedded; a bigger one is left to the dashboard to ask for.
const MOST_BYTES: usize = 256 * 1024;

/// The API, as a page's first screen reads it.
#[derive(Clone)]
pub struct FirstScreen {
    api: Router,
}

impl FirstScreen {
    /// The API's router behind its visibility guard, for `state`.
    pub fn new(state: &AppState) -> Self {
        let (api, _) = routes::api();
        let api = api
            .layer(middleware::from_fn_with_state(
                state.clone(),
                guards::visibility,
            ))
            .with_state(state.clone());
        FirstScreen { api }
    }

    /// The answers the page at `path` (with `query`, if any) embeds for the caller of
    /// `page_request`: each read with the API's answer.
    pub async fn answers(
        &self,
        page_request: &Parts,
        path: &str,
        query: Option<&str>,
        member: bool,
    ) -> Vec<(String, String)> {
        let mut answers = Vec::new();
        for read in reads(path, query, member) {
            if let Some(json) = self.answer(page_request, &read).await {
                answers.push((read, json));
            }
        }
        answers
    }

    /// The API's answer to `GET read` for the caller of `page_request`, when it is a
    /// success that is not too big.
    async fn answer(&self, page_request: &Parts, read: &str) -> Option<String> {
        let mut request = Request::builder()
            .method(Method::GET)
            .uri(read)
            .body(Body::empty())
            .ok()?;
        // The page's cookies, session and client address: the read is made as this caller.
        *request.headers_mut() = page_request.headers.clone();
        request
            .headers_mut()
            .remove(axum::http::header::ACCEPT_ENCODING);
        *request.extensions_mut() = page_request.extensions.clone();
        let response = self.api.clone().oneshot(request).await.ok()?;
        if response.status() != StatusCode::OK {
            return None;
        }
        let bytes = axum::body::to_bytes(response.into_body(), MOST_BYTES)
            .await
            .ok()?;
        String::from_utf8(bytes.to_vec()).ok()
    }
}

/// The member's waiting votes, read on every page for the header's count.
pub const WAITING: &str = "/api/me/waiting";

/// The API reads the first screen of `path` makes: those of the dashboard's first page
/// without filters, and the member's waiting votes, which the header counts everywhere.
pub fn reads(path: &str, query: Option<&str>, member: bool) -> Vec<String> {
    let unfiltered = query.is_none_or(str::is_empty);
    let mut reads = match pages::page(path) {
        Page::Ongoing if unfiltered => vec![list(ListState::Ongoing)],
        Page::History if unfiltered => vec![list(ListState::Closed)],
        Page::Vote => pages::vote_id(path).map(vote).into_iter().collect(),
        _ => Vec::new(),
    };
    if member {
        reads.push(WAITING.to_owned());
    }
    reads
}

/// The first page of a list, as the dashboard reads it.
pub fn list(state: ListState) -> String {
    format!("/api/votes?state={}&limit={LIST_PAGE}", state.as_str())
}

/// A vote, as its page reads it; `id` as the page's path has it.
pub fn vote(id: &str) -> String {
    format!("/api/votes/{id}")
}

/// The `<script type="application/json" data-api="…">` elements of `answers`.
pub fn elements(answers: &[(String, String)]) -> String {
    answers
        .iter()
        .map(|(read, json)| element(read, json))
        .collect()
}

/// One embedded answer: nothing in a vote can end the element ([`script_json`]); the path
/// is escaped as an attribute value.
fn element(read: &str, json: &str) -> String {
    let json = script_json(json);
    format!(
        "<script type=\"application/json\" {FIRST_SCREEN_ATTRIBUTE}=\"{}\">{json}</script>\n",
        asyncvoter_wire::markup::escape(read)
    )
}

/// `json` safe inside a `<script>` element: `<`, `>` and `&` (which JSON has only in its
/// strings) written as `\u` escapes, so no text can end the element.
pub fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_reads_what_its_first_screen_shows() {
        assert_eq!(
            reads("/", None, false),
            ["/api/votes?state=ongoing&limit=50"]
        );
        assert_eq!(
            reads("/history", Some(""), true),
            ["/api/votes?state=closed&limit=50", "/api/me/waiting"]
        );
        assert_eq!(reads("/votes/abc", None, false), ["/api/votes/abc"]);
        // A filtered list is asked for by the dashboard: its query is its own.
        assert_eq!(reads("/", Some("project=web"), true), ["/api/me/waiting"]);
        assert!(reads("/insights", None, false).is_empty());
    }

    #[test]
    fn nothing_in_an_answer_can_end_its_element() {
        let html = element(
            "/api/votes/a\"b",
            r#"{"name":"</script><script>alert(1)</script> & co"}"#,
        );
        assert_eq!(html.matches("</script>").count(), 1, "{html}");
        assert!(html.contains("data-api=\"/api/votes/a&quot;b\""), "{html}");
        assert!(
            html.contains(r#""\u003c/script\u003e\u003cscript\u003ealert(1)"#),
            "{html}"
        );
    }
}
