//! Every `#[server]` function, one file per area. Each is a public HTTP endpoint under `/rpc`:
//! it authorizes and validates before calling a service, and returns `AppError` on failure.

pub mod accounts;
pub mod admin_catalog;
pub mod admin_users;
pub mod catalog;
pub mod preferences;

/// The server state, which the router provides to every server function.
#[cfg(feature = "ssr")]
pub(crate) fn app_state() -> Result<crate::server::state::AppState, crate::error::AppError> {
    leptos::prelude::use_context::<crate::server::state::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        crate::error::AppError::Internal
    })
}
