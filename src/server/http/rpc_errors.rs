//! Gives server-function errors their real HTTP status.
//!
//! server_fn answers every error with 500, even a malformed argument or a missing product. This
//! middleware reads the `AppError` in such a response and sets the status it stands for (400, 404,
//! ...), so clients, logs and monitors see the truth. The browser side decodes errors for any 4xx
//! or 5xx, so nothing else changes.

use crate::error::AppError;
use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};

/// Error bodies are small; anything larger is left as it is.
const MAX_ERROR_BYTES: usize = 64 * 1024;

pub async fn set_error_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/rpc/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BYTES).await else {
        // The length the router gave the original body would no longer match.
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::RateLimited { retry_after_secs } | AppError::Unavailable { retry_after_secs } = error {
            parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
