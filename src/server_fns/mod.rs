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

/// Runs `work`, a service call, on a task of its own and waits for its answer: for a server
/// function a render awaits outside a resource (the header's). Such a future is first polled to
/// look for resources, with a waker that does nothing, and then not again until its `Suspense`
/// renders; a read connection it took or queued for in that first poll sat idle meanwhile (and
/// was lost for good while an abandoned render's owner leaked: `http::request_scope`). On its own
/// task the work runs at once and to its end, and gives its connection back whatever becomes of
/// the caller. What the work needs from the request's context is read before, by the caller.
#[cfg(feature = "ssr")]
pub(crate) async fn detached<T, W>(work: W) -> Result<T, crate::error::AppError>
where
    T: Send + 'static,
    W: std::future::Future<Output = Result<T, crate::error::AppError>> + Send + 'static,
{
    tokio::spawn(work).await.unwrap_or_else(|failed| {
        tracing::error!(error = %failed, "a server function's task failed");
        Err(crate::error::AppError::Internal)
    })
}

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
