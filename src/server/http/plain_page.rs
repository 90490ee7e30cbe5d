//! Answers given before (or instead of) rendering the app, such as a malformed address or a
//! database that cannot be reached: who is asking, and a page for people that needs nothing but
//! its words.

use crate::i18n::{ErrorText, Lang};
use crate::server::text::escape_xml;
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
};

/// Who a request comes from, by its path: each reads refusals in its own shape (the API's JSON,
/// a server function's `AppError`, a page).
#[derive(Clone, Copy)]
pub enum ClientKind {
    Api,
    ServerFunction,
    Page,
}

impl ClientKind {
    pub fn of(path: &str) -> Self {
        if path.starts_with(crate::server::rest::PREFIX) {
            Self::Api
        } else if path.starts_with("/rpc/") {
            Self::ServerFunction
        } else {
            Self::Page
        }
    }
}

/// The store's stylesheet (`stylesheet_href`, the built file's address), the title and message,
/// and a link: `again` to load the page again, otherwise to the home page. Never cached.
pub fn error_page(status: StatusCode, lang: Lang, text: &ErrorText, again: bool, stylesheet_href: &str) -> Response {
    let common = lang.texts().common;
    let (href, link) = if again { ("", common.try_again) } else { ("/", common.error_home_link) };
    let body = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title} · Tienda</title>\
         <link rel=\"stylesheet\" href=\"{stylesheet}\"></head><body><main id=\"main\">\
         <section class=\"container error-page\"><h1>{title}</h1><p>{message}</p>\
         <p class=\"error-actions\"><a class=\"button\" href=\"{href}\">{link}</a></p></section></main></body></html>",
        code = lang.code(),
        title = escape_xml(text.title),
        message = escape_xml(text.message),
        link = escape_xml(link),
        stylesheet = escape_xml(stylesheet_href),
    );
    let mut response = (status, Html(body)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
