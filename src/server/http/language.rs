//! Picks each request's language before anything renders.

use crate::i18n::{Lang, LANG_COOKIE};
use axum::{
    extract::Request,
    http::{header, HeaderMap},
    middleware::Next,
    response::Response,
};

/// Middleware: puts the visitor's [`Lang`] into the request's extensions, where the page shell,
/// the page cache and server functions read it.
pub async fn choose_language(mut request: Request, next: Next) -> Response {
    let lang = request_language(request.headers());
    request.extensions_mut().insert(lang);
    next.run(request).await
}

/// The language for a request: the `lang` cookie, else `Accept-Language`, else English.
pub fn request_language(headers: &HeaderMap) -> Lang {
    let cookie = super::cookie_value(headers, LANG_COOKIE);
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Lang::negotiate(cookie, accept)
}
