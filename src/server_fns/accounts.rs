//! Accounts: sign-in, registration, sign-out and the account page's changes.
//!
//! Every change redirects on success (sign-in to `next`, a same-site path; account changes back to
//! the account page with a `saved` note): a plain form post gets a 302, a call from the page gets
//! the redirect header and the browser navigates, so the server-rendered page shows the new state
//! either way.

use crate::error::AppError;
use crate::model::{account::Password, User};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use crate::server::{
    auth::session,
    http::guard,
    media::uploads,
    services::{accounts, password_reset},
};

#[server(prefix = "/rpc", endpoint = "login")]
pub async fn login(email: String, password: Password, next: Option<String>) -> Result<User, AppError> {
    let state = super::app_state()?;
    let client = guard::client_address(&state).await;
    let user = accounts::authenticate(&state, &email, password.into_inner(), &client).await?;
    let session = guard::request_session().await?;
    super::cart::adopt_guest_cart(&state, &session, user.id).await?;
    session::sign_in(&session, user.id, user.auth_version).await?;
    leptos_axum::redirect(&crate::model::account::safe_return_path(next.as_deref()));
    Ok(user.to_user())
}

#[server(prefix = "/rpc", endpoint = "register")]
pub async fn register(
    name: String,
    email: String,
    password: Password,
    avatar: Option<String>,
    next: Option<String>,
) -> Result<User, AppError> {
    let state = super::app_state()?;
    let client = guard::client_address(&state).await;
    let form = accounts::Registration { name, email, password: password.into_inner(), avatar };
    let user = accounts::register(&state, form, &client).await?;
    let session = guard::request_session().await?;
    super::cart::adopt_guest_cart(&state, &session, user.id).await?;
    session::sign_in(&session, user.id, user.auth_version).await?;
    leptos_axum::redirect(&crate::model::account::safe_return_path(next.as_deref()));
    Ok(user.to_user())
}

/// Ends the session (its row is deleted, so a copied cookie dies too) and goes home.
#[server(prefix = "/rpc", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    session::sign_out(&guard::request_session().await?).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Who is signed in, if anyone.
#[server(prefix = "/rpc", endpoint = "me", input = GetUrl)]
pub async fn current_user() -> Result<Option<User>, AppError> {
    guard::current_user()
}

#[server(prefix = "/rpc", endpoint = "account/profile")]
pub async fn update_profile(name: String, avatar: Option<String>) -> Result<User, AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    let user = accounts::update_profile(&state, user.id, &name, avatar.as_deref().unwrap_or_default()).await?;
    leptos_axum::redirect("/account?saved=profile");
    Ok(user)
}

/// Replaces the signed-in user's picture with an uploaded image (multipart field `avatar`).
#[server(prefix = "/rpc", endpoint = "account/avatar", input = MultipartFormData)]
pub async fn upload_avatar(data: MultipartData) -> Result<User, AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
    let image = uploads::read_file_field(&mut multipart, "avatar", state.config.media.max_upload_bytes).await?;
    let user = accounts::set_picture(&state, user.id, image).await?;
    leptos_axum::redirect("/account?saved=picture");
    Ok(user)
}

/// Changes the password; this session stays signed in (under a new id), every other one ends.
#[server(prefix = "/rpc", endpoint = "account/password")]
pub async fn change_password(current_password: Password, new_password: Password) -> Result<(), AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    let client = guard::client_address(&state).await;
    let (current, new) = (current_password.into_inner(), new_password.into_inner());
    let version = accounts::change_password(&state, user.id, current, new, &client).await?;
    // This session signs in again under the new auth version; every other one is now stale.
    session::sign_in(&guard::request_session().await?, user.id, version).await?;
    leptos_axum::redirect("/account?saved=password");
    Ok(())
}

/// Asks for a link to set a new password, mailed to `email`; goes back to the page with `sent`,
/// which says the same whether or not the address has an account.
#[server(prefix = "/rpc", endpoint = "password/forgot")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = super::app_state()?;
    let client = guard::client_address(&state).await;
    password_reset::request(&state, &email, super::page_context::request_language(), &client).await?;
    leptos_axum::redirect(&format!("{}?sent=1", crate::model::paths::FORGOT_PASSWORD));
    Ok(())
}

/// Sets a new password through the link's `token`; goes to the sign-in page, signed out everywhere.
#[server(prefix = "/rpc", endpoint = "password/reset")]
pub async fn reset_password(token: String, password: Password) -> Result<(), AppError> {
    let state = super::app_state()?;
    password_reset::reset(&state.db, &token, password.into_inner()).await?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

/// Whether a password reset link still works, for its page to say so before anything is typed.
#[server(prefix = "/rpc", endpoint = "password/link", input = GetUrl)]
pub async fn reset_link_works(token: String) -> Result<bool, AppError> {
    let state = super::app_state()?;
    password_reset::link_works(&state.db, &token).await
}
