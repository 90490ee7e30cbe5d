//! Every `#[server]` function, one file per area. Each is a public HTTP endpoint under `/rpc`:
//! it authorizes and validates before calling a service, and returns `AppError` on failure.
//! Each file imports the service modules it calls by name (`use crate::server::services::catalog;`)
//! and calls `catalog::home(&state)`, so a call says which service answers it.

pub mod accounts;
pub mod admin_catalog;
pub mod admin_users;
pub mod cart;
pub mod catalog;
pub mod exports;
pub mod jobs;
pub mod orders;
pub mod page_context;
pub mod preferences;
pub mod stores;

/// The server state, which the router provides to every server function.
#[cfg(feature = "ssr")]
pub(crate) fn app_state() -> Result<crate::server::app::state::AppState, crate::error::AppError> {
    leptos::prelude::use_context::<crate::server::app::state::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        crate::error::AppError::Internal
    })
}

/// Where a back-office change returns to: the page it came from (same search, same page), if that
/// is a back-office path of this site; otherwise `fallback`. Never another origin.
#[cfg(feature = "ssr")]
pub(crate) fn back_office_path(return_to: Option<String>, fallback: &str) -> String {
    return_to
        .filter(|path| {
            crate::model::account::is_same_site_path(path)
                && path.starts_with("/admin/")
                && !crate::model::account::has_dot_segment(path)
        })
        .unwrap_or_else(|| fallback.to_owned())
}

/// Redirects a plain form post (no JavaScript: the browser asked for HTML) to `path`; a call from
/// an island gets its answer in place instead of navigating.
#[cfg(feature = "ssr")]
pub(crate) fn redirect_plain_form(path: &str) {
    let accepts_html = leptos::prelude::with_context(|parts: &axum::http::request::Parts| {
        let accept = parts.headers.get(axum::http::header::ACCEPT).and_then(|accept| accept.to_str().ok());
        accept.is_some_and(|accept| accept.contains("text/html"))
    })
    .unwrap_or(false);
    if accepts_html {
        leptos_axum::redirect(path);
    }
}

/// Sets the guest's cart count cookie (`None`: removes it). It lives as long as an idle session.
#[cfg(feature = "ssr")]
pub(crate) fn set_cart_cookie(state: &crate::server::app::state::AppState, count: Option<i64>) {
    use axum::http::{header, HeaderValue};
    let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    let (value, max_age) = match count {
        Some(count) => (count.clamp(0, 9_999), state.config.auth.session_idle_mins.saturating_mul(60)),
        None => (0, 0),
    };
    let cookie = format!(
        "{}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
        crate::model::cart::CART_COOKIE
    );
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        response.append_header(header::SET_COOKIE, cookie);
    }
}
