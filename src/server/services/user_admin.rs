//! Admins managing accounts: finding people, changing roles, deactivating and reactivating.
//! An admin can never demote or deactivate themselves, so a store always keeps someone able to
//! run it (another admin can).

use super::accounts;
use crate::error::{AppError, Entity, FieldError, FieldIssue};
use crate::model::account::{check_avatar, check_email, check_name, check_new_password, email_key};
use crate::model::back_office::UserTable;
use crate::model::{Role, User};
use crate::server::app::state::AppState;
use crate::server::auth::jwt::TokenService;
use crate::server::db::{accounts as db, accounts::AdminWrite, accounts::UserRecord, back_office};
use crate::server::media;

/// The longest search a user table accepts; longer input is cut, not refused.
const SEARCH_MAX: usize = 100;

pub async fn list_users(state: &AppState, actor: &User, q: &str, page: u32) -> Result<UserTable, AppError> {
    super::ensure_admin(actor)?;
    let q: String = q.trim().chars().take(SEARCH_MAX).collect();
    let page = page.max(1);
    let (rows, total) = back_office::select_user_table(&state.db, &q, page).await?;
    Ok(UserTable { rows, total, page, q })
}

pub async fn change_role(state: &AppState, actor: &User, user_id: i64, role: Role) -> Result<(), AppError> {
    super::ensure_admin(actor)?;
    if user_id == actor.id && role != Role::Admin {
        return Err(AppError::OwnAccount);
    }
    match db::update_user_role(&state.db, user_id, role, actor.id, chrono::Utc::now()).await? {
        AdminWrite::NoLongerAdmin => return Err(AppError::Forbidden),
        AdminWrite::Changed(0) => return Err(AppError::missing_id(Entity::User, user_id)),
        AdminWrite::Changed(_) => {}
    }
    tracing::info!(user_id, by = actor.id, role = role.as_str(), "role changed");
    Ok(())
}

/// Deactivating ends the person's sessions and API tokens at once; reactivating lets them sign
/// in again (with a fresh sign-in: nothing from before comes back).
pub async fn set_active(state: &AppState, actor: &User, user_id: i64, active: bool) -> Result<(), AppError> {
    super::ensure_admin(actor)?;
    if user_id == actor.id {
        return Err(AppError::OwnAccount);
    }
    match db::update_user_active(&state.db, user_id, active, actor.id, chrono::Utc::now()).await? {
        AdminWrite::NoLongerAdmin => return Err(AppError::Forbidden),
        // Already in that state (a repeated click) is fine; an unknown id is not.
        AdminWrite::Changed(0) => {
            return match db::select_user_by_id(&state.db, user_id).await? {
                Some(_) => Ok(()),
                None => Err(AppError::missing_id(Entity::User, user_id)),
            };
        }
        AdminWrite::Changed(_) => {}
    }
    TokenService::revoke_all(&state.db, user_id).await?;
    tracing::info!(user_id, by = actor.id, active, "account activity changed");
    Ok(())
}

/// Everyone's account, for admins: the API's `GET /users` (upstream shows it to anyone, with
/// passwords; here it names people, so it is for admins).
pub async fn list_accounts(state: &AppState, actor: &User, limit: Option<i64>) -> Result<Vec<UserRecord>, AppError> {
    super::ensure_admin(actor)?;
    Ok(db::select_users(&state.db, limit).await?)
}

/// One account: an admin may read anyone's, a person their own.
pub async fn find_account(state: &AppState, actor: &User, user_id: i64) -> Result<UserRecord, AppError> {
    if actor.id != user_id {
        super::ensure_admin(actor)?;
    }
    db::select_user_by_id(&state.db, user_id).await?.ok_or_else(|| AppError::missing_id(Entity::User, user_id))
}

/// An admin adds an account with any role, under the same rules as a registration.
pub async fn create_account(
    state: &AppState,
    actor: &User,
    form: accounts::Registration,
    role: Role,
) -> Result<UserRecord, AppError> {
    super::ensure_admin(actor)?;
    let user = accounts::create_account(state, form, role).await?;
    tracing::info!(user_id = user.id, by = actor.id, "account added by an admin");
    Ok(user)
}

/// An account created through an API (`POST /users`; GraphQL later): an admin adds anyone with
/// any role; anyone else signs a customer up, by the web form's rules and within the same
/// per-client sign-up throttle. Asking for another role without being an admin is refused before
/// anything is counted or stored, never silently turned into a customer.
pub async fn sign_up_or_add(
    state: &AppState,
    actor: Option<&User>,
    form: accounts::Registration,
    role: Option<Role>,
    client: &str,
) -> Result<UserRecord, AppError> {
    match actor {
        Some(admin) if admin.is_admin() => create_account(state, admin, form, role.unwrap_or(Role::Customer)).await,
        _ if role.is_some_and(|role| role != Role::Customer) => Err(AppError::RoleReserved),
        _ => accounts::register(state, form, client).await,
    }
}

/// A change to an account; fields left out keep their value.
#[derive(Default)]
pub struct AccountChanges {
    pub email: Option<String>,
    pub name: Option<String>,
    pub password: Option<String>,
    pub avatar: Option<String>,
    pub role: Option<Role>,
}

