//! `/api/v1/users` (§5 of `docs/api.md`), with §10's corrections: anyone may sign a customer up
//! (the web form's rules and throttle), reading and changing accounts needs a Bearer token (an
//! admin's, or the person's own for reading it and changing their name and avatar), passwords
//! are never shown, emails are unique (409), and `is-available` tells the truth. The rules live
//! in `services::user_admin`.

use super::body::{check, Fields};
use super::caller::{Caller, ClientAddress};
use super::catalog::id;
use super::errors::ApiError;
use super::json::{local, ApiUser};
use super::path::Segment;
use super::schema::refusals::{AccountRefused, BodyTooLarge, TooManyWrites};
use super::schema::{Availability, EmailQuestion, ErrorBody, UserCreate, UserUpdate};
use crate::model::Role;
use crate::server::app::state::AppState;
use crate::server::services::{
    accounts::{Registration, UserRecord},
    user_admin::{self as service, AccountChanges},
};
use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    Json,
};
use serde_json::{json, Value};

const ROLE_MESSAGE: &str = "role must be one of the following values: admin, customer";

fn user_json(state: &AppState, user: &UserRecord) -> ApiUser {
    ApiUser::new(user, &state.config.server.site_url)
}

/// A role field: `admin` or `customer`; anything else is upstream's message.
fn role(fields: &Fields, messages: &mut Vec<String>) -> Option<Role> {
    let raw = fields.text("role", false, ROLE_MESSAGE, messages)?;
    let role = Role::parse(&raw);
    if role.is_none() {
        messages.push(ROLE_MESSAGE.into());
    }
    role
}

/// The account fields of a body; `required` for a create.
fn account_changes(state: &AppState, fields: &Fields, required: bool) -> Result<AccountChanges, ApiError> {
    let mut messages = Vec::new();
    let changes = AccountChanges {
        email: fields.text("email", required, "email must be an email", &mut messages),
        name: fields.text("name", required, "name must be a string", &mut messages),
        password: fields.text("password", required, "password must be a string", &mut messages),
        avatar: fields
            .text("avatar", required, "avatar must be a URL address", &mut messages)
            .map(|url| local(&state.config.server.site_url, url)),
        role: role(fields, &mut messages),
    };
    check(messages)?;
    Ok(changes)
}

#[utoipa::path(
    get,
    path = "/users",
    tag = "users",
    summary = "List accounts (admins)",
    params(("limit" = Option<i64>, Query, description = "At most this many (1 to 200)")),
    responses(
        (status = 200, description = "The accounts, in id order; never a password", body = Vec<ApiUser>),
        AccountRefused,
    ),
    security(("bearer" = [])),
)]
pub async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<ApiUser>>, ApiError> {
    let actor = caller.required()?.to_user();
    let limit = super::filters::positive_limit(query.as_deref());
    let users = service::list_accounts(&state, &actor, limit).await?;
    Ok(Json(users.iter().map(|user| user_json(&state, user)).collect()))
}

