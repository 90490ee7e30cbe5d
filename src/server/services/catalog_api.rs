//! Catalog reads for the REST API: whole products with their category, in id order.

use crate::error::AppError;
use crate::server::app::state::AppState;
use crate::server::db::catalog::api::{self as db, CategoryRecord, Key, ProductFilter, ProductRecordFull};

pub async fn list_products(state: &AppState, filter: &ProductFilter) -> Result<Vec<ProductRecordFull>, AppError> {
    Ok(db::select_products(&state.db, filter).await?)
}

pub async fn find_product(state: &AppState, key: Key<'_>) -> Result<Option<ProductRecordFull>, AppError> {
    Ok(db::select_product(&state.db, key).await?)
}

/// The most related products one answer holds. Upstream sends the whole category, which on a
/// large catalog is tens of megabytes per request; this is the API's page size.
pub const MAX_RELATED: i64 = 200;

/// The other products of a product's category, at most [`MAX_RELATED`] in id order; `None` when
/// the product does not exist.
pub async fn related_products(state: &AppState, key: Key<'_>) -> Result<Option<Vec<ProductRecordFull>>, AppError> {
    match db::select_related_to(&state.db, key, MAX_RELATED).await? {
        Some(related) => Ok(Some(related)),
        None => Ok(None),
    }
}

pub async fn list_categories(state: &AppState, limit: Option<i64>) -> Result<Vec<CategoryRecord>, AppError> {
    Ok(db::select_categories(&state.db, limit).await?)
}

pub async fn find_category(state: &AppState, key: Key<'_>) -> Result<Option<CategoryRecord>, AppError> {
    Ok(db::select_category(&state.db, key).await?)
}
