//! Rendered pages for anonymous visitors, kept in memory for a short while.
//!
//! A public page is a function of its URL and the catalog, so the HTML rendered for one visitor
//! serves the next ones until it expires or the catalog changes. Each cached page carries a weak
//! ETag (weak, because compression changes the bytes but not the page), so a browser that already
//! has it gets a 304 without a body. Pages are kept per language. Requests of signed-in visitors
//! (a session cookie) or with credentials are never answered from here: their pages differ.
//!
//! One exception keeps shoppers on the fast path: a guest with a cart carries the cart cookie (its
//! count) beside their session. Their catalog pages are the anonymous ones but for the header's
//! count, so they get the cached page with their count written into the badge; a miss renders
//! the anonymous page (their cookies set aside) and keeps it for everyone.
//!
//! A page is also kept brotli-compressed, made once, for the first visitor who asks for brotli:
//! compressing it again on every hit (the response compression layer does that for whatever
//! arrives uncompressed) cost more than serving it, and every browser asks for brotli. The copy is
//! made when an anonymous visitor who accepts brotli stores the page, or else at the first hit
//! that asks for it (the page is then stored again, so the cache weighs the copy too, with the
//! time it had left); never for a client that did not ask, nor for a guest (their count is written
//! into the plain page). Made for every page kept, whoever asked, a client that sends a new
//! address each time (a crawler of search pages, an attack) had a copy nobody would read made on
//! every request, which cost more than rendering the page: the demo's searches no cache can
//! answer went from 2,159 a second with the caches off to 1,292 with them on. A page that is not kept (the cache off, the page too large) is compressed only for a client
//! that asks for brotli, once, on its way out.