/// Who may change what: an admin anyone's account; a person their own name and avatar. The
/// email and password guard the account itself, so on one's own account (an admin's too) they
/// take the account page, which asks for the current password: a leaked access token must not
/// be enough to take an account over. A role is an admin's to give, never to take from oneself.
fn authorize_change(actor: &User, user_id: i64, changes: &AccountChanges) -> Result<(), AppError> {
    if actor.id != user_id {
        return super::ensure_admin(actor);
    }
    if changes.email.is_some() || changes.password.is_some() {
        return Err(AppError::Forbidden);
    }
    match changes.role {
        Some(Role::Admin) | None if actor.is_admin() => Ok(()),
        Some(_) if actor.is_admin() => Err(AppError::OwnAccount),
        Some(_) => Err(AppError::Forbidden),
        None => Ok(()),
    }
}

/// Changes an account (see [`authorize_change`] for who may). A new password ends the person's
/// sessions and tokens.
pub async fn update_account(
    state: &AppState,
    actor: &User,
    user_id: i64,
    changes: AccountChanges,
) -> Result<UserRecord, AppError> {
    authorize_change(actor, user_id, &changes)?;
    let current =
        db::select_user_by_id(&state.db, user_id).await?.ok_or_else(|| AppError::missing_id(Entity::User, user_id))?;
    let mut errors = Vec::new();
    let name = check_name(changes.name.as_deref().unwrap_or(&current.name), &mut errors);
    // The stored email is kept as it is; only a new one is judged by today's rule.
    let email = match changes.email.as_deref() {
        Some(new) => check_email(new, &mut errors),
        None => current.email.clone(),
    };
    let site = &state.config.server.site_url;
    let typed =
        changes.avatar.as_deref().map(|avatar| media::as_stored_keeping(site, avatar, [current.avatar.as_str()]));
    let avatar = check_avatar(typed.as_deref().unwrap_or(&current.avatar), &mut errors).unwrap_or_default();
    accounts::check_avatar_change(state, &current.avatar, &avatar, &mut errors).await;
    if let Some(password) = &changes.password {
        check_new_password("password", password, &mut errors);
    }
    AppError::check(errors)?;
    let password_hash = match changes.password {
        Some(password) => Some(crate::server::auth::password::hash(password).await.map_err(accounts::internal)?),
        None => None,
    };
    let role = changes.role.unwrap_or_else(|| Role::parse(&current.role).unwrap_or(Role::Customer));
    // An avatar as it was is not written back: a picture uploaded since `current` was read stays.
    let changed_avatar = (avatar != current.avatar).then_some(avatar.as_str());
    let update = db::AccountUpdate {
        email: &email,
        name: &name,
        avatar: changed_avatar,
        role,
        password_hash: password_hash.as_deref(),
        by: actor.id,
        at: chrono::Utc::now(),
    };
    match db::update_account(&state.db, user_id, &update).await {
        Ok(AdminWrite::NoLongerAdmin) => return Err(AppError::Forbidden),
        Ok(AdminWrite::Changed(0)) => return Err(AppError::missing_id(Entity::User, user_id)),
        Ok(AdminWrite::Changed(_)) => {}
        Err(db::InsertUserError::EmailTaken) => {
            return Err(AppError::Validation(vec![FieldError::new("email", FieldIssue::EmailTaken)]))
        }
        Err(db::InsertUserError::Database(error)) => return Err(error.into()),
    }
    if password_hash.is_some() {
        TokenService::revoke_all(&state.db, user_id).await?;
    }
    accounts::forget_replaced_avatar(state, &current.avatar, &avatar).await;
    tracing::info!(user_id, by = actor.id, password = password_hash.is_some(), "account changed");
    db::select_user_by_id(&state.db, user_id).await?.ok_or_else(|| AppError::missing_id(Entity::User, user_id))
}

/// Deletes an account (admins only, never their own). Their uploaded picture goes with it; what
/// they changed in the catalog stays, no longer naming them.
pub async fn delete_account(state: &AppState, actor: &User, user_id: i64) -> Result<(), AppError> {
    super::ensure_admin(actor)?;
    if actor.id == user_id {
        return Err(AppError::OwnAccount);
    }
    let current =
        db::select_user_by_id(&state.db, user_id).await?.ok_or_else(|| AppError::missing_id(Entity::User, user_id))?;
    // Orders are the store's records: their customer stays (deactivate the account instead).
    if crate::server::db::orders::count_for_user(&state.db, user_id).await? > 0 {
        return Err(AppError::HasOrders);
    }
    let deleted =
        db::delete_user(&state.db, user_id, actor.id).await.map_err(|error| match error.as_database_error() {
            // An order placed in between: the foreign key refuses the delete.
            Some(db_error) if db_error.is_foreign_key_violation() => AppError::HasOrders,
            _ => error.into(),
        })?;
    match deleted {
        AdminWrite::NoLongerAdmin => return Err(AppError::Forbidden),
        AdminWrite::Changed(0) => return Err(AppError::missing_id(Entity::User, user_id)),
        AdminWrite::Changed(_) => {}
    }
    media::uploads::remove_image(&state.config.media.dir, accounts::PICTURES, &current.avatar).await;
    tracing::info!(user_id, by = actor.id, "account deleted");
    Ok(())
}

/// Whether no account uses this email yet (compared as the store compares emails: without case).
pub async fn email_available(state: &AppState, email: &str) -> Result<bool, AppError> {
    let Some(email) = email_key(email) else {
        return Ok(true);
    };
    Ok(db::select_user_by_email(&state.db, &email).await?.is_none())
}
