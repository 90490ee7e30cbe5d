//! The API's error answers, in the Platzi Fake Store shapes (`docs/api.md` §1.4), with the
//! statuses Tienda corrects (§10: 404 for a missing entity). Causes go to the log, never here.

use crate::error::{Entity, Lookup};
use axum::{
    http::StatusCode,
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
    /// No record of `entity` matches `by`: upstream's `EntityNotFoundError`, whose body names the
    /// request's path, which [`describe_missing_entity`] adds.
    NotFound {
        entity: Entity,
        by: Option<Lookup>,
    },
    /// A path under /api/v1 that names no endpoint.
    NoRoute {
        method: String,
        path: String,
    },
    /// A body that is not JSON (or a form), or cannot be read: the parser's own words.
    Malformed(String),
    /// A path the API has, asked with a method it does not take there.
    MethodNotAllowed {
        method: String,
        path: String,
    },
    /// No valid credentials or Bearer token.
    Unauthorized,
    /// A valid token whose user may not do this (a customer writing the catalog).
    Forbidden,
    /// A sign-up (or a non-admin) asking for a role other than customer.
    RoleReserved,
    /// The request clashes with what is stored (a taken name or email, a category in use, a
    /// change made in between): a sentence for people, never SQL.
    Conflict(String),
    /// Order lines that cannot be had; nothing was ordered. The body lists each line and why.
    OutOfStock(Vec<crate::model::orders::Shortfall>),
    /// A body or file over its size limit.
    TooLarge {
        max_bytes: u64,
    },
    /// An upload that is not an accepted kind of image, judged by its bytes.
    UnsupportedMediaType,
    /// A refresh token that is not (or no longer) valid.
    InvalidRefresh,
    /// Too many attempts; try again after this many seconds.
    RateLimited {
        retry_after_secs: u64,
    },
    /// The request took longer than the API allows.
    TimedOut,
    /// The request's body did not arrive whole within the time a request has.
    BodyTimedOut,
    /// The store's database cannot be reached; try again after this many seconds.
    Unavailable {
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
            Self::NotFound { entity, by } => {
                // Whole without the request's path, which only [`describe_missing_entity`] knows
                // and fills in; a 404 built outside that layer still has upstream's shape.
                let mut response =
                    (StatusCode::NOT_FOUND, Json(entity_not_found(entity, by.as_ref(), ""))).into_response();
                response.extensions_mut().insert(MissingEntity { entity, by });
                return response;
            }
            Self::NoRoute { method, path } => (
                StatusCode::NOT_FOUND,
                json!({"message": format!("Cannot {method} {path}"), "error": "Not Found", "statusCode": 404}),
            ),
            Self::MethodNotAllowed { method, path } => (
                StatusCode::METHOD_NOT_ALLOWED,
                json!({"message": format!("Cannot {method} {path}"), "error": "Method Not Allowed", "statusCode": 405}),
            ),
            Self::Malformed(message) => {
                (StatusCode::BAD_REQUEST, json!({"message": message, "error": "Bad Request", "statusCode": 400}))
            }
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                json!({"message": "Forbidden resource", "error": "Forbidden", "statusCode": 403}),
            ),
            Self::RoleReserved => (
                StatusCode::FORBIDDEN,
                json!({
                    "message": "Only an admin may create an account with a role other than customer.",
                    "error": "Forbidden",
                    "statusCode": 403,
                }),
            ),
            Self::Conflict(message) => {
                (StatusCode::CONFLICT, json!({"message": message, "error": "Conflict", "statusCode": 409}))
            }
            Self::OutOfStock(lines) => (
                StatusCode::CONFLICT,
                json!({
                    "message": "Some lines cannot be had in the quantity asked; nothing was ordered.",
                    "error": "Conflict",
                    "statusCode": 409,
                    "lines": lines.iter().map(|line| json!({
                        "productId": line.product_id,
                        "title": line.title,
                        "requested": line.requested,
                        "available": line.available,
                        "gone": line.gone,
                    })).collect::<Vec<_>>(),
                }),
            ),
            Self::TooLarge { max_bytes } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({
                    "message": format!("The request is larger than the limit of {max_bytes} bytes."),
                    "error": "Payload Too Large",
                    "statusCode": 413,
                }),
            ),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({
                    "message": "Only JPEG, PNG, GIF and WebP images are accepted.",
                    "error": "Unsupported Media Type",
                    "statusCode": 415,
                }),
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
            Self::TimedOut => (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({
                    "message": "The request took too long; try again.",
                    "error": "Service Unavailable",
                    "statusCode": 503,
                }),
            ),
            Self::BodyTimedOut => (
                StatusCode::REQUEST_TIMEOUT,
                json!({
                    "message": "The request's body did not arrive in time.",
                    "error": "Request Timeout",
                    "statusCode": 408,
                }),
            ),
            Self::Unavailable { retry_after_secs } => {
                let body = json!({
                    "message": "The store is briefly unavailable; try again in a few seconds.",
                    "error": "Service Unavailable",
                    "statusCode": 503,
                });
                let retry_after = [(axum::http::header::RETRY_AFTER, retry_after_secs.to_string())];
                return (StatusCode::SERVICE_UNAVAILABLE, retry_after, Json(body)).into_response();
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
        crate::error::AppError::from(error).into()
    }
}

