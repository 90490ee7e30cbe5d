//! Catalog reads for the REST API: whole products with their category, in id order.

use crate::error::{AppError, Entity, Lookup};
use crate::server::app::state::AppState;
use crate::server::db::catalog::api as db;

pub use crate::server::db::catalog::api::{CategoryRecord, Key, ProductFilter, ProductRecordFull};

/// A record of `entity` that `key` names no more (or never did).
fn missing(entity: Entity, key: Key<'_>) -> AppError {
    let by = match key {
        Key::Id(id) => Lookup::Id(id),
        Key::Slug(slug) => Lookup::Slug(slug.to_owned()),
    };
    AppError::NotFound { entity, by: Some(by) }
}

pub async fn list_products(state: &AppState, filter: &ProductFilter) -> Result<Vec<ProductRecordFull>, AppError> {
    Ok(db::select_products(&state.db, filter).await?)
}

pub async fn find_product(state: &AppState, key: Key<'_>) -> Result<ProductRecordFull, AppError> {
    db::select_product(&state.db, key).await?.ok_or_else(|| missing(Entity::Product, key))
}

/// The most related products one answer holds. Upstream sends the whole category, which on a
/// large catalog is tens of megabytes per request; this is the API's page size.
pub const MAX_RELATED: i64 = 200;

/// The other products of a product's category, at most [`MAX_RELATED`] in id order.
pub async fn related_products(state: &AppState, key: Key<'_>) -> Result<Vec<ProductRecordFull>, AppError> {
    db::select_related_to(&state.db, key, MAX_RELATED).await?.ok_or_else(|| missing(Entity::Product, key))
}

pub async fn list_categories(state: &AppState, limit: Option<i64>) -> Result<Vec<CategoryRecord>, AppError> {
    Ok(db::select_categories(&state.db, limit).await?)
}

pub async fn find_category(state: &AppState, key: Key<'_>) -> Result<CategoryRecord, AppError> {
    db::select_category(&state.db, key).await?.ok_or_else(|| missing(Entity::Category, key))
}
