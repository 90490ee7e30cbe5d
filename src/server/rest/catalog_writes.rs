//! `POST`, `PUT` and `DELETE` on `/api/v1/products` and `/api/v1/categories` (§3, §4 of
//! `docs/api.md`): the body's shape is checked here with upstream's messages; every rule
//! about the values (and who may write) lives in `services::catalog_edits`, which the back office
//! calls too.

use super::body::Fields;
use super::caller::CatalogEditor;
use super::catalog::id;
use super::errors::ApiError;
use super::json::{local, Category, Product};
use super::path::Segment;
use super::schema::refusals::{BodyTooLarge, CatalogEditorRefused, TooManyWrites};
use super::schema::{CategoryCreate, CategoryUpdate, ErrorBody, ProductCreate, ProductUpdate};
use crate::error::{AppError, Entity, FieldError, FieldIssue};
use crate::model::catalog_edit::{check_category, ProductInput};
use crate::server::app::state::AppState;
use crate::server::services::{
    catalog_api::{self, Key},
    catalog_edits::{self as service, ProductChanges},
};
use axum::{extract::State, http::StatusCode, Json};

type Created<T> = Result<(StatusCode, Json<T>), ApiError>;

const CATEGORY_ID_TYPE: &str = "categoryId must be a number conforming to the specified constraints";

/// A product body's fields; `required` for a create, all optional for an update. `stock` is
/// Tienda's own (upstream has none): a create without it starts at 0 in stock. Our own image
/// addresses come back as the services store them (see [`local`]).
async fn product_changes(state: &AppState, fields: &Fields, required: bool) -> Result<ProductChanges, ApiError> {
    let mut messages = Vec::new();
    let changes = ProductChanges {
        title: fields.text("title", required, "title must be a string", &mut messages),
        price: fields.number("price", required, "price must be a positive number", &mut messages),
        description: fields.text("description", required, "description must be a string", &mut messages),
        category_id: fields.number("categoryId", required, CATEGORY_ID_TYPE, &mut messages),
        images: fields
            .images(required, &mut messages)
            .map(|images| images.into_iter().map(|url| local(&state.config.server.site_url, url)).collect()),
        stock: fields.number("stock", false, "stock must be a whole number from 0 to 1000000", &mut messages),
    };
    if messages.is_empty() {
        return Ok(changes);
    }
    // The rules on the values of the fields that were read, said with the body's own messages.
    let input = create_input(&changes);
    let read = |field: &str| match field {
        "title" => changes.title.is_some(),
        "description" => changes.description.is_some(),
        "price" => changes.price.is_some(),
        "stock" => changes.stock.is_some(),
        "category_id" => changes.category_id.is_some(),
        "images" => changes.images.is_some(),
        _ => false,
    };
    Err(with_rules_of_read_fields(messages, service::broken_product_rules(state, &input).await?, read))
}

/// The product a create makes of a body's fields: a field left out is empty (the rules refuse it),
/// and stock left out is 0.
fn create_input(changes: &ProductChanges) -> ProductInput<'_> {
    ProductInput {
        title: changes.title.as_deref().unwrap_or_default(),
        description: changes.description.as_deref().unwrap_or_default(),
        price: changes.price.as_deref().unwrap_or_default(),
        stock: changes.stock.as_deref().unwrap_or("0"),
        category_id: changes.category_id.as_deref().unwrap_or_default(),
        images: changes.images.clone().unwrap_or_default(),
    }
}

/// `messages`, what a body's shape broke (a field left out, or of the wrong kind), and with them
/// the sentences for the rules `broken` that the fields that were `read` break: every broken rule
/// at once, as upstream's validator answers, and never a rule for a field that was not read.
fn with_rules_of_read_fields(
    mut messages: Vec<String>,
    broken: Vec<FieldError>,
    read: impl Fn(&str) -> bool,
) -> ApiError {
    let broken: Vec<FieldError> = broken.into_iter().filter(|error| read(&error.field)).collect();
    messages.extend(super::messages::sentences(&broken));
    ApiError::Validation(messages)
}

/// A category id that names no category is upstream's "not found" (404 here, §10), when it is
/// the only thing wrong; otherwise one message among the others.
fn refusal(error: AppError, category_id: Option<&str>) -> ApiError {
    if let AppError::Validation(errors) = &error {
        if let ([only], Some(category_id)) = (errors.as_slice(), category_id.and_then(|c| c.parse::<i64>().ok())) {
            if only.issue == FieldIssue::UnknownCategory {
                return AppError::missing_id(Entity::Category, category_id).into();
            }
        }
    }
    error.into()
}

async fn product_json(state: &AppState, id: i64) -> Result<Json<Product>, ApiError> {
    let record = catalog_api::find_product(state, Key::Id(id)).await?;
    Ok(Json(Product::new(record, &state.config.server.site_url)))
}

async fn category_json(state: &AppState, id: i64) -> Result<Json<Category>, ApiError> {
    let record = catalog_api::find_category(state, Key::Id(id)).await?;
    Ok(Json(Category::new(record, &state.config.server.site_url)))
}

