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
    let cookie = cookie_value(headers, LANG_COOKIE);
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Lang::negotiate(cookie, accept)
}

/// The value of the named cookie, if the request carries it.
fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|list| list.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}
