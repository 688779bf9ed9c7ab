//! The OpenAPI document covers every `/api/` route the server answers.

use reqwest::{Method, StatusCode};

use crate::helpers::*;

#[tokio::test]
async fn the_document_lists_every_api_route_with_its_methods() {
    let app = spawn_app().await;
    let reply = app
        .send(As::Anonymous, Method::GET, "/api/openapi.json", None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let expected = [
        ("/api/health", "get"),
        ("/api/votes", "get"),
        ("/api/votes", "post"),
        ("/api/votes/{id}", "get"),
        ("/api/votes/{id}", "patch"),
        ("/api/me/waiting", "get"),
        ("/api/me/settings", "get"),
        ("/api/me/settings", "put"),
        ("/api/me/slack", "get"),
        ("/api/me/slack", "post"),
        ("/api/unsubscribe", "get"),
        ("/api/unsubscribe", "post"),
        ("/api/webhooks", "get"),
        ("/api/webhooks", "post"),
        ("/api/webhooks/{id}", "delete"),
        ("/api/webhooks/{id}/deliveries", "get"),
        ("/api/webhooks/{id}/test", "post"),
        ("/api/notifications", "get"),
        ("/api/projects/{name}", "get"),
        ("/api/projects/{name}", "put"),
        ("/api/votes/{id}/ballots/{voter}", "put"),
        ("/api/votes/{id}/ballots/{voter}", "delete"),
        ("/api/votes/{id}/reveal", "post"),
        ("/api/votes/{id}/rounds", "post"),
        ("/api/votes/{id}", "delete"),
        ("/api/projects", "get"),
        ("/api/votes/export", "get"),
        ("/api/votes/{id}/close", "post"),
        ("/api/openapi.json", "get"),
        ("/api/session", "post"),
        ("/api/session", "get"),
        ("/api/session", "delete"),
        ("/api/session/password", "put"),
        ("/api/members", "get"),
        ("/api/members", "post"),
        ("/api/members/{username}/password", "put"),
        ("/api/members/{username}", "patch"),
        ("/api/tokens", "get"),
        ("/api/tokens", "post"),
        ("/api/tokens/{name}", "delete"),
        ("/api/stats/overview", "get"),
        ("/api/events", "get"),
    ];

    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in expected {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is documented"
        );
    }
    let operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        operations,
        expected.len(),
        "no undocumented or stray operation"
    );
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    let kinds = doc["components"]["schemas"]["EventKind"]["enum"].to_string();
    for kind in ["vote_updated", "reminder_sent", "final_size_changed"] {
        assert!(kinds.contains(kind), "{kind} in {kinds}");
    }
    assert!(doc["components"]["securitySchemes"]["integration_token"].is_object());
    assert!(doc["components"]["securitySchemes"]["session_cookie"].is_object());
}
