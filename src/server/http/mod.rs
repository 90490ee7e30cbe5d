//! What sits between a connection and a page, server function or API handler: request guards
//! and limits, the security headers, the page cache, the error pages, and the plain endpoints
//! (probes, robots.txt, the sitemap).

pub mod body_limit;
pub mod csp;
pub mod csrf;
pub mod downloads;
pub mod endpoints;
pub mod form_echo;
pub mod guard;
pub mod language;
pub mod malformed;
pub mod page_cache;
pub mod pkg_files;
pub mod plain_page;
pub mod request_scope;
pub mod rpc_errors;
pub mod static_files;
pub mod unavailable;

/// The value of the named cookie, if the request carries it.
pub fn cookie_value<'h>(headers: &'h axum::http::HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|list| list.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}
