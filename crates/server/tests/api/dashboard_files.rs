//! Serving the built dashboard on the API's origin: deep links, cache lifetimes,
//! compression, and API paths that stay JSON.

use asyncvoter_server::LegacyApi;
use asyncvoter_server::testing::TestServer;
use reqwest::StatusCode;

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

#[tokio::test]
async fn dashboard_pages_and_deep_links_answer_the_index_uncached() {
    let (server, _dir) = serve_dashboard().await;
    for path in ["/", "/history", "/votes/0123456789abcdef01234567"] {
        let response = get(&format!("{}{path}", server.base), None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        assert!(
            header(&response, "content-type").starts_with("text/html"),
            "{path}"
        );
        assert_eq!(response.text().await.unwrap(), INDEX, "{path}");
    }
}

#[tokio::test]
async fn unknown_pages_get_the_index_with_404_so_the_app_shows_not_found() {
    let (server, _dir) = serve_dashboard().await;
    let response = get(&format!("{}/no/such/page", server.base), None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.text().await.unwrap(), INDEX);
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
    for encoding in ["br", "gzip"] {
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