use crate::i18n::{Lang, LANG_COOKIE};
use crate::model::cart::{cart_badge_html, CART_COOKIE};
use crate::server::auth::session::SESSION_COOKIE;
use crate::server::cache::TtlCache;
use axum::{
    body::{to_bytes, Body, Bytes},
    extract::{Request, State},
    http::{header, response::Parts, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::{
    ops::Range,
    sync::{Arc, OnceLock},
};

/// Larger pages are served but not kept.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// Paths that are not pages, or must always be read fresh.
const NEVER_CACHED: &[&str] =
    &["/rpc/", "/pkg/", "/media/", "/healthz", "/readyz", "/sitemap.xml", "/sitemaps/", "/robots.txt"];
/// Pages whose address holds a secret: a password reset link's token. No cache, ours or any on
/// the way, may keep them, and no link or request they make to another site may carry their
/// address away in a `Referer`.
const SECRET_IN_ADDRESS: &[&str] = &["/login/reset"];
/// Pages a guest's session changes (their cart, their checkout, signing in): never rendered
/// without their cookies.
const GUEST_PERSONAL: &[&str] = &["/cart", "/checkout", "/account", "/admin", "/login", "/register"];
const PUBLIC_PAGE: HeaderValue = HeaderValue::from_static("public, no-cache");
const PERSONAL_PAGE: HeaderValue = HeaderValue::from_static("private, no-cache");
/// A shared cache between us and the visitor must keep languages and encodings apart too.
const VARY: HeaderValue = HeaderValue::from_static("accept-language, cookie, accept-encoding");
/// Brotli's quality for the kept copy: about gzip's size at a third less, in about a millisecond
/// for a listing page (quality 11 would be a tenth smaller again, at fifty times the time).
const BROTLI_QUALITY: u32 = 5;
const BROTLI_WINDOW_BITS: u32 = 22;

/// Rendered pages by language and URL: the middleware's state, cloned for every request.
pub type PageCache = Arc<TtlCache<String, Arc<CachedPage>>>;

pub struct CachedPage {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// `body` brotli-compressed, for every visitor who accepts it (not for a guest's count); none
    /// until a visitor who accepts it asks (see the module's documentation), and none for a page
    /// that is not kept, which is compressed on its way out like any answer.
    brotli: Option<Bytes>,
    /// Where the header's empty cart badge lies in `body`: a guest with a cart gets the page with
    /// their count written there. Looked up the first time such a guest gets the page (then kept
    /// with it), never for the anonymous visitors most pages are served to.
    badge: OnceLock<Option<Range<usize>>>,
    /// The page's language: the badge's label is in it.
    lang: Lang,
}

impl CachedPage {
    /// `compress`: whether to make the brotli copy now, for a page that will be kept and was asked
    /// for compressed (see the module's documentation).
    fn new(parts: Parts, body: Bytes, lang: Lang, compress: bool) -> Self {
        let mut headers = parts.headers;
        headers.insert(header::ETAG, weak_etag(&body));
        headers.insert(header::CACHE_CONTROL, PUBLIC_PAGE);
        headers.insert(header::VARY, VARY);
        headers.remove(header::CONTENT_LENGTH);
        let brotli = compress.then(|| brotli_of(&body));
        Self { status: parts.status, headers, body, brotli, badge: OnceLock::new(), lang }
    }

    /// The same page with its brotli copy made.
    fn compressed(&self) -> Self {
        Self {
            status: self.status,
            headers: self.headers.clone(),
            body: self.body.clone(),
            brotli: Some(brotli_of(&self.body)),
            badge: self.badge.clone(),
            lang: self.lang,
        }
    }

    fn respond(&self, if_none_match: Option<&HeaderValue>, accepts_brotli: bool, hit: bool) -> Response {
        // Preconditions apply to successful responses only (RFC 9110 §13.2.1): a cached 404 stays a 404.
        let unchanged = self.status == StatusCode::OK
            && if_none_match.is_some_and(|tags| matches_etag(tags, &self.headers[header::ETAG]));
        let mut response = if unchanged {
            StatusCode::NOT_MODIFIED.into_response()
        } else if let (true, Some(brotli)) = (accepts_brotli, &self.brotli) {
            let mut response = (self.status, brotli.clone()).into_response();
            response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            response
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

    /// The page with a guest's cart count in the header's badge (the header renders the badge of
    /// a count of 0 once, before any product text). Private, and without an ETag: the count is
    /// theirs, and a validator of the shared page would not cover it.
    fn respond_with_cart_count(&self, count: i64, hit: bool) -> Response {
        let label = self.lang.texts().orders.items_in_cart;
        let badge = self.badge.get_or_init(|| {
            let empty = cart_badge_html(0, label);
            memchr::memmem::find(&self.body, empty.as_bytes()).map(|at| at..at + empty.len())
        });
        let body = match badge {
            Some(badge) if count != 0 => {
                let mut body = Vec::with_capacity(self.body.len() + 8);
                body.extend_from_slice(&self.body[..badge.start]);
                body.extend_from_slice(cart_badge_html(count, label).as_bytes());
                body.extend_from_slice(&self.body[badge.end..]);
                Bytes::from(body)
            }
            _ => self.body.clone(),
        };
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        for (name, value) in &self.headers {
            if name != header::ETAG {
                headers.insert(name, value.clone());
            }
        }
        headers.insert(header::CACHE_CONTROL, PERSONAL_PAGE);
        headers.insert("x-page-cache", HeaderValue::from_static(if hit { "hit" } else { "miss" }));
        response
    }

    /// A page's weight in the cache: its size in bytes. (moka's weigher hands over `&K`.)
    #[allow(clippy::ptr_arg)]
    pub fn weigh(key: &String, page: &Arc<CachedPage>) -> u32 {
        let headers: usize = page.headers.iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
        crate::server::cache::weight(key.len() + headers + page.body.len() + page.brotli.as_ref().map_or(0, Bytes::len))
    }
}

/// Middleware: answers from the cache, or renders and keeps the result.
pub async fn serve_cached(State(cache): State<PageCache>, mut request: Request, next: Next) -> Response {
    if SECRET_IN_ADDRESS.iter().any(|prefix| request.uri().path().starts_with(prefix)) {
        return kept_nowhere(next.run(request).await);
    }
    let cart_count = match visitor_of(request.headers()) {
        Visitor::Anonymous => None,
        Visitor::GuestWithCart(count) if !is_guest_personal(request.uri().path()) => Some(count),
        _ => return private(next.run(request).await),
    };
    if !is_cacheable_request(&request) {
        return next.run(request).await;
    }
    if cart_count.is_some() {
        // Rendered as for anyone: the page kept must not know this guest (nor load their session).
        request.headers_mut().remove(header::COOKIE);
        request.extensions_mut().remove::<tower_sessions::Session>();
    }
    let lang = request.extensions().get::<Lang>().copied().unwrap_or_default();
    let key = format!("{}{}", lang.code(), request.uri());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let accepts_brotli = accepts_brotli(request.headers());
    if let Some(page) = cache.get(&key).await {
        return match cart_count {
            Some(count) => page.respond_with_cart_count(count, true),
            None if accepts_brotli && page.brotli.is_none() => {
                let compressed = Arc::new(page.compressed());
                cache.replace(key, |kept| Arc::ptr_eq(kept, &page), compressed.clone()).await;
                compressed.respond(if_none_match.as_ref(), true, true)
            }
            None => page.respond(if_none_match.as_ref(), accepts_brotli, true),
        };
    }
    let clears = cache.clears();
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
    let keep = cache.is_enabled() && body.len() <= MAX_PAGE_BYTES;
    let page = Arc::new(CachedPage::new(parts, body, lang, keep && accepts_brotli && cart_count.is_none()));
    if keep {
        cache.insert_unless_cleared(clears, key, page.clone()).await;
    }
    match cart_count {
        Some(count) => page.respond_with_cart_count(count, false),
        None => page.respond(if_none_match.as_ref(), accepts_brotli, false),
    }
}

/// `body` as brotli at [`BROTLI_QUALITY`].
fn brotli_of(body: &[u8]) -> Bytes {
    use std::io::Write;
    let mut writer =
        brotli::CompressorWriter::new(Vec::with_capacity(body.len() / 4), 4096, BROTLI_QUALITY, BROTLI_WINDOW_BITS);
    writer.write_all(body).expect("writing to memory cannot fail");
    Bytes::from(writer.into_inner())
}

/// Whether `Accept-Encoding` lists `br` without refusing it (`br;q=0`).
fn accepts_brotli(headers: &HeaderMap) -> bool {
    let offers = headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok());
    offers.flat_map(|value| value.split(',')).any(|offer| {
        let mut parts = offer.split(';').map(str::trim);
        let coding = parts.next().unwrap_or_default();
        let refused = parts.any(|param| {
            let param = param.replace(' ', "");
            param
                .strip_prefix("q=")
                .or_else(|| param.strip_prefix("Q="))
                .is_some_and(|q| q.parse::<f32>().map_or(true, |q| q <= 0.0))
        });
        coding.eq_ignore_ascii_case("br") && !refused
    })
}

/// Who a request's cookies say is asking, as far as the cache is concerned.
#[derive(Debug, PartialEq, Eq)]
enum Visitor {
    /// No cookie but the language: the pages everyone gets.
    Anonymous,
    /// A session and the cart cookie with this count (and perhaps the language), nothing else.
    GuestWithCart(i64),
    /// Anything else may be someone signed in.
    Personal,
}

fn visitor_of(headers: &HeaderMap) -> Visitor {
    let mut cart = None;
    let mut session = false;
    let pairs = headers.get_all(header::COOKIE).iter().flat_map(|value| value.as_bytes().split(|b| *b == b';'));
    for pair in pairs.map(<[u8]>::trim_ascii).filter(|pair| !pair.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => return Visitor::Personal,
        };
        match name {
            name if name == LANG_COOKIE.as_bytes() => {}
            name if name == SESSION_COOKIE.as_bytes() && !session => session = true,
            name if name == CART_COOKIE.as_bytes() && cart.is_none() => {
                let count = std::str::from_utf8(value).ok().and_then(|v| v.parse::<i64>().ok());
                match count {
                    Some(count @ 0..=9_999) => cart = Some(count),
                    _ => return Visitor::Personal,
                }
            }
            _ => return Visitor::Personal,
        }
    }
    match (session, cart) {
        (false, None) => Visitor::Anonymous,
        (true, Some(count)) => Visitor::GuestWithCart(count),
        _ => Visitor::Personal,
    }
}

fn is_guest_personal(path: &str) -> bool {
    GUEST_PERSONAL
        .iter()
        .any(|prefix| path == *prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/')))
}

/// A signed-in visitor's page holds their name: no cache between us and them may keep it.
fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if headers.get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html")) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    response
}

/// A page whose address is a secret: stored by no cache, and named in no `Referer` to another
/// site. (Not `no-referrer`, nor `strict-origin`: a refused plain-form post is sent back to its
/// `Referer`, which must hold the token; and under `no-referrer` a browser sends `Origin: null`
/// with the page's own form, which the same-origin check must refuse.)
fn kept_nowhere(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
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
    let hash = xxhash_rust::xxh3::xxh3_64(body);
    HeaderValue::from_str(&format!("W/\"{hash:016x}\"")).expect("hex is a valid header value")
}

/// `If-None-Match` by weak comparison: `*`, or any listed tag equal to ours ignoring `W/`.
fn matches_etag(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let ours = opaque(etag.to_str().unwrap_or_default());
    if_none_match.to_str().is_ok_and(|list| list.split(',').any(|tag| tag.trim() == "*" || opaque(tag) == ours))
}

#[cfg(test)]
mod tests {
    #[test]
    fn brotli_is_taken_unless_refused() {
        let accepts = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
            accepts_brotli(&headers)
        };
        for yes in ["br", "gzip, deflate, br, zstd", "BR;q=0.5", "gzip;q=1.0, br ; q=0.1"] {
            assert!(accepts(yes), "{yes}");
        }
        for no in ["gzip", "br;q=0", "br; q=0.000", "br;q=nonsense", "brotli", "identity", ""] {
            assert!(!accepts(no), "{no}");
        }
        assert!(!accepts_brotli(&HeaderMap::new()));
    }

    use super::*;

    #[test]
    fn only_a_language_cookie_keeps_a_request_anonymous() {
        let with = |cookie: &'static str| HeaderMap::from_iter([(header::COOKIE, HeaderValue::from_static(cookie))]);
        assert_eq!(visitor_of(&HeaderMap::new()), Visitor::Anonymous);
        assert_eq!(visitor_of(&with("lang=es")), Visitor::Anonymous);
        for session in [
            "tienda_session=x",
            "tienda%5Fsession=x",
            "tienda_session =x",
            "lang=es; tienda_session=x",
            "langx=1",
            "tienda_cart=3",
            "tienda_session=x; tienda_cart=3; other=1",
            "tienda_session=x; tienda_cart=-1",
            "tienda_session=x; tienda_cart=99999999999999999999",
            "tienda_session=x; tienda_cart=3; tienda_cart=4",
        ] {
            assert_eq!(visitor_of(&with(session)), Visitor::Personal, "{session}");
        }
        assert_eq!(visitor_of(&with("lang=es; tienda_session=x; tienda_cart=3")), Visitor::GuestWithCart(3));
    }

    #[test]
    fn a_guests_count_goes_into_the_badge_only() {
        let badge = cart_badge_html(0, Lang::En.texts().orders.items_in_cart);
        let body = format!("<header>{badge}</header><main>{badge}</main>");
        let page = CachedPage::new(Response::new(()).into_parts().0, Bytes::from(body), Lang::En, true);
        let response = page.respond_with_cart_count(7, true);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "private, no-cache");
        assert!(!response.headers().contains_key(header::ETAG));
        let body = futures_body(response);
        assert!(body.starts_with("<header><span class=\"cart-count\" data-cart-count=\"7\""), "{body}");
        assert!(body.ends_with(&format!("<main>{badge}</main>")));
    }

    fn futures_body(response: Response) -> String {
        let bytes = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(to_bytes(response.into_body(), usize::MAX))
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
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
