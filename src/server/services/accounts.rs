//! Accounts: registering, signing in, changing a profile or password. Every rule about accounts
//! lives here, for the pages' server functions and the REST API alike.

use crate::error::{AppError, FieldError, FieldIssue};
use crate::model::account::{
    check_avatar, check_email, check_name, check_new_password, email_key, EMAIL_MAX, PASSWORD_MAX,
};
use crate::model::{Role, User};
use crate::server::{
    app::state::AppState,
    auth::{jwt::TokenService, password, throttle},
    db::{
        accounts::{self as db, InsertUserError, NewUser},
        Db,
    },
    media::{self, uploads},
};
use tokio::sync::OnceCell;

/// Where uploaded pictures of people live, under the media directory.
pub(crate) use crate::server::media::PICTURES;

pub use crate::server::db::accounts::UserRecord;

/// What a person types to register.
pub struct Registration {
    pub name: String,
    pub email: String,
    pub password: String,
    pub avatar: Option<String>,
}

/// Creates a customer account for someone registering themselves from `client` (an address):
/// at most `auth.signups_per_client_per_hour` an hour, then 429. Field problems come back
/// together, as `Validation`, before anything is counted: a mistyped form costs no sign-up, while
/// every attempt that reaches the database (a taken email included) does.
pub async fn register(state: &AppState, form: Registration, client: &str) -> Result<UserRecord, AppError> {
    let checked = check_registration(state, form).await?;
    throttle::sign_up(&state.db, client, state.config.auth.signups_per_client_per_hour).await?;
    insert_account(state, checked, Role::Customer).await
}

/// Creates an account with `role`: a registration, or an admin adding someone (who checked the
/// caller's right first).
pub(super) async fn create_account(state: &AppState, form: Registration, role: Role) -> Result<UserRecord, AppError> {
    insert_account(state, check_registration(state, form).await?, role).await
}

/// A registration whose every field passed its rule.
struct CheckedRegistration {
    name: String,
    email: String,
    password: String,
    avatar: String,
}

/// Every field problem of a registration at once, as `Validation`.
async fn check_registration(state: &AppState, form: Registration) -> Result<CheckedRegistration, AppError> {
    let mut errors = Vec::new();
    let name = check_name(&form.name, &mut errors);
    let email = check_email(&form.email, &mut errors);
    check_new_password("password", &form.password, &mut errors);
    let typed = form.avatar.as_deref().map(|avatar| media::as_stored(&state.config.server.site_url, avatar));
    let avatar = typed.as_deref().and_then(|a| check_avatar(a, &mut errors)).unwrap_or_default();
    // A new account has no picture of its own yet: naming someone's upload would let it delete
    // (or export) their file.
    check_avatar_change(state, "", &avatar, &mut errors).await;
    AppError::check(errors)?;
    Ok(CheckedRegistration { name, email, password: form.password, avatar })
}

async fn insert_account(state: &AppState, form: CheckedRegistration, role: Role) -> Result<UserRecord, AppError> {
    let CheckedRegistration { name, email, password, avatar } = form;
    let password_hash = password::hash(password).await.map_err(internal)?;
    let at = chrono::Utc::now();
    let user = NewUser { email: &email, name: &name, role, avatar: &avatar, password_hash: &password_hash, at };
    let id = match db::insert_user(&state.db, &user).await {
        Ok(id) => id,
        Err(InsertUserError::EmailTaken) => {
            return Err(AppError::Validation(vec![FieldError::new("email", FieldIssue::EmailTaken)]))
        }
        Err(InsertUserError::Database(error)) => return Err(error.into()),
    };
    tracing::info!(user_id = id, role = role.as_str(), "account created");
    find_user(state, id).await?.ok_or(AppError::Internal)
}

/// Checks an email and password, within the sign-in throttle. Whether the email exists is never
/// revealed: an unknown email costs the same hash check and gets the same answer.
pub async fn authenticate(
    state: &AppState,
    email: &str,
    password: String,
    client: &str,
) -> Result<UserRecord, AppError> {
    let normalized = email_key(email);
    let email = normalized.clone().unwrap_or_else(|| throttle_name(email));
    let attempt = throttle::begin(&state.db, &state.config.auth, throttle::AttemptKeys::new(&email, client)).await?;
    // A malformed email names no account; it still costs a hash check, like an unknown one.
    let user = match &normalized {
        Some(email) => db::select_user_by_email(&state.db, email).await?,
        None => None,
    };
    let stored_hash = match &user {
        Some(user) => user.password_hash.clone(),
        None => unknown_user_hash().await?,
    };
    let matches = password.chars().count() <= PASSWORD_MAX && password::verify(password, stored_hash).await;
    match user {
        // Only someone who knows the password learns that the account was deactivated.
        Some(user) if matches && !user.active => Err(AppError::Forbidden),
        Some(user) if matches => {
            throttle::succeeded(&state.db, attempt).await?;
            tracing::info!(user_id = user.id, "signed in");
            Ok(user)
        }
        _ => Err(AppError::BadCredentials),
    }
}

