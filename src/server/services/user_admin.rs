//! Admins managing accounts: finding people, changing roles, deactivating and reactivating.
//! An admin can never demote or deactivate themselves, so a store always keeps someone able to
//! run it (another admin can).

use crate::error::AppError;
use crate::model::back_office::UserTable;
use crate::model::{Role, User};
use crate::server::auth::jwt::TokenService;
use crate::server::db::{accounts as db, back_office};
use crate::server::state::AppState;

/// The longest search a user table accepts; longer input is cut, not refused.
const SEARCH_MAX: usize = 100;

pub async fn list_users(state: &AppState, actor: &User, q: &str, page: u32) -> Result<UserTable, AppError> {
    super::require_admin(actor)?;
    let q: String = q.trim().chars().take(SEARCH_MAX).collect();
    let page = page.max(1);
    let (rows, total) = back_office::select_user_table(&state.db, &q, page).await?;
    Ok(UserTable { rows, total, page, q })
}

pub async fn change_role(state: &AppState, actor: &User, user_id: i64, role: Role) -> Result<(), AppError> {
    super::require_admin(actor)?;
    if user_id == actor.id && role != Role::Admin {
        return Err(AppError::OwnAccount);
    }
    let changed = db::update_user_role(&state.db, user_id, role, actor.id, chrono::Utc::now()).await?;
    if changed == 0 {
        return Err(AppError::not_found("user"));
    }
    tracing::info!(user_id, by = actor.id, role = role.as_str(), "role changed");
    Ok(())
}

/// Deactivating ends the person's sessions and API tokens at once; reactivating lets them sign
/// in again (with a fresh sign-in: nothing from before comes back).
pub async fn set_active(state: &AppState, actor: &User, user_id: i64, active: bool) -> Result<(), AppError> {
    super::require_admin(actor)?;
    if user_id == actor.id {
        return Err(AppError::OwnAccount);
    }
    let changed = db::update_user_active(&state.db, user_id, active, actor.id, chrono::Utc::now()).await?;
    if changed == 0 {
        // Already in that state (a repeated click) is fine; an unknown id is not.
        return match db::select_user_by_id(&state.db, user_id).await? {
            Some(_) => Ok(()),
            None => Err(AppError::not_found("user")),
        };
    }
    TokenService::revoke_all(&state.db, user_id).await?;
    tracing::info!(user_id, by = actor.id, active, "account activity changed");
    Ok(())
}