#[utoipa::path(
    post,
    path = "/products",
    tag = "products",
    summary = "Create a product",
    request_body = ProductCreate,
    responses(
        (status = 201, description = "The new product", body = Product),
        CatalogEditorRefused,
        (status = 400, description = "A field breaks a rule (one message per rule)", body = ErrorBody),
        (status = 404, description = "`categoryId` names no category", body = ErrorBody),
        (status = 409, description = "Another product has this title's slug", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn create_product(State(state): State<AppState>, editor: CatalogEditor, fields: Fields) -> Created<Product> {
    let changes = product_changes(&state, &fields, true).await?;
    let input = create_input(&changes);
    let id = service::save_product(&state, editor.editor(), None, input, Vec::new())
        .await
        .map_err(|e| refusal(e, changes.category_id.as_deref()))?;
    Ok((StatusCode::CREATED, product_json(&state, id).await?))
}

#[utoipa::path(
    put,
    path = "/products/{id}",
    tag = "products",
    summary = "Change a product's fields",
    params(("id" = i64, Path, description = "The product's id")),
    request_body = ProductUpdate,
    responses(
        (status = 200, description = "The product as changed", body = Product),
        CatalogEditorRefused,
        (status = 400, description = "A field breaks a rule, or the id is not a number", body = ErrorBody),
        (status = 404, description = "No such product or category", body = ErrorBody),
        (status = 409, description = "The new title's slug is taken, or the product changed meanwhile", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn update_product(
    State(state): State<AppState>,
    editor: CatalogEditor,
    Segment(raw): Segment,
    fields: Fields,
) -> Result<Json<Product>, ApiError> {
    let id = id(&raw)?;
    let changes = product_changes(&state, &fields, false).await?;
    let category_id = changes.category_id.clone();
    service::change_product(&state, editor.editor(), id, changes)
        .await
        .map_err(|e| refusal(e, category_id.as_deref()))?;
    product_json(&state, id).await
}

#[utoipa::path(
    delete,
    path = "/products/{id}",
    tag = "products",
    summary = "Delete a product",
    params(("id" = i64, Path, description = "The product's id")),
    responses(
        (status = 200, description = "Deleted", body = bool, content_type = "application/json"),
        CatalogEditorRefused,
        (status = 400, description = "The id is not a whole number", body = ErrorBody),
        (status = 404, description = "No such product", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn delete_product(
    State(state): State<AppState>,
    editor: CatalogEditor,
    Segment(raw): Segment,
) -> Result<Json<bool>, ApiError> {
    let id = id(&raw)?;
    service::delete_product(&state, editor.editor(), id).await?;
    Ok(Json(true))
}

fn category_fields(
    state: &AppState,
    fields: &Fields,
    required: bool,
) -> Result<(Option<String>, Option<String>), ApiError> {
    let mut messages = Vec::new();
    let name = fields.text("name", required, "name must be a string", &mut messages);
    let image = fields
        .text("image", required, "image must be a URL address", &mut messages)
        .map(|url| local(&state.config.server.site_url, url));
    if messages.is_empty() {
        return Ok((name, image));
    }
    let broken = match check_category(name.as_deref().unwrap_or_default(), image.as_deref().unwrap_or_default()) {
        Err(AppError::Validation(errors)) => errors,
        _ => Vec::new(),
    };
    let read = |field: &str| match field {
        "name" => name.is_some(),
        "image" => image.is_some(),
        _ => false,
    };
    Err(with_rules_of_read_fields(messages, broken, read))
}

#[utoipa::path(
    post,
    path = "/categories",
    tag = "categories",
    summary = "Create a category",
    request_body = CategoryCreate,
    responses(
        (status = 201, description = "The new category", body = Category),
        CatalogEditorRefused,
        (status = 400, description = "A field breaks a rule", body = ErrorBody),
        (status = 409, description = "Another category has this name's slug", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn create_category(
    State(state): State<AppState>,
    editor: CatalogEditor,
    fields: Fields,
) -> Created<Category> {
    let (name, image) = category_fields(&state, &fields, true)?;
    let (name, image) = (name.unwrap_or_default(), image.unwrap_or_default());
    let id = service::create_category(&state, editor.editor(), &name, &image).await?;
    Ok((StatusCode::CREATED, category_json(&state, id).await?))
}

#[utoipa::path(
    put,
    path = "/categories/{id}",
    tag = "categories",
    summary = "Rename a category or change its image",
    params(("id" = i64, Path, description = "The category's id")),
    request_body = CategoryUpdate,
    responses(
        (status = 200, description = "The category as changed", body = Category),
        CatalogEditorRefused,
        (status = 400, description = "A field breaks a rule, or the id is not a number", body = ErrorBody),
        (status = 404, description = "No such category", body = ErrorBody),
        (status = 409, description = "The new name's slug is taken, or the category changed meanwhile", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn update_category(
    State(state): State<AppState>,
    editor: CatalogEditor,
    Segment(raw): Segment,
    fields: Fields,
) -> Result<Json<Category>, ApiError> {
    let id = id(&raw)?;
    let (name, image) = category_fields(&state, &fields, false)?;
    service::change_category(&state, editor.editor(), id, name.as_deref(), image.as_deref()).await?;
    category_json(&state, id).await
}

#[utoipa::path(
    delete,
    path = "/categories/{id}",
    tag = "categories",
    summary = "Delete an empty category",
    params(("id" = i64, Path, description = "The category's id")),
    responses(
        (status = 200, description = "Deleted", body = bool, content_type = "application/json"),
        CatalogEditorRefused,
        (status = 400, description = "The id is not a whole number", body = ErrorBody),
        (status = 404, description = "No such category", body = ErrorBody),
        (status = 409, description = "The category still holds products", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn delete_category(
    State(state): State<AppState>,
    editor: CatalogEditor,
    Segment(raw): Segment,
) -> Result<Json<bool>, ApiError> {
    let id = id(&raw)?;
    service::delete_category(&state, editor.editor(), id).await?;
    Ok(Json(true))
}
