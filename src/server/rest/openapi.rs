//! The API's OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` attributes and
//! the types they answer with, served at `/api/v1/openapi.json`; and the interactive docs page at
//! `/api/docs`, Swagger UI built into the binary (no CDN).

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::{routing::get, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tienda API",
        description = "The store's REST API for programs: the Platzi Fake Store contract, with Tienda's \
                       corrections (docs/api.md §10). Reads and signing a customer up (`POST /api/v1/users`) are \
                       open to anyone; other writes need a Bearer access token from `POST /api/v1/auth/login` \
                       (an admin's for the catalog and for other people's accounts). Writes are rate-limited \
                       per client, and sign-ups per client and hour (429 with `Retry-After`).",
    ),
    tags(
        (name = "products", description = "The catalog's products"),
        (name = "categories", description = "The catalog's categories"),
        (name = "users", description = "Accounts (passwords are never shown)"),
        (name = "auth", description = "Access and refresh tokens"),
        (name = "files", description = "Image uploads for products"),
        (name = "locations", description = "The store's shops"),
        (name = "orders", description = "Orders: placing them (priced by the server, safe to retry with an Idempotency-Key) and their state"),
    ),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// The `bearer` scheme the write operations name: `Authorization: Bearer <access_token>`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document for routes mounted under `prefix`: the handlers' paths are written relative to
/// it, so clients (and the docs page) get the whole path.
pub fn mounted_at(mut document: utoipa::openapi::OpenApi, prefix: &str) -> utoipa::openapi::OpenApi {
    document.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let paths = std::mem::take(&mut document.paths.paths);
    document.paths.paths = paths.into_iter().map(|(path, item)| (format!("{prefix}{path}"), item)).collect();
    document
}

/// `GET /openapi.json` within the API router: the document, serialised once at start-up. Each
/// answer shares those bytes; the document's tree is dropped here, not kept for the process's life.
pub fn document_route<S: Clone + Send + Sync + 'static>(document: &utoipa::openapi::OpenApi) -> Router<S> {
    let json = Bytes::from(serde_json::to_vec(document).expect("the document serialises"));
    Router::new().route("/openapi.json", get(move || async move { ([(CONTENT_TYPE, "application/json")], json) }))
}

/// The docs page at `/api/docs`, reading the document from `document_url`.
pub fn docs_page<S: Clone + Send + Sync + 'static>(document_url: &'static str) -> Router<S> {
    let config = utoipa_swagger_ui::Config::from(document_url).validator_url("none").persist_authorization(true);
    Router::from(utoipa_swagger_ui::SwaggerUi::new("/api/docs").config(config))
}
