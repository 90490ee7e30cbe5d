//! The API's error answers, in the Platzi Fake Store shapes (`docs/platzi-api.md` §1.1), with the
//! statuses Tienda corrects (§12: 404 for a missing entity). Causes go to the log, never here.

use axum::{
    http::{StatusCode, Uri},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

#[derive(Debug)]
pub enum ApiError {
    /// Input that breaks a rule: one sentence per broken rule.
    Validation(Vec<String>),
    /// A path id that is not a whole number.
    BadId,
    /// No `entity` ("Product", "Category") matches `criteria` (shown as JSON).
    NotFound {
        entity: &'static str,
        criteria: serde_json::Value,
        uri: Uri,
    },
    /// A path under /api/v1 that names no endpoint.
    NoRoute {
        method: String,
        path: String,
    },
    /// No valid credentials or Bearer token.
    Unauthorized,
    /// A refresh token that is not (or no longer) valid.
    InvalidRefresh,
    /// Too many attempts; try again after this many seconds.
    RateLimited {
        retry_after_secs: u64,
    },
    Internal,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            Self::Validation(messages) => {
                (StatusCode::BAD_REQUEST, json!({"message": messages, "error": "Bad Request", "statusCode": 400}))
            }
            Self::BadId => (
                StatusCode::BAD_REQUEST,
                json!({"message": "Validation failed (numeric string is expected)", "error": "Bad Request", "statusCode": 400}),
            ),
            Self::NotFound { entity, criteria, uri } => (
                StatusCode::NOT_FOUND,
                json!({
                    "path": uri.to_string(),
                    "timestamp": super::json::timestamp(chrono::Utc::now()),
                    "name": "EntityNotFoundError",
                    "message": format!("Could not find any entity of type \"{entity}\" matching: {criteria}"),
                    "statusCode": 404,
                }),
            ),
            Self::NoRoute { method, path } => (
                StatusCode::NOT_FOUND,
                json!({"message": format!("Cannot {method} {path}"), "error": "Not Found", "statusCode": 404}),
            ),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, json!({"message": "Unauthorized", "statusCode": 401})),
            Self::InvalidRefresh => {
                (StatusCode::UNAUTHORIZED, json!({"message": "Invalid", "error": "Unauthorized", "statusCode": 401}))
            }
            Self::RateLimited { retry_after_secs } => {
                let body = json!({"message": "Too many attempts; try again later.", "error": "Too Many Requests", "statusCode": 429});
                let retry_after = [(axum::http::header::RETRY_AFTER, retry_after_secs.to_string())];
                return (StatusCode::TOO_MANY_REQUESTS, retry_after, Json(body)).into_response();
            }
            Self::Internal => {
                (StatusCode::INTERNAL_SERVER_ERROR, json!({"message": "Internal server error", "statusCode": 500}))
            }
        };
        (status, Json(body)).into_response()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error in the REST API");
        Self::Internal
    }
}

impl From<crate::error::AppError> for ApiError {
    /// Services' refusals in the API's words. Services log their own causes.
    fn from(error: crate::error::AppError) -> Self {
        use crate::error::AppError;
        match error {
            AppError::Unauthorized | AppError::BadCredentials | AppError::Forbidden => Self::Unauthorized,
            AppError::RateLimited { retry_after_secs } => Self::RateLimited { retry_after_secs },
            _ => Self::Internal,
        }
    }
}
