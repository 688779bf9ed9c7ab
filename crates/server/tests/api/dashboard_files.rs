//! Serving the built dashboard on the API's origin: deep links, cache lifetimes,
//! compression, and API paths that stay JSON.

use asyncvoter_server::auth::passwords;
use asyncvoter_server::store::MemberRecord;
use asyncvoter_server::{LegacyApi, Settings, Visibility, rules};
use asyncvoter_test_support::TestServer;
use asyncvoter_wire::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{As, spawn_app_with_settings};

const INDEX: &str = "<!doctype html><html><head><script type=module src=/app-0123456789abcdef.js></script></head><body></body></html>";

/// A server whose `--ui-dir` holds an index and one hashed script.
async fn serve_dashboard() -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("dist");
    std::fs::create_dir(&ui).unwrap();
    std::fs::write(ui.join("index.html"), INDEX).unwrap();
    std::fs::write(
        ui.join("app-0123456789abcdef.js"),
        "console.log('app');".repeat(200),
    )
    .unwrap();
    let server = TestServer::start(
        &dir.path().join("ui.db"),
        TestServer::settings(LegacyApi::Token, Some(&ui)),
    )
    .await;
    (server, dir)
}

async fn get(url: &str, encoding: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    if let Some(encoding) = encoding {
        request = request.header("accept-encoding", encoding);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// A page as served, with the boot script, the first screen's answers and its first paint
/// taken out again.
fn without_boot(page: &str) -> String {
    let mut page = page.to_owned();
    while let Some(start) = page.find("<script type=\"application/json\"") {
        let end = start + page[start..].find("</script>\n").unwrap() + "</script>\n".len();
        page.replace_range(start..end, "");
    }
    // `/` also comes drawn (first_paint.rs; its content is tested with the first screen).
    if let Some(start) = page.find("<div data-first-paint>") {
        let end = start + page[start..].find("</main></div>").unwrap() + "</main></div>".len();
        page.replace_range(start..end, "");
    }
    page
}

/// The boot element of a page as served: whether votes are for members only, and the
/// member in it (JSON `null` for nobody).
fn boot_of(page: &str) -> (bool, Value) {
    let open = "id=\"asyncvoter-boot\" data-members-only=\"";
    let start = page.find(open).expect("a boot script") + open.len();
    let members_only = page[start..].starts_with("true");
    let json_start = start + page[start..].find('>').unwrap() + 1;
    let end = json_start + page[json_start..].find("</script>").unwrap();
    let json = &page[json_start..end];
    let member = if json.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(json).unwrap()
    };
    (members_only, member)
}

#[tokio::test]
async fn every_page_says_who_it_is_for_so_the_dashboard_asks_nothing_first() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("dist");
    std::fs::create_dir(&ui).unwrap();
    std::fs::write(ui.join("index.html"), INDEX).unwrap();
    for visibility in [Visibility::Public, Visibility::Members] {
        let settings = Settings {
            visibility,
            ..TestServer::settings(LegacyApi::Token, Some(&ui))
        };
        let app = spawn_app_with_settings(settings).await;
        let members_only = visibility == Visibility::Members;
        // A display name that tries to end the script changes nothing.
        let record = MemberRecord {
            username: "ana".into(),
            display_name: "</script><script>alert(1)</script>".into(),
            role: Role::Member,
            password_hash: passwords::hash("ana-secret-pass".into()).await.unwrap(),
            email: None,
            disabled: false,
        };
        app.store
            .create_member(&record, rules::now())
            .await
            .unwrap();
        let (_, ana) = app.log_in_with("ana", "ana-secret-pass").await;
        let ana = ana.expect("logged in");
        let page = app
            .send(As::Member(&ana), Method::GET, "/votes/new", None)
            .await;
        // The app's script, the boot element, and the votes waiting on ana.
        assert_eq!(page.body.matches("</script>").count(), 3, "{}", page.body);
        assert_eq!(
            boot_of(&page.body),
            (
                members_only,
                json!({"username": "ana", "display_name": "</script><script>alert(1)</script>", "role": "member", "disabled": false})
            )
        );
        let page = app.send(As::Anonymous, Method::GET, "/", None).await;
        assert_eq!(boot_of(&page.body), (members_only, Value::Null));
        let nobody = app
            .send(As::Anonymous, Method::GET, "/api/session", None)
            .await;
        assert_eq!(nobody.status, StatusCode::NO_CONTENT, "nobody is an answer");
        assert_eq!(nobody.body, "");
        app.send(As::Member(&ana), Method::DELETE, "/api/session", None)
            .await;
        let page = app.send(As::Member(&ana), Method::GET, "/", None).await;
        assert_eq!(
            boot_of(&page.body).1,
            Value::Null,
            "an ended session is nobody"
        );
    }
}

