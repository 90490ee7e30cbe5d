//! Every `#[server]` function, one file per area. Each is a public HTTP endpoint under `/rpc`:
//! it authorizes and validates before calling a service, and returns `AppError` on failure.
//! Each file imports the service modules it calls by name (`use crate::server::services::catalog;`)
//! and calls `catalog::home(&state)`, so a call says which service answers it.

pub mod accounts;
pub mod admin_catalog;
pub mod admin_users;
pub mod catalog;
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
        .filter(|path| crate::model::account::is_same_site_path(path) && path.starts_with("/admin/"))
        .unwrap_or_else(|| fallback.to_owned())
}
