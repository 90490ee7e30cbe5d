//! The back office's accounts: the user table, role changes, deactivation. Admins only.

use crate::error::AppError;
use crate::model::back_office::UserTable;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::server::{http::guard::signed_in_admin, services::user_admin};

/// Users whose name or email contains `q`, newest first, a page at a time.
#[server(prefix = "/rpc", endpoint = "admin/users", input = GetUrl)]
pub async fn list_users(q: Option<String>, page: Option<u32>) -> Result<UserTable, AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    user_admin::list_users(&state, &admin, q.as_deref().unwrap_or_default(), page.unwrap_or(1)).await
}

/// Gives a user the role `customer` or `admin`.
#[server(prefix = "/rpc", endpoint = "admin/users/role")]
pub async fn set_user_role(user_id: i64, role: String, return_to: Option<String>) -> Result<(), AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    let role = crate::model::Role::parse(&role).ok_or_else(|| AppError::BadRequest("unknown role".into()))?;
    user_admin::change_role(&state, &admin, user_id, role).await?;
    leptos_axum::redirect(&super::back_office_path(return_to, "/admin/users"));
    Ok(())
}

/// Deactivates (`active=false`) or reactivates a user.
#[server(prefix = "/rpc", endpoint = "admin/users/active")]
pub async fn set_user_active(user_id: i64, active: bool, return_to: Option<String>) -> Result<(), AppError> {
    let state = super::app_state()?;
    let admin = signed_in_admin()?;
    user_admin::set_active(&state, &admin, user_id, active).await?;
    leptos_axum::redirect(&super::back_office_path(return_to, "/admin/users"));
    Ok(())
}
