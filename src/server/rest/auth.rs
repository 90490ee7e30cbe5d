//! `/api/v1/auth/…`: tokens for programs (§6 of `docs/api.md`). Sign-in goes through the
//! same checks and throttle as the sign-in form; tokens rotate, and a deactivation or password
//! change stops them at once (§10).

use super::body::Fields;
use super::caller::{Caller, ClientAddress};
use super::errors::ApiError;
use super::json::ApiUser;
use super::schema::refusals::{BodyTooLarge, TooManyWrites};
use super::schema::{Credentials, ErrorBody, RefreshRequest};
use crate::server::auth::jwt::TokenPair;
use crate::server::{app::state::AppState, services::accounts};
use axum::{extract::State, http::StatusCode, Json};

/// A text field of the body; `None` when absent or not text.
fn field(fields: &Fields, name: &str) -> Option<String> {
    fields.0.get(name)?.as_str().map(str::to_owned)
}

type Created<T> = Result<(StatusCode, Json<T>), ApiError>;

#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    summary = "Sign in: an access token (minutes) and a refresh token (days)",
    request_body(content = Credentials, description = "JSON or a URL-encoded form"),
    responses(
        (status = 201, description = "Signed in", body = TokenPair),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(()),
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    fields: Fields,
) -> Created<crate::server::auth::jwt::TokenPair> {
    // A missing field is a failed sign-in (upstream: 401), not a malformed request.
    let (Some(email), Some(password)) = (field(&fields, "email"), field(&fields, "password")) else {
        return Err(ApiError::Unauthorized);
    };
    // A deactivated account gets the same 401 as a wrong password: the API says no more.
    let pair = accounts::sign_in_for_tokens(&state, &email, password, &client).await.map_err(|error| match error {
        crate::error::AppError::Forbidden => ApiError::Unauthorized,
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(pair)))
}

#[utoipa::path(
    get,
    path = "/auth/profile",
    tag = "auth",
    summary = "The account the token names",
    responses(
        (status = 200, description = "The account; never a password", body = ApiUser),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn profile(State(state): State<AppState>, caller: Caller) -> Result<Json<ApiUser>, ApiError> {
    let user = caller.required()?;
    Ok(Json(ApiUser::new(&user, &state.config.server.site_url)))
}

#[utoipa::path(
    post,
    path = "/auth/refresh-token",
    tag = "auth",
    summary = "Trade a refresh token for a new pair (the old one stops working)",
    request_body = RefreshRequest,
    responses(
        (status = 201, description = "A new pair", body = TokenPair),
        (status = 400, description = "No refresh token sent", body = ErrorBody),
        (status = 401, description = "The refresh token is invalid, expired or already used", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(()),
)]
pub async fn refresh(State(state): State<AppState>, fields: Fields) -> Created<crate::server::auth::jwt::TokenPair> {
    let token = field(&fields, "refreshToken").filter(|t| !t.trim().is_empty()).ok_or_else(|| {
        ApiError::Validation(vec!["refreshToken should not be empty".into(), "refreshToken must be a string".into()])
    })?;
    let pair = accounts::refresh_tokens(&state, token.trim()).await.map_err(|error| match error {
        crate::error::AppError::Unauthorized => ApiError::InvalidRefresh,
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(pair)))
}
