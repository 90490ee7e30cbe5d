//! Who calls the API: the user a Bearer access token names, or nobody. Cookies are never read
//! here, so a page on another site cannot ride a visitor's browser session through CORS.

use super::errors::ApiError;
use crate::model::User;
use crate::server::{
    app::state::AppState,
    services::{accounts, accounts::UserRecord, Editor},
};
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header, request::Parts},
};
use std::net::SocketAddr;

/// The caller of a request: `Some` with a valid Bearer access token, `None` without an
/// `Authorization` header. A header that is there but not a valid token is a 401 at once.
pub struct Caller(pub Option<UserRecord>);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self(None));
        };
        let token = value.to_str().ok().and_then(bearer_token).ok_or(ApiError::Unauthorized)?;
        // The one path from a token to a user: it re-reads the user, so a deactivation or a
        // password change stops old tokens at once.
        let user = accounts::bearer_user(state, token).await?;
        Ok(Self(Some(user)))
    }
}

/// The token of an `Authorization: Bearer <token>` value. The scheme's name is compared without
/// case (RFC 9110 §11.1: `bearer` and `BEARER` are `Bearer`), and any run of spaces may follow
/// it, as upstream's token library reads it.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once([' ', '\t'])?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl Caller {
    /// The signed-in user, or 401.
    pub fn required(self) -> Result<UserRecord, ApiError> {
        self.0.ok_or(ApiError::Unauthorized)
    }

    /// The user as the services know them (role and all), if any.
    pub fn user(&self) -> Option<User> {
        self.0.as_ref().map(UserRecord::to_user)
    }
}

/// The client's address as the throttles know it (`http::guard::client_of`): the peer, or the
/// trusted proxy's hop when `auth.trust_forwarded_for` is on.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        let trust = state.config.auth.trust_forwarded_for;
        Ok(Self(crate::server::http::guard::client_of(peer, &parts.headers, trust)))
    }
}

/// A caller allowed to change the catalog (an admin; anyone while the playground is open),
/// checked before the body is read.
pub struct CatalogEditor(Option<User>);

impl FromRequestParts<AppState> for CatalogEditor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = match Caller::from_request_parts(parts, state).await {
            Ok(caller) => caller.user(),
            // While the playground is open anyone may write, so a token that is not (or no
            // longer) valid counts as no token: 401 happens only with the playground closed.
            Err(ApiError::Unauthorized) if state.config.api.playground => None,
            Err(refused) => return Err(refused),
        };
        crate::server::services::catalog_edits::may_edit(state, editor(&user))?;
        Ok(Self(user))
    }
}

impl CatalogEditor {
    pub fn editor(&self) -> Editor<'_> {
        editor(&self.0)
    }
}

/// A catalog editor from a caller's user: a person, or an anonymous caller (whom the services
/// admit only while the playground is open).
pub fn editor(user: &Option<User>) -> Editor<'_> {
    match user {
        Some(user) => Editor::Person(user),
        None => Editor::Anonymous,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bearer_scheme_is_read_without_case_and_with_any_spaces() {
        for value in ["Bearer abc", "bearer abc", "BEARER  abc", "Bearer\tabc ", " Bearer abc"] {
            assert_eq!(super::bearer_token(value), Some("abc"), "{value:?}");
        }
        for value in ["Bearer", "Bearer ", "Basic abc", "Bearerabc", "abc"] {
            assert_eq!(super::bearer_token(value), None, "{value:?}");
        }
    }
}