#[utoipa::path(
    get,
    path = "/users/{id}",
    tag = "users",
    summary = "One account (admins, or the person)",
    params(("id" = i64, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The account", body = ApiUser),
        AccountRefused,
        (status = 400, description = "The id is not a whole number", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Segment(raw): Segment,
) -> Result<Json<ApiUser>, ApiError> {
    let actor = caller.required()?.to_user();
    let id = id(&raw)?;
    let user = service::find_account(&state, &actor, id).await?;
    Ok(Json(user_json(&state, &user)))
}

#[utoipa::path(
    post,
    path = "/users",
    tag = "users",
    summary = "Sign up (anyone) or add an account (admins)",
    description = "Without a token (or with a customer's, or one that is no longer valid), this \
                   signs a customer up by the web form's rules: `role` may be left out or be \
                   `customer`; any other role is 403 and nothing is stored. Sign-ups are limited \
                   per client address and hour (429 with `Retry-After`). With an admin's token, any \
                   role may be given.",
    request_body = UserCreate,
    responses(
        (status = 201, description = "The new account", body = ApiUser),
        (status = 400, description = "A field breaks a rule", body = ErrorBody),
        (status = 401, description = "A role was asked for with a token that is not (or no longer) valid", body = ErrorBody),
        (status = 403, description = "A role other than customer, asked for by someone who is not an admin", body = ErrorBody),
        (status = 409, description = "The email is taken", body = ErrorBody),
        BodyTooLarge,
        (status = 429, description = "Too many sign-ups or writes from this client; see `Retry-After`", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    ClientAddress(client): ClientAddress,
    fields: Fields,
) -> Result<(StatusCode, Json<ApiUser>), ApiError> {
    let changes = account_changes(&state, &fields, true)?;
    let actor = match caller {
        Ok(caller) => caller.user(),
        // A phone app may still hold an expired token on its sign-up screen; upstream ignores
        // it, and so does this: it is a sign-up like any other. Asking for a role with it is an
        // admin whose token lapsed, who is told to sign in again rather than refused.
        Err(ApiError::Unauthorized) if changes.role.is_none_or(|role| role == Role::Customer) => None,
        Err(refused) => return Err(refused),
    };
    let form = Registration {
        name: changes.name.unwrap_or_default(),
        email: changes.email.unwrap_or_default(),
        password: changes.password.unwrap_or_default(),
        avatar: changes.avatar,
    };
    let user = service::sign_up_or_add(&state, actor.as_ref(), form, changes.role, &client).await?;
    Ok((StatusCode::CREATED, Json(user_json(&state, &user))))
}

#[utoipa::path(
    put,
    path = "/users/{id}",
    tag = "users",
    summary = "Change an account (admins; the person for name and avatar)",
    params(("id" = i64, Path, description = "The user's id")),
    request_body = UserUpdate,
    responses(
        (status = 200, description = "The account as changed", body = ApiUser),
        AccountRefused,
        (status = 400, description = "A field breaks a rule, or the id is not a number", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "The email is taken, or an admin would demote themselves", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Segment(raw): Segment,
    fields: Fields,
) -> Result<Json<ApiUser>, ApiError> {
    let actor = caller.required()?.to_user();
    let id = id(&raw)?;
    let changes = account_changes(&state, &fields, false)?;
    let user = service::update_account(&state, &actor, id, changes).await?;
    Ok(Json(user_json(&state, &user)))
}

#[utoipa::path(
    delete,
    path = "/users/{id}",
    tag = "users",
    summary = "Delete an account (admins, not their own)",
    params(("id" = i64, Path, description = "The user's id")),
    responses(
        (status = 200, description = "Deleted", body = bool, content_type = "application/json"),
        AccountRefused,
        (status = 400, description = "The id is not a whole number", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "An admin cannot delete themselves", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn delete_user(
    State(state): State<AppState>,
    caller: Caller,
    Segment(raw): Segment,
) -> Result<Json<bool>, ApiError> {
    let actor = caller.required()?.to_user();
    let id = id(&raw)?;
    service::delete_account(&state, &actor, id).await?;
    Ok(Json(true))
}

/// `POST /users/is-available`: whether an email is still free, for a registration form. Open
/// to anyone (the registration form reveals as much); writes' rate limit applies.
#[utoipa::path(
    post,
    path = "/users/is-available",
    tag = "users",
    summary = "Whether an email is still free",
    request_body = EmailQuestion,
    responses(
        (status = 201, description = "The answer", body = Availability),
        (status = 400, description = "Not an email", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(()),
)]
pub async fn is_available(
    State(state): State<AppState>,
    fields: Fields,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let mut messages = Vec::new();
    let email = fields.text("email", true, "email must be an email", &mut messages);
    check(messages)?;
    let email = email.unwrap_or_default();
    if email.trim().is_empty() {
        return Err(ApiError::Validation(vec!["email should not be empty".into(), "email must be an email".into()]));
    }
    if crate::model::account::normalize_email(&email).is_none() {
        return Err(ApiError::Validation(vec!["email must be an email".into()]));
    }
    let available = service::email_available(&state, &email).await?;
    Ok((StatusCode::CREATED, Json(json!({ "isAvailable": available }))))
}
