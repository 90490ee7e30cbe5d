//! Asking for exports, and the inbox where they arrive: the catalog and orders CSVs (admins, from
//! the back office) and "export my data" (anyone signed in, from their account page).

use crate::error::AppError;
use crate::model::jobs::{InboxEntry, RequestStatus};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::server::{
    http::guard,
    services::{backup, downloads, exports, reports},
};

/// Queues a CSV of the catalog; the admin follows it on the jobs page.
#[server(prefix = "/rpc", endpoint = "admin/exports/catalog")]
pub async fn export_catalog() -> Result<bool, AppError> {
    let state = super::app_state()?;
    let user = guard::signed_in_admin()?;
    let queued = exports::request_catalog(&state.db, &user, super::page_context::request_language()).await?;
    super::redirect_plain_form(crate::model::paths::ADMIN_JOBS);
    Ok(queued)
}

/// Queues a CSV of the orders placed from `from` to `to` (days, both included).
#[server(prefix = "/rpc", endpoint = "admin/exports/orders")]
pub async fn export_orders(from: String, to: String) -> Result<bool, AppError> {
    let state = super::app_state()?;
    let user = guard::signed_in_admin()?;
    let lang = super::page_context::request_language();
    let queued = exports::request_orders(&state.db, &user, &from, &to, lang).await?;
    super::redirect_plain_form(crate::model::paths::ADMIN_JOBS);
    Ok(queued)
}

/// Queues the sales report (a PDF) of the days `from` to `to`.
#[server(prefix = "/rpc", endpoint = "admin/reports/sales")]
pub async fn sales_report(from: String, to: String) -> Result<bool, AppError> {
    let state = super::app_state()?;
    let user = guard::signed_in_admin()?;
    let lang = super::page_context::request_language();
    let queued = reports::request_sales_report(&state.db, &user, &from, &to, lang).await?;
    super::redirect_plain_form(crate::model::paths::ADMIN_JOBS);
    Ok(queued)
}

/// Queues a backup of the whole store, delivered to the admin's inbox.
#[server(prefix = "/rpc", endpoint = "admin/backup")]
pub async fn backup_now() -> Result<bool, AppError> {
    let state = super::app_state()?;
    let user = guard::signed_in_admin()?;
    let queued = backup::request(&state.db, &user, super::page_context::request_language()).await?;
    super::redirect_plain_form(crate::model::paths::ADMIN_JOBS);
    Ok(queued)
}

/// Queues a ZIP of everything the store holds about the signed-in person; it arrives by e-mail
/// and in their inbox.
#[server(prefix = "/rpc", endpoint = "account/export")]
pub async fn export_my_data() -> Result<bool, AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    let queued = exports::request_my_data(&state.db, &user, super::page_context::request_language()).await?;
    super::redirect_plain_form(&format!("{}?saved=export", crate::model::paths::ACCOUNT));
    Ok(queued)
}

/// Where the signed-in person's latest "export my data" stands.
#[server(prefix = "/rpc", endpoint = "account/export/status", input = GetUrl)]
pub async fn my_export_status() -> Result<Option<RequestStatus>, AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    exports::my_data_status(&state.db, &user).await
}

/// The signed-in person's files, which count as seen from now on.
#[server(prefix = "/rpc", endpoint = "account/inbox", input = GetUrl)]
pub async fn my_inbox() -> Result<Vec<InboxEntry>, AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    downloads::inbox(&state.db, &user).await
}

/// How many files the signed-in person has not seen yet (0 for a visitor).
#[server(prefix = "/rpc", endpoint = "account/inbox/unseen", input = GetUrl)]
pub async fn unseen_in_inbox() -> Result<i64, AppError> {
    let state = super::app_state()?;
    match guard::current_user()? {
        Some(user) => downloads::unseen(&state.db, &user).await,
        None => Ok(0),
    }
}
