//! The one error type every handler returns, and how the domain's and the store's errors
//! become it.

use axum::extract::rejection::JsonRejection;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use asyncvoter_wire::{ErrorBody, ErrorDetail};

use crate::auth::AuthError;
use crate::domain::DomainError;
use crate::store::StoreError;

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// A failure as the API reports it: a status and `{"error": {"code", "message"}}`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be read.
    #[error("{0}")]
    BadRequest(String),
    /// 401: no or bad credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: known caller, not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 405: the route exists, not with this method.
    #[error("this route does not take that method")]
    MethodNotAllowed,
    /// 421: the request names a host this server does not answer to.
    #[error("{0}")]
    Misdirected(String),
    /// 409: the record's state does not allow it.
    #[error("{0}")]
    Conflict(String),
    /// 413: the body is over the limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed but breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// 429: too many attempts; retry after this many seconds.
    #[error("too many failed attempts; try again in {0} s")]
    RateLimited(u64),
    /// 503: the database cannot take the request now (why, in words); nothing was saved.
    #[error("{0}; nothing was saved, try again shortly")]
    Unavailable(&'static str),
    /// 503: the server is at a limit it keeps to stay up (why); retry after this many
    /// seconds.
    #[error("{0}; try again in {1} s")]
    Busy(&'static str, u64),
    /// 500: logged with its cause, shown as a generic message.
    #[error("something went wrong on our side")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Misdirected(_) => StatusCode::MISDIRECTED_REQUEST,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Busy(..) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::Misdirected(_) => "misdirected",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Invalid(_) => "invalid",
            ApiError::RateLimited(_) => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Busy(..) => "busy",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The body for this error.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(cause) => tracing::error!(error = ?cause, "request failed"),
            ApiError::Unavailable(reason) => tracing::warn!(reason, "database unavailable"),
            _ => {}
        }
        let retry_after = match &self {
            ApiError::Unavailable(_) => Some(5),
            ApiError::RateLimited(seconds) | ApiError::Busy(_, seconds) => Some(*seconds),
            _ => None,
        };
        let busy = matches!(self, ApiError::Busy(..));
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        if busy {
            // A refused flood should not keep its connections (and their descriptors).
            response.headers_mut().insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound(what) => ApiError::NotFound(format!("no such {what}")),
            StoreError::Conflict(message) => ApiError::Conflict(message),
            StoreError::Unavailable(cause) => {
                crate::telemetry::store_error("unavailable");
                tracing::warn!(error = %cause, "database unavailable");
                ApiError::Unavailable(crate::store::unavailable_reason(&cause))
            }
            StoreError::Other(cause) => {
                crate::telemetry::store_error("other");
                ApiError::Internal(cause.into())
            }
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> ApiError {
        match error {
            DomainError::Invalid(message) => ApiError::Invalid(message),
            DomainError::Conflict(message) => ApiError::Conflict(message),
            DomainError::Unauthenticated(message) => ApiError::Unauthorized(message),
            DomainError::Forbidden(message) => ApiError::Forbidden(message),
            DomainError::RateLimited(seconds) => ApiError::RateLimited(seconds),
            DomainError::Busy(reason, seconds) => ApiError::Busy(reason, seconds),
            DomainError::Corrupt(what) => ApiError::Internal(anyhow::anyhow!("{what}")),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> ApiError {
        match error {
            AuthError::Refused(refusal) => refusal.into(),
            AuthError::Store(error) => error.into(),
            AuthError::Internal(cause) => ApiError::Internal(anyhow::anyhow!(cause)),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let message = rejection.body_text();
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge("the request body is over 64 KiB".into())
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(
                "send the body as JSON with `Content-Type: application/json`".into(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY => ApiError::Invalid(message),
            _ => ApiError::BadRequest(message),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::BadRequest(rejection.body_text())
    }
}
