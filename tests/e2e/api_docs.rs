//! `/api/docs`: Swagger UI for the generated OpenAPI document, its files served by the
//! server itself, running under the same Content-Security-Policy (no inline code).

use crate::harness::{World, poll_until};

#[tokio::test]
async fn the_api_docs_render_every_tag_under_the_strict_policy() {
    let world = World::start().await;
    let tab = &world.browser;
    tab.browser_log().await; // what came before is not this page's
    tab.open("/api/docs/").await;
    poll_until("Swagger UI showing the document", || async {
        tab.texts_of(".swagger-ui .info .title")
            .await
            .iter()
            .any(|t| t.starts_with("AsyncVoter API"))
    })
    .await;
    poll_until("the operations listed by tag", || async {
        let tags = tab.texts_of(".swagger-ui .opblock-tag").await;
        ["votes", "ballots", "session", "notifications", "events"]
            .iter()
            .all(|tag| tags.iter().any(|t| t.starts_with(tag)))
    })
    .await;
    let operations = tab.texts_of(".swagger-ui .opblock-summary-path").await;
    assert!(
        operations
            .iter()
            .any(|p| p.contains("/api/votes/{id}/ballots/{voter}")),
        "{operations:?}"
    );
    for width in [1440, 390] {
        tab.screenshot("api-docs", width).await;
    }
    let log = tab.browser_log().await;
    let refused: Vec<&String> = log
        .iter()
        .filter(|line| line.contains("Content Security Policy") || line.contains("Refused"))
        .collect();
    assert!(refused.is_empty(), "{refused:?}");
}