/// A bounded key for an email that is not one (so junk cannot grow the throttle table).
/// What a malformed email is counted under: bounded, and without control characters (PostgreSQL
/// cannot store a NUL).
fn throttle_name(raw: &str) -> String {
    raw.trim().to_lowercase().chars().map(|c| if c.is_control() { '?' } else { c }).take(EMAIL_MAX).collect()
}

/// The user a session or token names, if they still exist, are active and `auth_version` is
/// still theirs.
pub async fn resolve(db: &Db, user_id: i64, auth_version: i64) -> Result<Option<User>, AppError> {
    Ok(still_signed_in(db, user_id, auth_version).await?.map(|u| u.to_user()))
}

/// The stored user behind a session or token minted under `auth_version`, if that sign-in still
/// stands: the account exists, is active, and its password has not changed since.
async fn still_signed_in(db: &Db, user_id: i64, auth_version: i64) -> Result<Option<UserRecord>, AppError> {
    let user = db::select_user_by_id(db, user_id).await?;
    Ok(user.filter(|u| u.active && u.auth_version == auth_version))
}

pub async fn find_user(state: &AppState, id: i64) -> Result<Option<UserRecord>, AppError> {
    Ok(db::select_user_by_id(&state.db, id).await?)
}

/// Changes a user's name and avatar link. An uploaded picture can be kept or replaced, but no one
/// can point their avatar at someone else's upload (replacing it later would delete theirs).
pub async fn update_profile(state: &AppState, user_id: i64, name: &str, avatar: &str) -> Result<User, AppError> {
    let current = find_user(state, user_id).await?.ok_or(AppError::Unauthorized)?;
    let mut errors = Vec::new();
    let name = check_name(name, &mut errors);
    let typed = media::as_stored_keeping(&state.config.server.site_url, avatar, [current.avatar.as_str()]);
    let avatar = check_avatar(&typed, &mut errors).unwrap_or_default();
    check_avatar_change(state, &current.avatar, &avatar, &mut errors).await;
    AppError::check(errors)?;
    // An avatar left as it was is not written: a picture uploaded meanwhile stays. A changed one
    // replaces what the row holds by the write, which another change may have set since `current`
    // was read, and that is the picture to delete.
    let changed = (avatar != current.avatar).then_some(avatar.as_str());
    let replaced = db::replace_user_avatar(&state.db, user_id, Some(&name), changed, chrono::Utc::now()).await?;
    if let (Some(avatar), Some(replaced)) = (changed, replaced) {
        forget_replaced_avatar(state, &replaced, avatar).await;
    }
    let user = find_user(state, user_id).await?.ok_or(AppError::Unauthorized)?;
    Ok(user.to_user())
}

/// An avatar may stay what it is, or become a link; never someone else's uploaded picture
/// (replacing or deleting the account later would delete their file), nor a link into the
/// store's files that names none.
pub(super) async fn check_avatar_change(state: &AppState, current: &str, avatar: &str, errors: &mut Vec<FieldError>) {
    let judged = errors.iter().any(|error| error.field == "avatar");
    if judged || avatar == current || !avatar.starts_with("/media/") {
        return;
    }
    if avatar.starts_with(&format!("/media/{PICTURES}/")) {
        errors.push(FieldError::new("avatar", FieldIssue::InvalidUrl));
    } else if !media::serves(&state.config.media.dir, avatar, &[]).await {
        errors.push(FieldError::new("avatar", FieldIssue::NoSuchFile));
    }
}

/// Deletes the uploaded picture an avatar change replaced (links elsewhere are left alone).
pub(super) async fn forget_replaced_avatar(state: &AppState, current: &str, avatar: &str) {
    if avatar != current {
        uploads::remove_image(&state.config.media.dir, PICTURES, current).await;
    }
}

/// Makes an uploaded image (checked by its content) the user's picture, deleting the upload it
/// replaces: the one the write replaced, so that of uploads at once none is left behind.
pub async fn set_picture(state: &AppState, user_id: i64, image: Vec<u8>) -> Result<User, AppError> {
    find_user(state, user_id).await?.ok_or(AppError::Unauthorized)?;
    let media_dir = &state.config.media.dir;
    let url = uploads::store_image(media_dir, PICTURES, image).await?;
    match db::replace_user_avatar(&state.db, user_id, None, Some(&url), chrono::Utc::now()).await {
        Ok(Some(replaced)) => uploads::remove_image(media_dir, PICTURES, &replaced).await,
        // The account went meanwhile: the new file shows nowhere.
        Ok(None) => uploads::remove_image(media_dir, PICTURES, &url).await,
        // The write failed: likewise.
        Err(error) => {
            uploads::remove_image(media_dir, PICTURES, &url).await;
            return Err(error.into());
        }
    }
    let user = find_user(state, user_id).await?.ok_or(AppError::Unauthorized)?;
    Ok(user.to_user())
}

