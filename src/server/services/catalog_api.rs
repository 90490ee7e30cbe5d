//! Catalog reads for the REST API: whole products with their category, in id order.

use crate::error::AppError;
use crate::server::db::catalog_api::{self as db, CategoryRecord, Key, ProductFilter, ProductRecordFull};
use crate::server::state::AppState;

pub async fn list_products(state: &AppState, filter: &ProductFilter) -> Result<Vec<ProductRecordFull>, AppError> {
    Ok(db::select_products(&state.db, filter).await?)
}

pub async fn find_product(state: &AppState, key: Key<'_>) -> Result<Option<ProductRecordFull>, AppError> {
    Ok(db::select_product(&state.db, key).await?)
}

/// The other products of a product's category; `None` when the product does not exist.
pub async fn related_products(state: &AppState, key: Key<'_>) -> Result<Option<Vec<ProductRecordFull>>, AppError> {
    match db::select_product(&state.db, key).await? {
        Some(product) => Ok(Some(db::select_related(&state.db, &product).await?)),
        None => Ok(None),
    }
}

pub async fn list_categories(state: &AppState, limit: Option<i64>) -> Result<Vec<CategoryRecord>, AppError> {
    Ok(db::select_categories(&state.db, limit).await?)
}

pub async fn find_category(state: &AppState, key: Key<'_>) -> Result<Option<CategoryRecord>, AppError> {
    Ok(db::select_category(&state.db, key).await?)
}
