//! `/api/v1`: the REST API for programs (Insomnia and Postman, phone apps, microcontrollers), on
//! the Platzi Fake Store contract (`docs/platzi-api.md`; §12 for where Tienda differs).
//!
//! Open to any origin (`Access-Control-Allow-Origin: *`): the API never honours cookies, so a
//! page elsewhere gains nothing by calling it from a visitor's browser.

mod auth;
mod body;
mod caller;
mod catalog;
mod catalog_writes;
mod errors;
mod files;
mod filters;
mod json;
mod locations;
mod messages;
mod rate_limit;
mod users;

use crate::server::state::AppState;
use axum::{
    extract::DefaultBodyLimit,
    extract::Request,
    http::{header, HeaderValue, Method},
    response::IntoResponse,
    routing::{get, post},
    Router,
};
use errors::ApiError;
use tower_http::cors::{Any, CorsLayer};

/// How long one API request may take, body included (a slow sender is cut off here), before a
/// JSON 503. Below the server-wide limit, so API clients always get the API's shape.
const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(20);

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";

/// The 413 answer in the API's shape, for the server-wide body cap in front of the router.
pub fn too_large(max_bytes: u64) -> axum::response::Response {
    ApiError::TooLarge { max_bytes }.into_response()
}

/// The API's routes, to be nested at [`PREFIX`].
pub fn router(config: &crate::server::config::Config) -> Router<AppState> {
    Router::new()
        .route("/products", get(catalog::list_products).post(catalog_writes::create_product))
        .route("/products/", get(catalog::list_products).post(catalog_writes::create_product))
        .route(
            "/products/{id}",
            get(catalog::get_product).put(catalog_writes::update_product).delete(catalog_writes::delete_product),
        )
        .route("/products/{id}/related", get(catalog::related_by_id))
        .route("/products/slug/{slug}", get(catalog::get_product_by_slug))
        .route("/products/slug/{slug}/related", get(catalog::related_by_slug))
        .route("/categories", get(catalog::list_categories).post(catalog_writes::create_category))
        .route("/categories/", get(catalog::list_categories).post(catalog_writes::create_category))
        .route(
            "/categories/{id}",
            get(catalog::get_category).put(catalog_writes::update_category).delete(catalog_writes::delete_category),
        )
        .route("/categories/{id}/products", get(catalog::category_products))
        .route("/categories/slug/{slug}", get(catalog::get_category_by_slug))
        .route("/users", get(users::list_users).post(users::create_user))
        .route("/users/", get(users::list_users).post(users::create_user))
        .route("/users/is-available", post(users::is_available))
        .route("/users/{id}", get(users::get_user).put(users::update_user).delete(users::delete_user))
        .route("/files/upload", post(files::upload).layer(DefaultBodyLimit::disable()))
        .route("/files/{name}", get(files::download))
        .route("/locations", get(locations::list_locations))
        .route("/auth/login", post(auth::login))
        .route("/auth/profile", get(auth::profile))
        .route("/auth/refresh-token", post(auth::refresh))
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(body::JSON_BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(rate_limit::WriteLimiter::new(config), rate_limit::limit_writes))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
                .max_age(std::time::Duration::from_secs(86_400)),
        )
        .layer(axum::middleware::from_fn(within_deadline))
        .layer(axum::middleware::from_fn(preflight_without_content))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
}

/// Preflight answers carry no body, so they say so with 204, as upstream does (the CORS layer
/// answers 200).
async fn preflight_without_content(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    let is_preflight = request.method() == Method::OPTIONS;
    let mut response = next.run(request).await;
    if is_preflight && response.status() == axum::http::StatusCode::OK {
        *response.status_mut() = axum::http::StatusCode::NO_CONTENT;
    }
    response
}

/// Cuts a request off at [`REQUEST_DEADLINE`] (dropping the handler) with a JSON 503.
async fn within_deadline(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    match tokio::time::timeout(REQUEST_DEADLINE, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!("an API request passed its deadline");
            ApiError::TimedOut.into_response()
        }
    }
}

/// Upstream's answer for a path that names no endpoint.
async fn no_route(method: Method, uri: axum::extract::OriginalUri) -> impl IntoResponse {
    ApiError::NoRoute { method: method.to_string(), path: uri.path().to_owned() }
}
