//! `POST`, `PUT` and `DELETE` on `/api/v1/products` and `/api/v1/categories` (§3, §4 of
//! `docs/platzi-api.md`): the body's shape is checked here with upstream's messages; every rule
//! about the values (and who may write) lives in `services::catalog_edits`, which the back office
//! calls too.

use super::body::{check, Fields};
use super::caller::CatalogEditor;
use super::catalog::{id, missing};
use super::errors::ApiError;
use super::json::{Category, Product};
use crate::error::{AppError, FieldIssue};
use crate::model::catalog_edit::ProductInput;
use crate::server::db::catalog_api::Key;
use crate::server::services::{catalog_api, catalog_edits as service, catalog_edits::ProductChanges};
use crate::server::state::AppState;
use axum::{
    extract::{OriginalUri, Path, State},
    http::StatusCode,
    Json,
};

type Created<T> = Result<(StatusCode, Json<T>), ApiError>;

const CATEGORY_ID_TYPE: &str = "categoryId must be a number conforming to the specified constraints";

/// A product body's fields; `required` for a create, all optional for an update. `stock` is
/// Tienda's own (upstream has none): a create without it starts at 0 in stock.
fn product_changes(fields: &Fields, required: bool) -> Result<ProductChanges, ApiError> {
    let mut messages = Vec::new();
    let changes = ProductChanges {
        title: fields.text("title", required, "title must be a string", &mut messages),
        price: fields.number("price", required, "price must be a positive number", &mut messages),
        description: fields.text("description", required, "description must be a string", &mut messages),
        category_id: fields.number("categoryId", required, CATEGORY_ID_TYPE, &mut messages),
        images: fields.images(required, &mut messages),
        stock: fields.number("stock", false, "stock must be a whole number from 0 to 1000000", &mut messages),
    };
    check(messages)?;
    Ok(changes)
}

/// A category id that names no category is upstream's "not found" (404 here, §12), when it is
/// the only thing wrong; otherwise one message among the others.
fn refusal(error: AppError, category_id: Option<&str>, uri: &OriginalUri) -> ApiError {
    if let AppError::Validation(errors) = &error {
        if let ([only], Some(category_id)) = (errors.as_slice(), category_id.and_then(|c| c.parse::<i64>().ok())) {
            if only.issue == FieldIssue::UnknownCategory {
                return missing("Category", Key::Id(category_id), uri.clone());
            }
        }
    }
    error.into()
}

/// A record named in the path that is not there: upstream's body, with 404.
fn not_found(error: AppError, entity: &'static str, id: i64, uri: &OriginalUri) -> ApiError {
    match error {
        AppError::NotFound(_) => missing(entity, Key::Id(id), uri.clone()),
        other => other.into(),
    }
}

async fn product_json(state: &AppState, id: i64) -> Result<Json<Product>, ApiError> {
    let record = catalog_api::find_product(state, Key::Id(id)).await?.ok_or(ApiError::Internal)?;
    Ok(Json(Product::new(record, &state.config.server.site_url)))
}

async fn category_json(state: &AppState, id: i64) -> Result<Json<Category>, ApiError> {
    let record = catalog_api::find_category(state, Key::Id(id)).await?.ok_or(ApiError::Internal)?;
    Ok(Json(Category::new(record, &state.config.server.site_url)))
}

pub async fn create_product(
    State(state): State<AppState>,
    editor: CatalogEditor,
    uri: OriginalUri,
    fields: Fields,
) -> Created<Product> {
    let changes = product_changes(&fields, true)?;
    let input = ProductInput {
        title: changes.title.as_deref().unwrap_or_default(),
        description: changes.description.as_deref().unwrap_or_default(),
        price: changes.price.as_deref().unwrap_or_default(),
        stock: changes.stock.as_deref().unwrap_or("0"),
        category_id: changes.category_id.as_deref().unwrap_or_default(),
        images: changes.images.clone().unwrap_or_default(),
    };
    let id = service::save_product(&state, editor.editor(), None, input, Vec::new())
        .await
        .map_err(|e| refusal(e, changes.category_id.as_deref(), &uri))?;
    Ok((StatusCode::CREATED, product_json(&state, id).await?))
}

pub async fn update_product(
    State(state): State<AppState>,
    editor: CatalogEditor,
    Path(raw): Path<String>,
    uri: OriginalUri,
    fields: Fields,
) -> Result<Json<Product>, ApiError> {
    let id = id(&raw)?;
    let changes = product_changes(&fields, false)?;
    let category_id = changes.category_id.clone();
    service::change_product(&state, editor.editor(), id, changes).await.map_err(|e| match e {
        AppError::NotFound(_) => not_found(e, "Product", id, &uri),
        other => refusal(other, category_id.as_deref(), &uri),
    })?;
    product_json(&state, id).await
}

pub async fn delete_product(
    State(state): State<AppState>,
    editor: CatalogEditor,
    Path(raw): Path<String>,
    uri: OriginalUri,
) -> Result<Json<bool>, ApiError> {
    let id = id(&raw)?;
    service::delete_product(&state, editor.editor(), id).await.map_err(|e| not_found(e, "Product", id, &uri))?;
    Ok(Json(true))
}

fn category_fields(fields: &Fields, required: bool) -> Result<(Option<String>, Option<String>), ApiError> {
    let mut messages = Vec::new();
    let name = fields.text("name", required, "name must be a string", &mut messages);
    let image = fields.text("image", required, "image must be a URL address", &mut messages);
    check(messages)?;
    Ok((name, image))
}

pub async fn create_category(
    State(state): State<AppState>,
    editor: CatalogEditor,
    fields: Fields,
) -> Created<Category> {
    let (name, image) = category_fields(&fields, true)?;
    let (name, image) = (name.unwrap_or_default(), image.unwrap_or_default());
    let id = service::create_category(&state, editor.editor(), &name, &image).await?;
    Ok((StatusCode::CREATED, category_json(&state, id).await?))
}

pub async fn update_category(
    State(state): State<AppState>,
    editor: CatalogEditor,
    Path(raw): Path<String>,
    uri: OriginalUri,
    fields: Fields,
) -> Result<Json<Category>, ApiError> {
    let id = id(&raw)?;
    let (name, image) = category_fields(&fields, false)?;
    service::change_category(&state, editor.editor(), id, name.as_deref(), image.as_deref())
        .await
        .map_err(|e| not_found(e, "Category", id, &uri))?;
    category_json(&state, id).await
}

pub async fn delete_category(
    State(state): State<AppState>,
    editor: CatalogEditor,
    Path(raw): Path<String>,
    uri: OriginalUri,
) -> Result<Json<bool>, ApiError> {
    let id = id(&raw)?;
    service::delete_category(&state, editor.editor(), id).await.map_err(|e| not_found(e, "Category", id, &uri))?;
    Ok(Json(true))
}
