//! What the OpenAPI document says about bodies the handlers read field by field (`Fields`, which
//! follows upstream's lenient conversions) and about the error answers (`ApiError`). The fuzz run
//! in CI (`scripts/api-fuzz`) sends requests built from these and checks every answer against
//! the document, so a drift between them and the handlers fails the build.
#![allow(dead_code)] // the fields are read by utoipa's derive, not by code

use serde::Serialize;
use utoipa::ToSchema;

/// Every error answer: upstream's keys (`message`, `error`, `statusCode`; a missing record adds
/// `path`, `timestamp` and `name`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// One sentence, or one per broken rule for a validation error.
    message: Message,
    /// The status's name ("Bad Request", "Conflict"); absent on upstream's plain 401.
    error: Option<String>,
    status_code: u16,
    /// The request's path and query, on a missing record (`EntityNotFoundError`).
    path: Option<String>,
    timestamp: Option<String>,
    /// `EntityNotFoundError` on a missing record.
    name: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum Message {
    One(String),
    PerRule(Vec<String>),
}

/// A new product. Numbers may also be sent as text ("49.90"), as upstream converts them.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductCreate {
    #[schema(example = "Brass Desk Lamp", min_length = 1, max_length = 120)]
    title: String,
    /// In currency units, above 0, at most two decimals.
    #[schema(example = 49.9, exclusive_minimum = 0)]
    price: f64,
    #[schema(example = "A warm light for late reading.", min_length = 1, max_length = 5000)]
    description: String,
    #[schema(example = 3, minimum = 1)]
    category_id: i64,
    /// 1 to 10 image addresses (http or https), e.g. the `location` of an upload.
    #[schema(example = json!(["https://example.com/lamp.png"]), min_items = 1, max_items = 10)]
    images: Vec<String>,
    /// Units in stock (Tienda's own field; 0 when left out), 0 to 1,000,000.
    #[schema(minimum = 0, maximum = 1000000)]
    stock: Option<i64>,
}

/// A change to a product: the fields sent replace the stored ones, the rest stay.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductUpdate {
    #[schema(min_length = 1, max_length = 120)]
    title: Option<String>,
    #[schema(exclusive_minimum = 0)]
    price: Option<f64>,
    #[schema(min_length = 1, max_length = 5000)]
    description: Option<String>,
    #[schema(minimum = 1)]
    category_id: Option<i64>,
    #[schema(min_items = 1, max_items = 10)]
    images: Option<Vec<String>>,
    #[schema(minimum = 0, maximum = 1000000)]
    stock: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryCreate {
    #[schema(example = "Garden", min_length = 1, max_length = 60)]
    name: String,
    /// An http(s) address of the category's picture.
    #[schema(example = "https://example.com/garden.png", pattern = r"^https?://[A-Za-z0-9.-]+/[A-Za-z0-9._~/-]*$")]
    image: String,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryUpdate {
    #[schema(min_length = 1, max_length = 60)]
    name: Option<String>,
    #[schema(pattern = r"^https?://[A-Za-z0-9.-]+/[A-Za-z0-9._~/-]*$")]
    image: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UserCreate {
    #[schema(example = "ana@mail.com", format = Email)]
    email: String,
    #[schema(example = "Ana", min_length = 1, max_length = 80)]
    name: String,
    /// 8 to 128 characters. Stored as an argon2id hash, never shown.
    #[schema(example = "s3cretpass", min_length = 8, max_length = 128)]
    password: String,
    #[schema(example = "https://example.com/ana.png", pattern = r"^https?://[A-Za-z0-9.-]+/[A-Za-z0-9._~/-]*$")]
    avatar: String,
    /// `customer` when left out; `admin` only with an admin's token (403 otherwise).
    role: Option<Role>,
}

/// A change to an account. Admins may change anyone else's account; on one's own (an admin's
/// too) only `name` and `avatar`, since the email and password take the account page, which asks
/// for the current password. A new password ends the person's sessions and tokens.
#[derive(Serialize, ToSchema)]
pub struct UserUpdate {
    #[schema(format = Email)]
    email: Option<String>,
    #[schema(min_length = 1, max_length = 80)]
    name: Option<String>,
    #[schema(min_length = 8, max_length = 128)]
    password: Option<String>,
    #[schema(pattern = r"^https?://[A-Za-z0-9.-]+/[A-Za-z0-9._~/-]*$")]
    avatar: Option<String>,
    role: Option<Role>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Customer,
}

#[derive(Serialize, ToSchema)]
pub struct EmailQuestion {
    #[schema(example = "ana@mail.com", format = Email)]
    email: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Availability {
    is_available: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Credentials {
    #[schema(example = "john@mail.com")]
    email: String,
    #[schema(example = "changeme")]
    password: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    #[schema(min_length = 1)]
    refresh_token: String,
}

/// A multipart form with the image in field `file`.
#[derive(Serialize, ToSchema)]
pub struct FileUpload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct UploadedFile {
    /// The name the client sent.
    originalname: String,
    /// The name it is stored under (random, with the image's real extension).
    filename: String,
    /// Its address on this server, ready for a product's `images`.
    location: String,
}

/// The refusals many endpoints share, declared once for the OpenAPI document (each handler lists
/// the sets it can answer with). The body limit's figure comes from its constant.
pub mod refusals {
    use super::super::body::JSON_BODY_LIMIT;
    use std::collections::BTreeMap;
    use utoipa::openapi::{content::ContentBuilder, response::ResponseBuilder, schema::Ref, RefOr, Response};
    use utoipa::IntoResponses;

    /// `(status, description)` pairs as documented error answers with the [`super::ErrorBody`] shape.
    fn error_answers(answers: &[(u16, String)]) -> BTreeMap<String, RefOr<Response>> {
        let body = || ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
        answers
            .iter()
            .map(|(status, description)| {
                let response = ResponseBuilder::new().description(description).content("application/json", body());
                (status.to_string(), RefOr::T(response.build()))
            })
            .collect()
    }

    /// A catalog write without an admin's token (401, 403).
    pub struct CatalogEditorRefused;

    impl IntoResponses for CatalogEditorRefused {
        fn responses() -> BTreeMap<String, RefOr<Response>> {
            error_answers(&[
                (401, "No valid Bearer token (and the playground is off)".into()),
                (403, "The token's user is not an admin".into()),
            ])
        }
    }

    /// An account endpoint without a token, or for someone else's account (401, 403).
    pub struct AccountRefused;

    impl IntoResponses for AccountRefused {
        fn responses() -> BTreeMap<String, RefOr<Response>> {
            error_answers(&[
                (401, "No valid Bearer token".into()),
                (403, "Only an admin (or, where noted, the person) may".into()),
            ])
        }
    }

    /// A JSON (or form) body over the API's limit (413).
    pub struct BodyTooLarge;

    impl IntoResponses for BodyTooLarge {
        fn responses() -> BTreeMap<String, RefOr<Response>> {
            error_answers(&[(413, format!("The body is over {} KiB", JSON_BODY_LIMIT / 1024))])
        }
    }

    /// A client past the write rate (429, with `Retry-After`).
    pub struct TooManyWrites;

    impl IntoResponses for TooManyWrites {
        fn responses() -> BTreeMap<String, RefOr<Response>> {
            error_answers(&[(429, "Too many writes from this client; see `Retry-After`".into())])
        }
    }
}
