//! A path segment (`{id}`, `{slug}`, `{name}`), read without axum's plain-text rejection: a
//! segment that is not UTF-8 once decoded (`/products/%FF`) or not percent-encoding at all
//! (`/products/slug/%`, which axum would pass on as a literal `%`) gets the API's JSON 400.

use super::errors::ApiError;
use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
};

pub struct Segment(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        // Path parameters arrive decoded, so the check reads the path as it was sent.
        if !is_percent_encoding(parts.uri.path()) {
            return Err(ApiError::Malformed("The path is malformed: a % must start a %XX escape".into()));
        }
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(segment)) => Ok(Self(segment)),
            Err(rejection) => Err(ApiError::Malformed(format!("The path is malformed: {}", rejection.body_text()))),
        }
    }
}

/// Every `%` starts an escape of two hex digits (`%2F`), as a URL's path requires.
fn is_percent_encoding(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.iter().enumerate().filter(|(_, byte)| **byte == b'%').all(|(at, _)| {
        bytes.get(at + 1).is_some_and(u8::is_ascii_hexdigit) && bytes.get(at + 2).is_some_and(u8::is_ascii_hexdigit)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_percent_sign_must_start_an_escape() {
        assert!(super::is_percent_encoding("caf%C3%A9"));
        assert!(super::is_percent_encoding("plain-slug"));
        assert!(!super::is_percent_encoding("%"));
        assert!(!super::is_percent_encoding("50%off"));
        assert!(!super::is_percent_encoding("%4"));
        assert!(!super::is_percent_encoding("%zz"));
    }
}
