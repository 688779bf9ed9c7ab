//! The typed client of the server's `/api/`. Every failure becomes an [`ApiError`] the
//! visitor can read; nothing is turned into an empty list.

use std::fmt;

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

use asyncvoter_wire::{ErrorBody, VoteDetail, VoteList};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network(String),
    /// The server answered with an error.
    Api {
        /// The HTTP status.
        status: u16,
        /// What the server said.
        body: ErrorBody,
    },
    /// The server answered something this dashboard cannot read.
    Decode(String),
}

impl ApiError {
    /// True when the server said the thing asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Api { status: 404, .. })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network(cause) => write!(f, "Could not reach the server ({cause})."),
            ApiError::Api { body, .. } => write!(f, "{}", body.error.message),
            ApiError::Decode(cause) => {
                write!(f, "The server's answer could not be read ({cause}).")
            }
        }
    }
}

impl std::error::Error for ApiError {}

/// Which votes a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoteFilter {
    /// `ongoing`, `closed`, … as the API takes it.
    pub state: &'static str,
    /// Only this project.
    pub project: Option<String>,
    /// Only names containing this.
    pub name: Option<String>,
    /// Continue after this page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: u32,
}

/// `GET /api/votes`.
pub async fn list_votes(filter: &VoteFilter) -> Result<VoteList, ApiError> {
    let limit = filter.limit.to_string();
    let mut query: Vec<(&str, &str)> = vec![("state", filter.state), ("limit", &limit)];
    for (key, value) in [
        ("project", &filter.project),
        ("q", &filter.name),
        ("cursor", &filter.cursor),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            query.push((key, value));
        }
    }
    fetch(Request::get("/api/votes").query(query)).await
}

/// `GET /api/votes/{id}`.
pub async fn get_vote(id: &str) -> Result<VoteDetail, ApiError> {
    fetch(Request::get(&format!(
        "/api/votes/{}",
        crate::routes::encode(id)
    )))
    .await
}

async fn fetch<T: DeserializeOwned>(
    request: gloo_net::http::RequestBuilder,
) -> Result<T, ApiError> {
    let response = request
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    decode(response).await
}

/// Reads a response: `T` on success, otherwise the server's error body (or, failing that,
/// its status) as an [`ApiError`].
pub async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        return serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()));
    }
    let body = serde_json::from_str::<ErrorBody>(&text).unwrap_or_else(|_| ErrorBody {
        error: asyncvoter_wire::ErrorDetail {
            code: "http".to_owned(),
            message: format!("The server answered {status} {}.", response.status_text()),
        },
    });
    Err(ApiError::Api { status, body })
}