impl From<crate::error::AppError> for ApiError {
    /// Services' refusals in the API's words. Services log their own causes.
    fn from(error: crate::error::AppError) -> Self {
        use crate::error::AppError;
        match error {
            AppError::Unauthorized | AppError::BadCredentials => Self::Unauthorized,
            AppError::Forbidden => Self::Forbidden,
            AppError::Validation(errors) => super::messages::validation(&errors),
            AppError::BadRequest(message) => Self::Malformed(message),
            AppError::CategoryInUse { products } => {
                Self::Conflict(format!("The category still holds {products} products; move or delete them first."))
            }
            AppError::StaleEdit => {
                Self::Conflict("The record changed while this request was applied; read it again and retry.".into())
            }
            AppError::OwnAccount => Self::Conflict("You cannot do that to your own account.".into()),
            AppError::OutOfStock(lines) => Self::OutOfStock(lines),
            AppError::OrderTransition(crate::model::orders::TransitionRefusal::AdminOnly) => Self::Forbidden,
            AppError::OrderTransition(refusal) => Self::Conflict(crate::i18n::Lang::En.texts().orders.refusal(refusal)),
            AppError::EmptyCart => Self::Validation(vec!["lines should not be empty".into()]),
            AppError::HasOrders => Self::Conflict(
                "The account has orders, which the store keeps; deactivate it instead of deleting it.".into(),
            ),
            AppError::CartChanged => Self::Conflict("The cart changed since it was reviewed; review it again.".into()),
            AppError::IdempotencyKeyReused => {
                Self::Conflict("This Idempotency-Key was already used for a different order.".into())
            }
            AppError::RoleReserved => Self::RoleReserved,
            AppError::TooLarge { max_bytes } => Self::TooLarge { max_bytes },
            AppError::UnsupportedMediaType => Self::UnsupportedMediaType,
            AppError::RateLimited { retry_after_secs } => Self::RateLimited { retry_after_secs },
            AppError::Unavailable { retry_after_secs } => Self::Unavailable { retry_after_secs },
            AppError::NotFound { entity, by } => Self::NotFound { entity, by },
            AppError::Internal | AppError::Transport(_) => Self::Internal,
        }
    }
}

/// A 404 for a missing record, waiting for the request's path (see [`describe_missing_entity`]).
#[derive(Clone, Debug)]
struct MissingEntity {
    entity: Entity,
    by: Option<Lookup>,
}

/// Middleware: gives every missing-record 404 upstream's `EntityNotFoundError` body, which names
/// the request's path and what was looked for. One place builds it, whichever handler (or
/// service) found nothing.
pub async fn describe_missing_entity(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let uri = match request.extensions().get::<axum::extract::OriginalUri>() {
        Some(original) => original.0.clone(),
        None => request.uri().clone(),
    };
    let mut response = next.run(request).await;
    let Some(MissingEntity { entity, by }) = response.extensions_mut().remove::<MissingEntity>() else {
        return response;
    };
    (StatusCode::NOT_FOUND, Json(entity_not_found(entity, by.as_ref(), &uri.to_string()))).into_response()
}

/// Upstream's `EntityNotFoundError` body for a request to `path`.
fn entity_not_found(entity: Entity, by: Option<&Lookup>, path: &str) -> serde_json::Value {
    let criteria = match by {
        Some(Lookup::Id(id)) => json!({ "id": id }),
        Some(Lookup::Slug(slug)) => json!({ "slug": slug }),
        None => json!({}),
    };
    json!({
        "path": path,
        "timestamp": super::json::timestamp(chrono::Utc::now()),
        "name": "EntityNotFoundError",
        "message": format!("Could not find any entity of type \"{}\" matching: {criteria}", entity.api_name()),
        "statusCode": 404,
    })
}
