//! Cross-site request forgery: a page on another site must not make a visitor's browser change
//! anything here with the visitor's cookies.
//!
//! Server functions do no such check themselves, so this middleware refuses every state-changing
//! request (anything but GET, HEAD, OPTIONS) that a browser says comes from elsewhere:
//! `Sec-Fetch-Site` other than `same-origin` (or `none`, a person typing), or else an `Origin` that
//! is neither the configured site nor the host the request was sent to. Requests with neither
//! header come from programs, or from browsers too old to send them: a `Referer` from another
//! site is refused there too; with none of the three, the request is a program's, which carries
//! no one else's cookies.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// `site_url` is the configured public origin: each middleware's state is what it reads.
pub async fn same_origin_only(State(site_url): State<Arc<str>>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // The REST API reads no cookies (Bearer tokens only), so another site's page can ride no one's
    // session through it; it is meant to be called from anywhere.
    let cookieless_api = request.uri().path().starts_with("/api/v1/");
    if safe || cookieless_api || is_same_origin(request.headers(), &site_url) {
        return next.run(request).await;
    }
    tracing::warn!(
        origin = ?request.headers().get(header::ORIGIN),
        fetch_site = ?request.headers().get("sec-fetch-site"),
        referer_origin = ?request.headers().get(header::REFERER).and_then(|v| v.to_str().ok()).map(origin_of),
        "cross-site request refused"
    );
    (StatusCode::FORBIDDEN, axum::Json(crate::error::AppError::Forbidden)).into_response()
}

fn is_same_origin(headers: &HeaderMap, site_url: &str) -> bool {
    let read = |name: &str| single(headers, name);
    let (Ok(fetch_site), Ok(origin), Ok(referer), Ok(host)) = (
        read("sec-fetch-site"),
        read(header::ORIGIN.as_str()),
        read(header::REFERER.as_str()),
        read(header::HOST.as_str()),
    ) else {
        return false;
    };
    if let Some(site) = fetch_site {
        return matches!(site, "same-origin" | "none");
    }
    match origin.or_else(|| referer.map(origin_of)) {
        None => true,
        // Or the origin this request was actually sent to (a node reached by its own address):
        // this server speaks plain HTTP (TLS ends at a proxy, whose origin is `site_url`), so
        // that is `http://` and the Host header. `https://host` is another origin: the scheme
        // counts as much as the host.
        Some(origin) => origin == site_url || origin.strip_prefix("http://").is_some_and(|at| Some(at) == host),
    }
}

/// The one value of header `name`, if sent. `Err` when it is sent twice or is not text, which no
/// browser does: such a request is refused, never read as if the header were absent (or as its
/// first value alone).
fn single<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ()> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(());
    }
    first.to_str().map(Some).map_err(|_| ())
}

/// The origin (`scheme://host:port`) of an absolute address: all before the path.
fn origin_of(address: &str) -> &str {
    let after_scheme = address.find("://").map_or(0, |at| at + 3);
    let end = address[after_scheme..].find(['/', '?', '#']).map_or(address.len(), |at| after_scheme + at);
    &address[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn browsers_from_elsewhere_are_refused() {
        let site = "https://shop.example";
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")]), site));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "cross-site"), ("origin", site)]), site));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "same-site")]), site));
        assert!(is_same_origin(&headers(&[("origin", "https://shop.example")]), site));
        assert!(is_same_origin(&headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")]), site));
        assert!(
            !is_same_origin(&headers(&[("origin", "https://127.0.0.1:3000"), ("host", "127.0.0.1:3000")]), site),
            "this server speaks plain HTTP: https://host is another origin"
        );
        assert!(!is_same_origin(&headers(&[("origin", "https://shop.example")]), "http://shop.example"));
        assert!(!is_same_origin(&headers(&[("origin", "https://evil.example"), ("host", "shop.example")]), site));
        assert!(!is_same_origin(&headers(&[("origin", "null")]), site));
        assert!(is_same_origin(&headers(&[]), site), "programs send neither header");
        assert!(is_same_origin(&headers(&[("referer", "https://shop.example/products?q=a")]), site));
        assert!(!is_same_origin(&headers(&[("referer", "https://evil.example/x")]), site), "an old browser");
        assert!(!is_same_origin(&headers(&[("referer", "https://shop.example.evil.example/")]), site));
        assert!(!is_same_origin(&headers(&[("referer", "x")]), site), "not an address of ours");
    }

    #[test]
    fn headers_no_browser_sends_are_refused_not_skipped() {
        let site = "https://shop.example";
        let mut twice = headers(&[("origin", "https://shop.example")]);
        twice.append(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!is_same_origin(&twice, site), "two origins");
        let mut fetch_twice = headers(&[("sec-fetch-site", "same-origin")]);
        fetch_twice.append("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!is_same_origin(&fetch_twice, site), "two Sec-Fetch-Site values");
        let mut unreadable = HeaderMap::new();
        unreadable.insert(header::ORIGIN, HeaderValue::from_bytes(b"https://evil.example\xff").unwrap());
        assert!(!is_same_origin(&unreadable, site), "an origin that is not text is not an absent one");
    }
}