#[tokio::test]
async fn dashboard_pages_and_deep_links_answer_the_index_uncached() {
    let (server, _dir) = serve_dashboard().await;
    for path in ["/", "/history", "/insights", "/votes/new"] {
        let response = get(&format!("{}{path}", server.base), None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header(&response, "cache-control"),
            "private, no-cache",
            "{path}"
        );
        assert!(
            header(&response, "content-type").starts_with("text/html"),
            "{path}"
        );
        assert_eq!(
            without_boot(&response.text().await.unwrap()),
            INDEX,
            "{path}"
        );
    }
}

#[tokio::test]
async fn unknown_pages_get_the_index_with_404_so_the_app_shows_not_found() {
    let (server, _dir) = serve_dashboard().await;
    let response = get(&format!("{}/no/such/page", server.base), None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(without_boot(&response.text().await.unwrap()), INDEX);
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_compressed() {
    let (server, _dir) = serve_dashboard().await;
    let url = format!("{}/app-0123456789abcdef.js", server.base);
    let plain = get(&url, None).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(
        header(&plain, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    // Brotli comes from a release build's precompressed files (next test); on the fly,
    // gzip.
    for encoding in ["gzip"] {
        let compressed = get(&url, Some(encoding)).await;
        assert_eq!(header(&compressed, "content-encoding"), encoding);
        let size = compressed.bytes().await.unwrap().len();
        assert!(
            size < 200,
            "{encoding}: {size} bytes for 4 KB of repetition"
        );
    }
}

#[tokio::test]
async fn a_release_builds_precompressed_files_are_sent_as_they_are() {
    let (server, dir) = serve_dashboard().await;
    // What `scripts/precompress.mjs` writes beside each file (marked, to tell them apart).
    let ui = dir.path().join("dist");
    std::fs::write(ui.join("app-0123456789abcdef.js.br"), b"BROTLI-11").unwrap();
    std::fs::write(ui.join("app-0123456789abcdef.js.gz"), b"GZIP-9").unwrap();
    let url = format!("{}/app-0123456789abcdef.js", server.base);
    for (accepted, encoding, body) in [
        ("gzip, deflate, br, zstd", "br", "BROTLI-11"),
        ("gzip", "gzip", "GZIP-9"),
    ] {
        let response = get(&url, Some(accepted)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "content-encoding"), encoding);
        assert_eq!(
            header(&response, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(header(&response, "content-type").starts_with("text/javascript"));
        assert_eq!(response.text().await.unwrap(), body);
    }
    let plain = get(&url, None).await;
    assert!(plain.text().await.unwrap().starts_with("console.log"));
}

#[tokio::test]
async fn api_paths_stay_json_next_to_the_dashboard() {
    let (server, _dir) = serve_dashboard().await;
    let response = get(&format!("{}/api/nothing", server.base), None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(header(&response, "content-type").starts_with("application/json"));
    let health = get(&format!("{}/api/health", server.base), Some("br")).await;
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn without_a_dashboard_other_paths_are_json_404() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(
        &dir.path().join("x.db"),
        TestServer::settings(LegacyApi::Token, None),
    )
    .await;
    let response = get(&format!("{}/votes/abc", server.base), None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(header(&response, "content-type").starts_with("application/json"));
}

/// A server with a dashboard and these settings, and a helper app for the API.
async fn previews_with(settings: asyncvoter_server::Settings) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("dist");
    std::fs::create_dir(&ui).unwrap();
    std::fs::write(
        ui.join("index.html"),
        "<!doctype html><html><head><title>AsyncVoter</title></head><body></body></html>",
    )
    .unwrap();
    let settings = asyncvoter_server::Settings {
        ui_dir: Some(ui),
        ..settings
    };
    let server = TestServer::start(&dir.path().join("ui.db"), settings).await;
    (server, dir)
}

async fn api(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let response = reqwest::Client::new()
        .request(method, format!("{}{path}", server.base))
        .bearer_auth(&server.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_shared_vote_link_unfurls_with_its_escaped_name_and_no_values() {
    let settings = asyncvoter_server::Settings {
        public_url: Some("https://vote.example.org".into()),
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let (server, _dir) = previews_with(settings).await;
    let name = r#"Fix <script>alert("x")</script> & 'quotes'"#;
    let vote = api(
        &server,
        reqwest::Method::POST,
        "/api/votes",
        serde_json::json!({"name": name, "deck": "fibonacci", "project": "web", "quorum": 3}),
    )
    .await;
    let id = vote["vote"]["id"].as_str().unwrap().to_owned();
    for voter in ["slack:Ana", "slack:Ben"] {
        api(
            &server,
            reqwest::Method::PUT,
            &format!("/api/votes/{id}/ballots/{voter}"),
            serde_json::json!({"card": "13"}),
        )
        .await;
    }

    // As a chat tool fetches it: no JavaScript, no cookie.
    let response = get(&format!("{}/votes/{id}", server.base), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let escaped = "Fix &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;";
    assert!(
        html.contains(&format!(
            r#"<meta property="og:title" content="{escaped}" />"#
        )),
        "{html}"
    );
    assert!(
        html.contains(
            r#"<meta property="og:description" content="web: Voting · 2 of 3 ballots so far" />"#
        ),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"<meta property="og:url" content="https://vote.example.org/votes/{id}" />"#
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!("<title>{escaped} · AsyncVoter</title>")),
        "{html}"
    );
    assert_eq!(html.matches("<title>").count(), 1, "one title: {html}");
    assert!(!html.contains("<script>alert"), "the name is never markup");
    // The id is hex and may hold the digits; the rest of the tags must not (the first
    // screen's answers are the API's, tested for sealing in `first_screen`).
    assert!(
        !without_boot(&html).replace(&id, "").contains("13"),
        "sealed values never appear: {html}"
    );

    api(
        &server,
        reqwest::Method::POST,
        &format!("/api/votes/{id}/close"),
        serde_json::json!({"final_size": "13"}),
    )
    .await;
    let html = get(&format!("{}/votes/{id}", server.base), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"content="web: Closed · 2 ballots""#),
        "{html}"
    );
    assert!(
        !without_boot(&html).replace(&id, "").contains("13"),
        "the preview names not even the final size: {html}"
    );
}

#[tokio::test]
async fn an_unknown_vote_link_is_not_found_and_members_only_links_name_nothing() {
    let (server, _dir) = previews_with(TestServer::settings(LegacyApi::Token, None)).await;
    let response = get(
        &format!("{}/votes/0123456789abcdef01234567", server.base),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<title>AsyncVoter</title>"),
        "the app still loads"
    );

    let members_only = asyncvoter_server::Settings {
        visibility: asyncvoter_server::Visibility::Members,
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let (server, _dir) = previews_with(members_only).await;
    let vote = api(
        &server,
        reqwest::Method::POST,
        "/api/votes",
        serde_json::json!({"name": "Secret roadmap item", "deck": "tshirt"}),
    )
    .await;
    let id = vote["vote"]["id"].as_str().unwrap();
    let response = get(&format!("{}/votes/{id}", server.base), None).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the page loads and asks to log in"
    );
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("Secret roadmap item") && !html.contains("og:title"),
        "{html}"
    );
}

#[tokio::test]
async fn every_response_carries_security_headers_and_each_page_its_own_nonce() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("dist");
    std::fs::create_dir(&ui).unwrap();
    std::fs::write(
        ui.join("index.html"),
        r#"<html><head><script type="module" nonce="{{__TRUNK NONCE__}}">import init from '/app.js';</script></head></html>"#,
    )
    .unwrap();
    let server = TestServer::start(
        &dir.path().join("ui.db"),
        TestServer::settings(LegacyApi::Token, Some(&ui)),
    )
    .await;

    let mut nonces = Vec::new();
    for _ in 0..2 {
        let page = get(&format!("{}/", server.base), None).await;
        let policy = header(&page, "content-security-policy");
        let html = page.text().await.unwrap();
        assert!(!html.contains("{{__TRUNK NONCE__}}"), "{html}");
        let nonce = html
            .split("nonce=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        assert!(
            policy.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'"
            )),
            "{policy}"
        );
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a fresh nonce per response");

    for path in ["/", "/api/health", "/api/votes/nope", "/stories"] {
        let response = get(&format!("{}{path}", server.base), None).await;
        let policy = header(&response, "content-security-policy");
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            "same-origin",
            "{path}"
        );
        assert_eq!(
            header(&response, "strict-transport-security"),
            "",
            "plain http: {path}"
        );
    }
}

#[tokio::test]
async fn https_servers_add_hsts() {
    let settings = asyncvoter_server::Settings {
        public_url: Some("https://vote.example.org".into()),
        ..TestServer::settings(LegacyApi::Token, None)
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("hsts.db"), settings).await;
    let response = get(&format!("{}/api/health", server.base), None).await;
    assert_eq!(
        header(&response, "strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn a_vote_named_like_the_nonce_placeholder_never_shows_the_live_nonce() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("dist");
    std::fs::create_dir(&ui).unwrap();
    std::fs::write(
        ui.join("index.html"),
        r#"<html><head><title>AsyncVoter</title><script type="module" nonce="{{__TRUNK NONCE__}}">import init from '/app.js';</script></head></html>"#,
    )
    .unwrap();
    let server = TestServer::start(
        &dir.path().join("ui.db"),
        TestServer::settings(LegacyApi::Token, Some(&ui)),
    )
    .await;
    let vote = api(
        &server,
        reqwest::Method::POST,
        "/api/votes",
        serde_json::json!({"name": "{{__TRUNK NONCE__}}", "deck": "fibonacci"}),
    )
    .await;
    let id = vote["vote"]["id"].as_str().unwrap();
    let page = get(&format!("{}/votes/{id}", server.base), None).await;
    let policy = header(&page, "content-security-policy");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"<meta property="og:title" content="{{__TRUNK NONCE__}}" />"#),
        "the name stays as written: {html}"
    );
    assert_eq!(
        html.matches(&nonce).count(),
        1,
        "the nonce appears on the loader script only: {html}"
    );
}
