//! Security headers on every response: a strict Content-Security-Policy (the dashboard's
//! one inline loader script runs by a per-response nonce), `nosniff`, a same-origin
//! referrer policy, HSTS when the server is reached over https, and `no-store` on the API.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::AppState;

/// What Trunk writes into `nonce` attributes (`create_nonce` in Trunk.toml); the server
/// puts a fresh nonce in its place in every `index.html` it sends.
pub const NONCE_PLACEHOLDER: &str = "{{__TRUNK NONCE__}}";

/// A year, with subdomains: browsers then refuse plain http for this host.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// A fresh nonce: 128 random bits, base64.
pub fn new_nonce() -> String {
    STANDARD.encode(rand::random::<[u8; 16]>())
}

/// The policy: scripts and wasm from this origin only (plus the inline loader carrying
/// `nonce`), no plugins, no `<base>`, no framing, API calls and event streams to this
/// origin only.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(nonce) => format!("script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; {script}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// The one `<style>` element Swagger UI's bundle adds (utoipa-swagger-ui 9's vendored
/// copy), allowed by its hash on `/api/docs` only.
const SWAGGER_UI_STYLE: &str = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

/// The policy of `/api/docs`: the default one, and Swagger UI's style by its hash.
pub fn docs_policy() -> String {
    content_security_policy(None).replace(
        "style-src 'self'",
        &format!("style-src 'self' {SWAGGER_UI_STYLE}"),
    )
}

/// Adds the security headers to every response; a response that set its own policy (an
/// `index.html` with a nonce) keeps it.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    add(response.headers_mut(), state.settings.is_https());
    // Answers depend on who asks (a session, `my_card`, members): no cache may keep them.
    if api && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn add(headers: &mut HeaderMap, https: bool) {
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = HeaderValue::from_str(&content_security_policy(None))
            .expect("the policy is a valid header value");
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_no_inline_code_but_the_nonced_loader() {
        let policy = content_security_policy(Some("abc123=="));
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc123=='"));
        for must in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(must), "{must}");
        }
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
    }

    #[test]
    fn the_docs_allow_one_style_by_hash_and_still_nothing_inline() {
        let policy = docs_policy();
        assert!(policy.contains("style-src 'self' 'sha256-"));
        assert!(!policy.contains("unsafe-inline"));
    }

    #[test]
    fn nonces_differ_and_carry_128_bits() {
        let (a, b) = (new_nonce(), new_nonce());
        assert_ne!(a, b);
        assert_eq!(STANDARD.decode(&a).unwrap().len(), 16);
    }
}
