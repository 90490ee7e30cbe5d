//! Rendered pages for anonymous visitors, kept in memory for a short while.
//!
//! A public page is a function of its URL and the catalog, so the HTML rendered for one visitor
//! serves the next ones until it expires or the catalog changes. Each cached page carries a weak
//! ETag (weak, because compression changes the bytes but not the page), so a browser that already
//! has it gets a 304 without a body. Pages are kept per language. Requests of signed-in visitors
//! (a session cookie) or with credentials are never answered from here: their pages differ.

use crate::i18n::{Lang, LANG_COOKIE};
use crate::server::cache::TtlCache;
use axum::{
    body::{to_bytes, Body, Bytes},
    extract::{Request, State},
    http::{header, response::Parts, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::{
    hash::{DefaultHasher, Hash, Hasher},
    sync::Arc,
};

/// Larger pages are served but not kept.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// Paths that are not pages, or must always be read fresh.
const NEVER_CACHED: &[&str] = &["/rpc/", "/pkg/", "/media/", "/healthz", "/readyz", "/sitemap.xml", "/robots.txt"];
const PUBLIC_PAGE: HeaderValue = HeaderValue::from_static("public, no-cache");
/// A shared cache between us and the visitor must keep languages apart too.
const VARY: HeaderValue = HeaderValue::from_static("accept-language, cookie");

/// Rendered pages by language and URL. The middleware's state is this alone (not the whole
/// `AppState`): it is cloned for every request.
pub type PageCache = Arc<TtlCache<String, Arc<CachedPage>>>;

pub struct CachedPage {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl CachedPage {
    fn new(parts: Parts, body: Bytes) -> Self {
        let mut headers = parts.headers;
        headers.insert(header::ETAG, weak_etag(&body));
        headers.insert(header::CACHE_CONTROL, PUBLIC_PAGE);
        headers.insert(header::VARY, VARY);
        headers.remove(header::CONTENT_LENGTH);
        Self { status: parts.status, headers, body }
    }

    fn respond(&self, if_none_match: Option<&HeaderValue>, hit: bool) -> Response {
        // Preconditions apply to successful responses only (RFC 9110 §13.2.1): a cached 404 stays a 404.
        let unchanged = self.status == StatusCode::OK
            && if_none_match.is_some_and(|tags| matches_etag(tags, &self.headers[header::ETAG]));
        let mut response = if unchanged {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            (self.status, self.body.clone()).into_response()
        };
        let headers = response.headers_mut();
        for (name, value) in &self.headers {
            if !(unchanged && name == header::CONTENT_TYPE) {
                headers.insert(name, value.clone());
            }
        }
        headers.insert("x-page-cache", HeaderValue::from_static(if hit { "hit" } else { "miss" }));
        response
    }

    /// A page's weight in the cache: its size in bytes. (moka's weigher hands over `&K`.)
    #[allow(clippy::ptr_arg)]
    pub fn weigh(key: &String, page: &Arc<CachedPage>) -> u32 {
        let headers: usize = page.headers.iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
        crate::server::cache::weight(key.len() + headers + page.body.len())
    }
}

/// Middleware: answers from the cache, or renders and keeps the result.
pub async fn serve_cached(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    if !carries_only_the_language_cookie(request.headers()) {
        return private(next.run(request).await);
    }
    if !is_cacheable_request(&request) {
        return next.run(request).await;
    }
    let lang = request.extensions().get::<Lang>().copied().unwrap_or_default();
    let key = format!("{}{}", lang.code(), request.uri());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(page) = cache.get(&key).await {
        return page.respond(if_none_match.as_ref(), true);
    }
    let response = next.run(request).await;
    if !is_cacheable_response(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    // Our own renderer made this body, so reading it whole is bounded by what the pages hold.
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "rendering a page failed midway");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let page = Arc::new(CachedPage::new(parts, body));
    if page.body.len() <= MAX_PAGE_BYTES {
        cache.insert(key, page.clone()).await;
    }
    page.respond(if_none_match.as_ref(), false)
}

/// Any cookie but the language choice may stand for a signed-in visitor, however it is spelled
/// (the session layer decodes cookie names, so `tienda%5Fsession` is a session too): such requests
/// are neither served from nor stored in the cache.
fn carries_only_the_language_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|value| value.as_bytes().split(|b| *b == b';'))
        .filter(|pair| !pair.trim_ascii().is_empty())
        .all(|pair| pair.trim_ascii().strip_prefix(LANG_COOKIE.as_bytes()).is_some_and(|rest| rest.starts_with(b"=")))
}

/// A signed-in visitor's page holds their name: no cache between us and them may keep it.
fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if headers.get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html")) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    response
}

fn is_cacheable_request(request: &Request<Body>) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        && !request.headers().contains_key(header::AUTHORIZATION)
        && !NEVER_CACHED.iter().any(|prefix| path.starts_with(prefix))
}

/// Successful pages and not-found pages; never anything that sets a cookie or says otherwise.
fn is_cacheable_response(response: &Response) -> bool {
    let headers = response.headers();
    matches!(response.status(), StatusCode::OK | StatusCode::NOT_FOUND)
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CACHE_CONTROL)
        && headers.get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"))
}

fn weak_etag(body: &[u8]) -> HeaderValue {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    HeaderValue::from_str(&format!("W/\"{:016x}\"", hasher.finish())).expect("hex is a valid header value")
}

/// `If-None-Match` by weak comparison: `*`, or any listed tag equal to ours ignoring `W/`.
fn matches_etag(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let ours = opaque(etag.to_str().unwrap_or_default());
    if_none_match.to_str().is_ok_and(|list| list.split(',').any(|tag| tag.trim() == "*" || opaque(tag) == ours))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_language_cookie_keeps_a_request_cacheable() {
        let with = |cookie: &'static str| HeaderMap::from_iter([(header::COOKIE, HeaderValue::from_static(cookie))]);
        assert!(carries_only_the_language_cookie(&HeaderMap::new()));
        assert!(carries_only_the_language_cookie(&with("lang=es")));
        for session in
            ["tienda_session=x", "tienda%5Fsession=x", "tienda_session =x", "lang=es; tienda_session=x", "langx=1"]
        {
            assert!(!carries_only_the_language_cookie(&with(session)), "{session}");
        }
    }

    #[test]
    fn etags_compare_weakly_and_in_lists() {
        let ours = HeaderValue::from_static("W/\"abc\"");
        for matching in ["W/\"abc\"", "\"abc\"", "\"x\", W/\"abc\"", "*"] {
            assert!(matches_etag(&HeaderValue::from_static(matching), &ours), "{matching}");
        }
        assert!(!matches_etag(&HeaderValue::from_static("\"abd\""), &ours));
    }
}
