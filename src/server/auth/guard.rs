//! What every server function asks first: who is calling, and may they?
//!
//! A page may hide a button, but only these checks keep a server function (a public HTTP endpoint)
//! from doing what the caller may not.

use super::session;
use crate::error::AppError;
use crate::model::User;
use crate::server::{services::accounts, state::AppState};
use axum::extract::ConnectInfo;
use std::net::SocketAddr;
use tower_sessions::Session;

/// The request's session (the session layer wraps every page and server function).
pub async fn request_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session on the request");
        AppError::Internal
    })
}

/// The signed-in user, if any. A session whose user is gone or changed their password since is
/// ended here.
pub async fn current_user(state: &AppState) -> Result<Option<User>, AppError> {
    let session = request_session().await?;
    let Some(signed_in) = session::signed_in(&session).await? else {
        return Ok(None);
    };
    let user = accounts::resolve(state, signed_in.user_id, signed_in.auth_version).await?;
    if user.is_none() {
        session::sign_out(&session).await?;
    }
    Ok(user)
}

/// The signed-in user, or 401.
pub async fn require_user(state: &AppState) -> Result<User, AppError> {
    current_user(state).await?.ok_or(AppError::Unauthorized)
}

/// The signed-in admin: 401 when signed out, 403 for anyone else.
pub async fn require_admin(state: &AppState) -> Result<User, AppError> {
    let user = require_user(state).await?;
    if user.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The client's address for throttling: the socket's peer, or the first `X-Forwarded-For` hop
/// when configured to sit behind a proxy.
pub async fn client_address(state: &AppState) -> String {
    if state.config.auth.trust_forwarded_for {
        if let Ok(headers) = leptos_axum::extract::<axum::http::HeaderMap>().await {
            let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
            if let Some(first) = forwarded.and_then(|list| list.split(',').next()).map(str::trim) {
                if !first.is_empty() {
                    return first.to_owned();
                }
            }
        }
    }
    match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
        Ok(ConnectInfo(addr)) => addr.ip().to_string(),
        Err(_) => "unknown".to_owned(),
    }
}