/// Changes a password after checking the current one; ends every other session and every API
/// token of the user. Returns the new auth version, for the session that made the change.
/// The current password is checked within the sign-in throttle: a stolen session must not become
/// a way to guess it at full speed.
pub async fn change_password(
    state: &AppState,
    user_id: i64,
    current: String,
    new: String,
    client: &str,
) -> Result<i64, AppError> {
    let mut errors = Vec::new();
    check_new_password("new_password", &new, &mut errors);
    AppError::check(errors)?;
    let user = find_user(state, user_id).await?.ok_or(AppError::Unauthorized)?;
    let attempt =
        throttle::begin(&state.db, &state.config.auth, throttle::AttemptKeys::new(&user.email, client)).await?;
    if current.chars().count() > PASSWORD_MAX || !password::verify(current.clone(), user.password_hash.clone()).await {
        return Err(AppError::Validation(vec![FieldError::new("current_password", FieldIssue::WrongPassword)]));
    }
    throttle::succeeded(&state.db, attempt).await?;
    if current == new {
        return Err(AppError::Validation(vec![FieldError::new("new_password", FieldIssue::PasswordUnchanged)]));
    }
    let new_hash = password::hash(new).await.map_err(internal)?;
    let version = db::update_user_password(&state.db, user_id, &new_hash, chrono::Utc::now()).await?;
    TokenService::revoke_all(&state.db, user_id).await?;
    tracing::info!(user_id, "password changed; other sessions and tokens ended");
    Ok(version)
}

/// Creates an admin, or promotes an existing account and resets its password (ending its
/// sessions and tokens); true when created. For `tienda create-admin` on a real store.
pub async fn make_admin(db: &Db, email: &str, name: &str, password: String) -> Result<bool, AppError> {
    let mut errors = Vec::new();
    let name = check_name(name, &mut errors);
    let email = check_email(email, &mut errors);
    check_new_password("password", &password, &mut errors);
    AppError::check(errors)?;
    let password_hash = password::hash(password).await.map_err(internal)?;
    let admin = NewUser {
        email: &email,
        name: &name,
        role: Role::Admin,
        avatar: "",
        password_hash: &password_hash,
        at: chrono::Utc::now(),
    };
    let created = db::upsert_admin(db, &admin).await?;
    if !created {
        let user = db::select_user_by_email(db, &email).await?.ok_or(AppError::Internal)?;
        TokenService::revoke_all(db, user.id).await?;
    }
    Ok(created)
}

/// A hash to check unknown emails against, so they take as long as known ones.
async fn unknown_user_hash() -> Result<String, AppError> {
    static HASH: OnceCell<String> = OnceCell::const_new();
    HASH.get_or_try_init(|| password::hash("no account has this password".into())).await.cloned().map_err(internal)
}

pub(super) fn internal(error: anyhow::Error) -> AppError {
    tracing::error!(%error, "account operation failed");
    AppError::Internal
}

/// Signing in for the API: the same checks and throttle as the sign-in form, answered with a new
/// token pair instead of a session.
pub async fn sign_in_for_tokens(
    state: &AppState,
    email: &str,
    password: String,
    client: &str,
) -> Result<crate::server::auth::jwt::TokenPair, AppError> {
    let user = authenticate(state, email, password, client).await?;
    state.tokens.issue(&state.db, user.id, user.auth_version).await
}

/// The user an access token names, if the token is valid and the user still exists, is active
/// and has not changed their password since: a deactivation or password change stops old
/// tokens at once.
pub async fn bearer_user(state: &AppState, access_token: &str) -> Result<UserRecord, AppError> {
    let claims = state.tokens.verify_access(access_token)?;
    still_signed_in(&state.db, claims.sub, claims.ver).await?.ok_or(AppError::Unauthorized)
}

/// A new token pair for a refresh token (rotation; a replayed token ends its whole family).
pub async fn refresh_tokens(
    state: &AppState,
    refresh_token: &str,
) -> Result<crate::server::auth::jwt::TokenPair, AppError> {
    let current = |id| async move {
        let user = db::select_user_by_id(&state.db, id).await?;
        Ok(user.filter(|u| u.active).map(|u| u.auth_version))
    };
    state.tokens.refresh(&state.db, refresh_token, current).await
}
