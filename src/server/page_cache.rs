//! Rendered pages for anonymous visitors, kept in memory for a short while.
//!
//! A public page is a function of its URL and the catalog, so the HTML rendered for one visitor
//! serves the next ones until it expires or the catalog changes (the services that write clear
//! it with the catalog cache). Each cached page carries an ETag, so a browser that already has it
//! gets a 304 without a body. Requests with cookies are never answered from here: once visitors
//! can sign in, their pages differ.

use super::state::AppState;
use axum::{
    body::{to_bytes, Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::{
    hash::{DefaultHasher, Hash, Hasher},
    sync::Arc,
};

/// Larger pages are served but not kept.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// All kept pages together stay under this, however many distinct URLs visitors (or bots) ask for.
pub const CACHE_BYTES: u64 = 32 * 1024 * 1024;
/// Paths that are not pages, or must always be read fresh.
const NEVER_CACHED: &[&str] = &["/rpc/", "/pkg/", "/media/", "/healthz", "/readyz", "/sitemap.xml", "/robots.txt"];
const PUBLIC_PAGE: HeaderValue = HeaderValue::from_static("public, no-cache");

#[derive(Clone)]
pub struct CachedPage {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    etag: HeaderValue,
    body: Bytes,
}

impl CachedPage {
    fn respond(&self, request_headers: &HeaderMap, hit: bool) -> Response {
        let fresh = request_headers.get(header::IF_NONE_MATCH).is_some_and(|tag| tag == self.etag);
        let mut response = if fresh {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            (self.status, self.body.clone()).into_response()
        };
        let headers = response.headers_mut();
        if let (false, Some(content_type)) = (fresh, &self.content_type) {
            headers.insert(header::CONTENT_TYPE, content_type.clone());
        }
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::CACHE_CONTROL, PUBLIC_PAGE);
        headers.insert("x-page-cache", HeaderValue::from_static(if hit { "hit" } else { "miss" }));
        response
    }
}

/// Middleware: answers from the cache, or renders and keeps the result.
pub async fn serve_cached(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_cacheable_request(&request) {
        return next.run(request).await;
    }
    let key = request.uri().to_string();
    let request_headers = request.headers().clone();
    if let Some(page) = state.page_cache.get(&key).await {
        return page.respond(&request_headers, true);
    }
    let response = next.run(request).await;
    if !is_cacheable_response(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            tracing::warn!(%error, "page too large to cache or body failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let page = Arc::new(CachedPage {
        status: parts.status,
        content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
        etag: etag_of(&body),
        body,
    });
    state.page_cache.insert(key, page.clone()).await;
    page.respond(&request_headers, false)
}

fn is_cacheable_request(request: &Request<Body>) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        && !request.headers().contains_key(header::COOKIE)
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

/// A page's weight in the cache: its size in bytes.
pub fn weigh(key: &String, page: &Arc<CachedPage>) -> u32 {
    (key.len() + page.body.len()).try_into().unwrap_or(u32::MAX)
}

fn etag_of(body: &[u8]) -> HeaderValue {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish())).expect("hex is a valid header value")
}
