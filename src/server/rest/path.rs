//! A path segment (`{id}`, `{slug}`, `{name}`), read without axum's plain-text rejection: a
//! segment that is not UTF-8 once decoded (`/products/%FF`) gets the API's JSON 400 too.

use super::errors::ApiError;
use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
};

pub struct Segment(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(segment)) => Ok(Self(segment)),
            Err(rejection) => Err(ApiError::Malformed(format!("The path is malformed: {}", rejection.body_text()))),
        }
    }
}
