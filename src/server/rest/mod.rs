//! `/api/v1`: the REST API for programs (Insomnia and Postman, phone apps, microcontrollers), on
//! the Platzi Fake Store contract (`docs/api.md`; §10 for where Tienda differs).
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
mod openapi;
mod orders;
mod path;
mod product_json;
mod rate_limit;
mod schema;
mod users;

use crate::server::app::state::AppState;
use axum::{
    extract::DefaultBodyLimit,
    extract::Request,
    http::{header, HeaderValue, Method},
    response::IntoResponse,
    Router,
};
use errors::ApiError;

/// The per-client token bucket the API's writes use, also for the other per-client limits.
pub use rate_limit::WriteLimiter as PerClientLimiter;
use tower_http::cors::{Any, CorsLayer};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// How long one API request may take before a JSON 503 (a body not whole by then gets a 408,
/// `http::body_limit`). Below the server-wide limit, so API clients always get the API's shape.
pub const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(20);

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";
/// Where its OpenAPI document is served.
const DOCUMENT_URL: &str = "/api/v1/openapi.json";

/// The 413 answer in the API's shape, for the server-wide body cap in front of the router.
pub fn too_large(max_bytes: u64) -> axum::response::Response {
    ApiError::TooLarge { max_bytes }.into_response()
}

/// A request refused before routing (a NUL byte in its address), in the API's 400 shape.
pub fn malformed(message: &str) -> axum::response::Response {
    ApiError::Malformed(message.into()).into_response()
}

/// The API's 408 for a body that did not arrive whole in time.
pub fn body_timed_out() -> axum::response::Response {
    ApiError::BodyTimedOut.into_response()
}

/// The API's 503 while the database cannot be reached.
pub fn unavailable(retry_after_secs: u64) -> axum::response::Response {
    ApiError::Unavailable { retry_after_secs }.into_response()
}

/// The API's routes, to be nested at [`PREFIX`]. Each documented route is listed once, in
/// `routes!`, which both serves it and adds it to the OpenAPI document.
pub fn router(config: &crate::server::config::Config) -> Router<AppState> {
    let (upload_schemas, upload_paths, upload) = routes!(files::upload);
    // An upload's body is capped by the server-wide upload limit, not the JSON limit.
    let upload = (upload_schemas, upload_paths, upload.layer(DefaultBodyLimit::disable()));
    let (routes, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(catalog::list_products, catalog_writes::create_product))
        .routes(routes!(catalog::get_product, catalog_writes::update_product, catalog_writes::delete_product))
        .routes(routes!(catalog::related_by_id))
        .routes(routes!(catalog::get_product_by_slug))
        .routes(routes!(catalog::related_by_slug))
        .routes(routes!(catalog::list_categories, catalog_writes::create_category))
        .routes(routes!(catalog::get_category, catalog_writes::update_category, catalog_writes::delete_category))
        .routes(routes!(catalog::category_products))
        .routes(routes!(catalog::get_category_by_slug))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::is_available))
        .routes(routes!(users::get_user, users::update_user, users::delete_user))
        .routes(upload)
        .routes(routes!(files::download))
        .routes(routes!(locations::list_locations))
        .routes(routes!(auth::login))
        .routes(routes!(auth::profile))
        .routes(routes!(auth::refresh))
        .routes(routes!(orders::list_orders, orders::create_order))
        .routes(routes!(orders::get_order, orders::patch_order))
        .split_for_parts();
    routes
        .merge(openapi::document_route(&openapi::mounted_at(document, PREFIX)))
        .fallback(no_route)
        // After every route: it replaces each path's empty 405 (axum still adds `Allow`).
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(errors::describe_missing_entity))
        .layer(DefaultBodyLimit::max(body::JSON_BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(rate_limit::WriteLimiter::new(config), rate_limit::limit_writes))
        .layer(axum::middleware::from_fn(within_deadline))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::HeaderName::from_static("idempotency-key"),
                ])
                .expose_headers([header::HeaderName::from_static("idempotent-replayed")])
                .max_age(std::time::Duration::from_secs(86_400)),
        )
        // Outside the CORS layer, whose preflight answers it rewrites.
        .layer(axum::middleware::from_fn(preflight_without_content))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
}

/// Every answer under the API may be read from any origin, those of the layers around the API's
/// router too (a body over the cap, a malformed request, the database down, the server-wide
/// timeout): a browser client would otherwise get a network error instead of the answer that says
/// why. Runs around every layer (`app::startup::router`).
pub async fn readable_from_any_origin(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    let under_the_api = is_under_the_api(request.uri().path());
    let mut response = next.run(request).await;
    if under_the_api {
        let any = HeaderValue::from_static("*");
        response.headers_mut().entry(header::ACCESS_CONTROL_ALLOW_ORIGIN).or_insert(any);
    }
    response
}

/// Whether `path` is the API's (`/api/v1` or below it).
fn is_under_the_api(path: &str) -> bool {
    path.strip_prefix(PREFIX).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// An API request goes on without its cookies: callers sign in with tokens. A browser on the
/// store's own site sends its session cookie along (the docs page's "try it out" does), which the
/// session layer would read (a database read for nothing) and, naming no session, answer with a
/// `Set-Cookie` that clears it. Runs before the session layer (`app::startup::router`).
pub fn without_cookies<B>(mut request: axum::http::Request<B>) -> axum::http::Request<B> {
    if is_under_the_api(request.uri().path()) {
        request.headers_mut().remove(axum::http::header::COOKIE);
    }
    request
}

/// Upstream answers every API path with or without one trailing slash (`/products/1/`,
/// `/auth/login/`). A router matches a path before any of its layers sees the request, so this
/// runs in a service wrapped around the whole router (`app::startup::router`).
pub fn without_trailing_slash<B>(mut request: axum::http::Request<B>) -> axum::http::Request<B> {
    let path = request.uri().path();
    let Some(trimmed) = path.strip_suffix('/') else {
        return request;
    };
    if !is_under_the_api(trimmed) || trimmed.ends_with('/') {
        return request;
    }
    let path_and_query = match request.uri().query() {
        Some(query) => format!("{trimmed}?{query}"),
        None => trimmed.to_owned(),
    };
    let mut parts = request.uri().clone().into_parts();
    if let Ok(path_and_query) = path_and_query.parse() {
        parts.path_and_query = Some(path_and_query);
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}

/// The interactive docs page, `/api/docs`, to be merged at the site's root.
pub fn docs_page() -> Router<AppState> {
    openapi::docs_page(DOCUMENT_URL)
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

/// A path the API has, asked with a method it does not take there, in the API's JSON shape.
async fn method_not_allowed(method: Method, uri: axum::extract::OriginalUri) -> impl IntoResponse {
    ApiError::MethodNotAllowed { method: method.to_string(), path: uri.path().to_owned() }
}

/// Upstream's answer for a path that names no endpoint.
async fn no_route(method: Method, uri: axum::extract::OriginalUri) -> impl IntoResponse {
    ApiError::NoRoute { method: method.to_string(), path: uri.path().to_owned() }
}
