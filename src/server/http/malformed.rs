//! Requests no handler can make sense of, refused with 400 before any handler (or library) sees
//! them.
//!
//! - A NUL character in the path or query (`%00`): PostgreSQL cannot store or compare text holding
//!   one and fails the statement; no slug, filter or search term legitimately has one.
//! - A `multipart/form-data` body without a usable boundary: server_fn 0.8 panics on it while
//!   decoding, before any of our checks run. Its multipart functions parse the boundary of
//!   whatever arrives, so a request to one of them must carry a multipart type with a boundary.

use crate::error::AppError;
use crate::server::http::plain_page::{self, ClientKind};
use crate::server_fns::{accounts::UploadAvatar, admin_catalog::SaveProduct};
use axum::{
    extract::{Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use leptos::server_fn::ServerFn;
use std::sync::Arc;

/// Middleware; the state is the stylesheet's address, for the page people get.
pub async fn refuse_malformed(State(stylesheet): State<Arc<str>>, request: Request, next: Next) -> Response {
    if let Some(problem) = problem_with(&request) {
        tracing::debug!(problem, "malformed request refused");
        return match ClientKind::of(request.uri().path()) {
            ClientKind::Api => crate::server::rest::malformed(problem).into_response(),
            ClientKind::ServerFunction => {
                (StatusCode::BAD_REQUEST, Json(AppError::BadRequest(problem.into()))).into_response()
            }
            ClientKind::Page => {
                let lang = crate::server::http::language::request_language(request.headers());
                plain_page::error_page(
                    StatusCode::BAD_REQUEST,
                    lang,
                    &lang.texts().common.bad_request,
                    false,
                    &stylesheet,
                )
            }
        };
    }
    next.run(request).await
}

fn problem_with(request: &Request) -> Option<&'static str> {
    let uri = request.uri();
    // `CONNECT host:port` or `GET host:port`: no path at all (leptos_axum unwraps one and panics).
    if uri.path_and_query().is_none() || request.method() == axum::http::Method::CONNECT {
        return Some("the request names no path on this site");
    }
    let has_nul = |text: &str| text.contains('\0') || contains_encoded_nul(text);
    if has_nul(uri.path()) || uri.query().is_some_and(has_nul) {
        return Some("the address holds a NUL character");
    }
    let content_type = request.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().ok());
    let multipart_function = MULTIPART_FUNCTIONS.contains(&uri.path());
    let claims_multipart = content_type.flatten().is_some_and(is_multipart);
    if (multipart_function || claims_multipart) && !has_boundary(content_type) {
        return Some("a multipart body needs a boundary in its Content-Type");
    }
    None
}

/// Server functions that take `multipart/form-data` (server_fn panics on any other body there).
const MULTIPART_FUNCTIONS: [&str; 2] = [UploadAvatar::PATH, SaveProduct::PATH];

/// A readable multipart Content-Type with a non-empty boundary.
fn has_boundary(content_type: Option<Option<&str>>) -> bool {
    let Some(Some(content_type)) = content_type else { return false };
    is_multipart(content_type) && multer::parse_boundary(content_type).is_ok_and(|boundary| !boundary.is_empty())
}

/// `%00` in any case of hex digits.
fn contains_encoded_nul(text: &str) -> bool {
    text.as_bytes().windows(3).any(|w| w == b"%00")
}

fn is_multipart(content_type: &str) -> bool {
    content_type.trim_start().get(..10).is_some_and(|start| start.eq_ignore_ascii_case("multipart/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(uri: &str, content_type: Option<&str>) -> Request {
        let mut builder = Request::builder().uri(uri);
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn nul_bytes_and_boundaryless_multipart_are_refused() {
        assert!(problem_with(&request("/products?q=a%00b", None)).is_some());
        assert!(problem_with(&request("127.0.0.1:3000", None)).is_some(), "authority form: no path");
        assert!(problem_with(&request("/products/x%00", None)).is_some());
        assert!(problem_with(&request("/rpc/account/avatar", Some("multipart/form-data"))).is_some());
        assert!(problem_with(&request("/rpc/account/avatar", Some("Multipart/Form-Data; boundary="))).is_some());
        assert!(problem_with(&request("/rpc/a", Some("multipart/form-data; boundary=x1"))).is_none());
        assert!(problem_with(&request("/rpc/account/avatar", None)).is_some(), "no type at all");
        let form = Some("application/x-www-form-urlencoded");
        assert!(problem_with(&request("/rpc/admin/products/save", form)).is_some(), "not multipart");
        assert!(problem_with(&request("/rpc/login", form)).is_none());
        assert!(problem_with(&request("/products?q=100%25", None)).is_none());
        assert!(problem_with(&request("/products?q=%2500", None)).is_none(), "an escaped percent sign and 00");
    }
}
